/* profile_internal.h - what the profile reader's files share (private to lib/).
 *
 * The parser (profile_parse.c, with the trace-event part in profile_trace.c)
 * fills a v8a__prof: interned strings, deduplicated frames, "raw" nodes in
 * file order keyed by the ids found in the file, and the sample arrays as
 * they stand. profile_build.c then checks the tree, renumbers it and applies
 * the time model to make a v8a_profile. Raw nodes name their parent either by
 * raw index (nested layouts: legacy "head", .heapprofile), by id ("parent",
 * trace chunks) or through their children's ids ("children", CDP).
 */
#ifndef V8A_PROFILE_INTERNAL_H
#define V8A_PROFILE_INTERNAL_H

#include "strmap.h"

#include <v8a/profile.h>

#define V8A__PROF_MAX_DEPTH 1000000u /* nesting of a legacy/heap "head" tree */

typedef struct v8a__raw_node {
    uint32_t id;
    uint32_t frame;
    int64_t hit; /* -1: absent */
    int64_t self_bytes;
    uint32_t deopt;
    uint32_t first_tick, n_ticks;
    uint32_t parent_idx;              /* nested layouts: raw index of the parent, or NONE */
    uint32_t parent_id;               /* valid when has_parent */
    uint32_t first_child, n_children; /* ids in kids[] */
    uint32_t owner;                   /* trace: profile index; else 0 */
    uint8_t has_parent, has_id;
    uint64_t at; /* byte offset where the node starts */
} v8a__raw_node;

/* Trace files: one profile per (pid, id); its samples arrive in chunks. */
typedef struct v8a__trace_prof {
    int64_t pid, tid;
    uint32_t id; /* string ordinal of the event id */
    double start_time;
    int have_start;
    double end_time;
    int have_end;
    uint64_t nsamples;
} v8a__trace_prof;

typedef struct v8a__trace_chunk {
    uint32_t prof;
    double ts;
    uint64_t seq; /* order in the file, for a stable sort */
    size_t first_sample, n_samples;
    size_t first_delta, n_deltas;
} v8a__trace_chunk;

typedef struct v8a__trace_thread {
    int64_t pid, tid;
    uint32_t name;
} v8a__trace_thread;

typedef struct v8a__prof {
    const char *name; /* file name, for messages */
    v8a__strmap strings;
    v8a__strmap frame_map; /* (name, url, line, col) -> frame */
    v8a_frame *frames;
    size_t nframes, frames_cap;

    v8a__raw_node *rn;
    size_t nrn, rn_cap;
    uint32_t *kids;
    size_t nkids, kids_cap;
    v8a_position_tick *ticks;
    size_t nticks, ticks_cap;

    /* CPU samples as read: node ids and timeDeltas (or legacy timestamps) */
    uint32_t *samples;
    size_t nsamples, samples_cap;
    int64_t *deltas;
    size_t ndeltas, deltas_cap;
    /* heap samples */
    int64_t *hs_size, *hs_ordinal;
    size_t nhs, hs_cap;

    double start_time, end_time; /* as in the file (legacy: seconds) */
    int have_start, have_end;
    uint64_t at_deltas;  /* offset of timeDeltas/timestamps, for messages */
    uint64_t at_samples; /* offset of samples */
    uint64_t end_offset; /* size of the input */

    /* what was seen (detection) */
    int seen_nodes, seen_head, seen_events, seen_timestamps, seen_deltas, seen_samples;
    int seen_callframe_head; /* a head node with callFrame: .heapprofile */
    int seen_heap_samples;
    int folded; /* folded stacks (profile_folded.c) */

    /* Chrome traces */
    v8a__trace_prof *tprof;
    size_t ntprof, tprof_cap;
    v8a__trace_chunk *chunks;
    size_t nchunks, chunks_cap;
    v8a__trace_thread *threads;
    size_t nthreads, threads_cap;
} v8a__prof;

void v8a__prof_init(v8a__prof *b, const char *name);
void v8a__prof_free(v8a__prof *b);

/* Interns s[0..n) (valid UTF-8); returns the ordinal or -1 when out of memory. */
int64_t v8a__prof_string(v8a__prof *b, const char *s, size_t n);

/* The frame for (name, url, line, col), created when new (category and
 * package computed then). name and url are string ordinals; a name that is
 * "" is displayed as "(anonymous)". Returns the ordinal or -1 on OOM. */
int64_t v8a__prof_frame(v8a__prof *b, uint32_t name, uint32_t url, int32_t line, int32_t col);

/* Makes the profile from what was parsed. `thread` selects a trace profile.
 * Returns 0 or V8A_EFORMAT / V8A_ENOMEM / V8A_ENOTFOUND with the error set. */
int v8a__prof_build(v8a__prof *b, const char *thread, v8a_profile **out);

/* Trace files: picks the profile for `thread` and gathers its nodes and
 * samples into b as if the file had held that profile alone (chunks sorted
 * by ts). Sets *pick to the chosen trace profile. profile_trace.c. */
int v8a__prof_trace_select(v8a__prof *b, const char *thread, size_t *pick);

/* Reads up to cap bytes into buf; *got 0 at the end. `offset` is how much
 * was read before, for messages. Returns 0 or a V8A_E* code, error set. */
#include "json_feed.h" /* v8a__read_fn */

/* Reads folded stacks from rd in chunks of `chunk` bytes (profile_folded.c).
 * Same contract as v8a_profile_read. */
int v8a__prof_read_folded(const char *name, v8a__read_fn rd, void *payload, size_t chunk,
                          v8a_profile **out);

/* A new yajl-driven parser over b (profile_parse.c). */
typedef struct v8a__prof_parser v8a__prof_parser;
int v8a__prof_parser_new(v8a__prof_parser **out, v8a__prof *b);
/* Feeds bytes; tokens must not span feeds (see profile_read.c). Returns 0 or
 * a V8A_E* code with the error set. */
int v8a__prof_parser_feed(v8a__prof_parser *p, const unsigned char *buf, size_t len);
int v8a__prof_parser_finish(v8a__prof_parser *p);
uint64_t v8a__prof_parser_offset(const v8a__prof_parser *p);
/* fn is called about every million values with the byte offset; non-zero
 * cancels (V8A_ECANCELED). */
void v8a__prof_parser_set_tick(v8a__prof_parser *p, int (*fn)(void *, uint64_t), void *payload);
void v8a__prof_parser_free(v8a__prof_parser *p);

/* Trace events (profile_trace.c), called by the parser. */
typedef struct v8a__trace_event {
    int name; /* one of the V8A__EV_* below */
    int64_t pid, tid;
    int have_pid, have_tid;
    uint32_t id; /* string ordinal; 0 none */
    double ts;
    uint32_t thread_name; /* args.name of thread_name events */
    double start_time, end_time;
    int have_start, have_end;
    size_t first_node, first_sample, first_delta; /* staged in b by this event */
    int cpu_profile_has_deltas;
} v8a__trace_event;

enum { V8A__EV_OTHER = 0, V8A__EV_PROFILE, V8A__EV_CHUNK, V8A__EV_CPUPROFILE, V8A__EV_THREAD_NAME };

/* The event ended: keeps what it staged in b, or drops it. 0 or V8A_ENOMEM. */
int v8a__trace_event_end(v8a__prof *b, v8a__trace_event *ev, uint64_t seq);

#endif
