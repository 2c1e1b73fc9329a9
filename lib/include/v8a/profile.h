/* v8a/profile.h - CPU and sampling-heap profiles: one in-memory model that
 * every reader fills and every view (info, render, top, diff, blocking)
 * reads.
 *
 * The model is plain arrays of integers, indexed by ordinals (never by the
 * ids found in the file). Readers guarantee the invariants written beside
 * each field, so views need not re-check them; a file that cannot meet them
 * is rejected with V8A_EFORMAT.
 *
 * Time model (docs/formats.md, "CPU profiles"): one rule for every view.
 * Sample timestamps are the running sum of timeDeltas from startTime; when a
 * delta is negative the samples are stably sorted by time (and the anomaly
 * counted). A sample lasts until the next one; the last sample lasts the
 * median interval. The gap between startTime and the first sample is not
 * attributed. Times are in microseconds.
 */
#ifndef V8A_PROFILE_H
#define V8A_PROFILE_H

#include <v8a/analysis.h>
#include <v8a/common.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "No such ordinal": the parent of the root, an absent string. */
#define V8A_PROFILE_NONE UINT32_MAX

typedef enum v8a_profile_kind {
    V8A_PROFILE_CPU = 0, /* weights are microseconds (or samples, or hits) */
    V8A_PROFILE_HEAP = 1 /* a .heapprofile: weights are bytes */
} v8a_profile_kind;

/* Which producer's layout the file had. */
typedef enum v8a_profile_format {
    V8A_PROFILE_FORMAT_CPUPROFILE = 0,  /* CDP Profiler.Profile (node --cpu-prof, Chrome) */
    V8A_PROFILE_FORMAT_LEGACY = 1,      /* nested "head" tree, times in seconds */
    V8A_PROFILE_FORMAT_TRACE = 2,       /* Chrome trace: Profile + ProfileChunk events */
    V8A_PROFILE_FORMAT_HEAPPROFILE = 3, /* node --heap-prof (sampling heap profiler) */
    V8A_PROFILE_FORMAT_FOLDED = 4,      /* folded stacks: "a;b;c 12" lines (flamegraph.pl,
                                           inferno, speedscope, flame fold); see below */
    V8A_PROFILE_FORMAT_HEAPSNAPSHOT =
        5 /* a heap snapshot's dominator tree (v8a_profile_from_heap) */
} v8a_profile_format;

/* What a frame is, for colouring and filtering. */
typedef enum v8a_frame_category {
    V8A_CAT_APP = 0,     /* the application's own code */
    V8A_CAT_PACKAGE = 1, /* code under node_modules/ (frame.package names it) */
    V8A_CAT_CORE = 2,    /* node's core: node:..., internal/... */
    V8A_CAT_NATIVE = 3,  /* V8 builtins and native code: no url */
    V8A_CAT_GC = 4,      /* (garbage collector) */
    V8A_CAT_IDLE = 5,    /* (idle) */
    V8A_CAT_PROGRAM = 6, /* (program) */
    V8A_CAT_ROOT = 7     /* (root) */
} v8a_frame_category;

/* A function, deduplicated by (name, url, line, column). Strings are
 * ordinals into v8a_profile.strings; string 0 is always "". */
typedef struct v8a_frame {
    uint32_t name;     /* display name: "(anonymous)" when the file has "" */
    uint32_t url;      /* 0 when unknown */
    int32_t line;      /* 1-based, as DevTools displays it; 0 when unknown */
    int32_t column;    /* 1-based; 0 when unknown */
    uint32_t package;  /* npm package name for V8A_CAT_PACKAGE, else 0 */
    uint32_t category; /* a v8a_frame_category */
} v8a_frame;

/* A node of the top-down call tree. Node 0 is the root; every node's parent
 * has a smaller ordinal than the node itself (readers renumber to make it
 * so), so one forward pass visits parents before children and one backward
 * pass accumulates totals. */
typedef struct v8a_profile_node {
    uint32_t frame;        /* ordinal into frames */
    uint32_t parent;       /* ordinal; V8A_PROFILE_NONE for node 0 */
    uint32_t depth;        /* 0 for the root */
    uint32_t id;           /* the node's id in the file */
    int64_t hit_count;     /* hitCount from the file; counted from samples when absent */
    int64_t self_bytes;    /* heap profiles: selfSize; 0 for CPU profiles */
    uint32_t deopt_reason; /* string ordinal; 0 when none */
    uint32_t first_tick;   /* positionTicks of this node: ticks[first_tick .. +n_ticks) */
    uint32_t n_ticks;
} v8a_profile_node;

/* positionTicks: self hits per source line (1-based) of one node. */
typedef struct v8a_position_tick {
    uint32_t line;
    uint32_t ticks;
} v8a_position_tick;

/* What the reader noticed without failing (flame info prints them). */
typedef struct v8a_profile_anomalies {
    uint64_t negative_deltas;     /* timeDeltas below zero (samples were re-sorted) */
    uint64_t hitcount_mismatches; /* nodes whose hitCount differs from their samples */
    uint64_t long_gaps;           /* sample intervals longer than 10 median intervals */
    int64_t longest_gap_us;
} v8a_profile_anomalies;

typedef struct v8a_profile {
    v8a_profile_kind kind;
    v8a_profile_format format;

    char **strings; /* UTF-8, NUL-terminated, valid; strings[0] is "" */
    uint32_t nstrings;

    v8a_frame *frames;
    uint32_t nframes;

    v8a_profile_node *nodes; /* nodes[0] is the root */
    uint32_t nnodes;

    v8a_position_tick *ticks;
    uint32_t nticks;

    /* Samples in time order after the time model is applied. CPU profiles:
     * sample_node[i] is the top-of-stack node, sample_time[i] the start in
     * microseconds since the first sample (so sample_time[0] == 0) and
     * sample_duration[i] how long it lasts. Heap profiles: one entry per
     * sampled allocation, sample_time is its ordinal and sample_duration its
     * size in bytes; nsamples may be 0 (older files). */
    uint32_t *sample_node;
    int64_t *sample_time;
    int64_t *sample_duration;
    size_t nsamples;

    int64_t start_time_us; /* startTime from the file (V8's monotonic clock) */
    int64_t end_time_us;   /* endTime from the file */
    int64_t interval_us;   /* median sample interval; 0 without samples */
    int64_t duration_us;   /* sum of sample_duration (CPU profiles) */

    v8a_profile_anomalies anomalies;

    /* Added by the reader (fields after this line are newer than the
     * original contract). Chrome traces: the thread the profile belongs to
     * (pid, tid, thread_name string ordinal; 0 when unnamed) and how many
     * profiles the trace held. Other formats: all 0, nthreads 1. */
    int64_t pid, tid;
    uint32_t thread_name;
    uint32_t nthreads;
    uint32_t max_depth; /* the largest nodes[i].depth */
    /* Heap profiles: samples whose nodeId is not in the tree (V8 writes
     * some); they are left out of the samples above. Always 0 for CPU
     * profiles, where such a sample is an error. */
    uint64_t orphan_samples;
} v8a_profile;

/* How to read. Zero-initialise, then set what you need. */
typedef struct v8a_profile_options {
    /* Chrome traces: which thread's profile, as "PID:TID", a thread name
     * ("CrRendererMain") or NULL for the one with the most samples. */
    const char *thread;
    v8a_progress_cb progress;
    void *progress_payload;
    /* Testing and pipes: feed the parser in chunks of this many bytes
     * instead of mapping a regular file (0: map when possible, else 1 MiB). */
    size_t chunk_size;
} v8a_profile_options;

/* Reads a .cpuprofile (CDP or legacy), a Chrome trace, a .heapprofile or a
 * folded-stack file, gzipped or not; "-" is standard input. The layout is
 * detected from the content: a file whose first non-blank byte is not '{' or
 * '[' is read as folded stacks.
 *
 * Folded stacks (docs/formats.md): one "frame;frame;...;leaf COUNT" line per
 * stack, root first, COUNT a non-negative integer after the last run of
 * blanks; blank lines are skipped. A frame written by `flame fold` as
 * "name [url:line]" gets its url and line back. The model is a CPU profile
 * (format FOLDED) with a (root) node, one sample per line whose
 * sample_duration is the count (samples follow each other: sample_time is
 * the running sum), hit_count the sum of a node's counts. Weighing by time
 * or by samples both give the counts (a folded file has no clock), and so
 * does hitcount. A malformed line fails with V8A_EFORMAT naming "file:line".
 * On failure returns a V8A_E* code and *out is NULL; the error names the
 * file and the byte offset (or node, or line) at fault. */
int v8a_profile_read(const char *path, const v8a_profile_options *opt, v8a_profile **out);

/* The same from memory; `name` is used in error messages. */
int v8a_profile_read_buffer(const void *data, size_t len, const char *name,
                            const v8a_profile_options *opt, v8a_profile **out);

void v8a_profile_free(v8a_profile *p);

/* Name of a format ("cpuprofile", "legacy", "trace", "heapprofile") and of
 * a category ("app", "package", "core", "native", "gc", "idle", "program",
 * "root"); static strings, "?" when out of range. */
const char *v8a_profile_format_name(v8a_profile_format f);
const char *v8a_frame_category_name(v8a_frame_category c);

/* Classifies a frame by its (display) name and url as docs/formats.md
 * describes. When the category is V8A_CAT_PACKAGE, *pkg and *pkg_len give
 * the package name inside url (may be NULL). */
v8a_frame_category v8a_profile_classify(const char *name, const char *url, const char **pkg,
                                        size_t *pkg_len);

/* Profile databases: a SQLite file with its own application_id ("V8AP")
 * and schema version (docs/schema.md, "Profile databases"). */
#define V8A_PROFILE_APPLICATION_ID 0x56384150
#define V8A_PROFILE_SCHEMA_VERSION 1

/* Writes p to db_path through a temporary file renamed into place, so a
 * failure leaves db_path as it was. `source` (may be NULL) is recorded in
 * the meta table. Returns 0 or V8A_EIO / V8A_ENOMEM. */
int v8a_profile_store(const v8a_profile *p, const char *db_path, const char *source);

/* Reads a profile database written by v8a_profile_store. Returns 0, or
 * V8A_EFORMAT (not a profile database), V8A_EUNSUPPORTED (other schema
 * version), V8A_EIO; *out is NULL on failure and the caller's otherwise. */
int v8a_profile_load(const char *db_path, v8a_profile **out);

/* Opens either: a profile database (by its content) or a raw profile.
 * Same contract as v8a_profile_read. */
int v8a_profile_open(const char *path, const v8a_profile_options *opt, v8a_profile **out);

/* The string with ordinal `s` ("" when out of range). */
const char *v8a_profile_string(const v8a_profile *p, uint32_t s);

/* How a sample is weighed. */
typedef enum v8a_weight {
    V8A_WEIGHT_TIME = 0,    /* microseconds (the time model above); bytes for heap profiles */
    V8A_WEIGHT_SAMPLES = 1, /* one per sample (folded stacks: the line's count) */
    V8A_WEIGHT_HITCOUNT = 2 /* hitCount x (end - start) / sum(hitCount): DevTools' tree views */
} v8a_weight;

/* Fills self[nnodes] with each node's self weight under `w` (heap profiles:
 * self bytes whatever `w`). Returns 0 or V8A_EINVAL. */
int v8a_profile_self_weights(const v8a_profile *p, v8a_weight w, int64_t *self);

/* Fills total[nnodes] from self[nnodes]: a node's total is its self plus its
 * children's totals. */
void v8a_profile_totals(const v8a_profile *p, const int64_t *self, int64_t *total);

/* A heap snapshot's dominator tree as a heap profile, for memory flame
 * graphs: one frame per class; one node per class under each path of
 * dominators, standing for those objects (hit_count counts them, self_bytes
 * sums their shallow sizes, id is the first one's id, low 32 bits), so a
 * node's total is their retained size. No samples. *out is the caller's,
 * freed with v8a_profile_free(). Fails with V8A_ENOMEM. */
int v8a_profile_from_heap(v8a_profile **out, const v8a_heap *h, const v8a_analysis *a);

/* A heap snapshot's allocation stacks (trace_tree, from allocation
 * tracking) as a heap profile weighted by live bytes: one node per trace
 * node, whose self_bytes and hit_count are the size and number of the live
 * objects it allocated. Fails with V8A_ENOTFOUND when the snapshot has no
 * allocation stacks, V8A_ENOMEM. */
int v8a_profile_from_allocations(v8a_profile **out, const v8a_heap *h);

#ifdef __cplusplus
}
#endif
#endif
