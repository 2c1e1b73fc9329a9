/* v8a/profile_stats.h - numbers from a CPU profile: per-function self and
 * total time (flame top), stretches where the event loop was blocked (flame
 * blocking), and the per-function comparison of two profiles (flame diff).
 *
 * All three read the model of v8a/profile.h under its time model: a sample
 * weighs its sample_duration in microseconds, and counts 1 as a sample.
 * Nothing here parses: the inputs are models the readers already checked.
 *
 * Function identity is the model's frame: (name, url, line, column). Across
 * two profiles frames are matched by those four values, compared as text, so
 * a function that moved to another line is a different function.
 */
#ifndef V8A_PROFILE_STATS_H
#define V8A_PROFILE_STATS_H

#include <v8a/common.h>
#include <v8a/profile.h>
#include <v8a/regex.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- per-function aggregation (profile_top.c) ---- */

/* What one row of the bottom-up view stands for. */
typedef enum v8a_top_by {
    V8A_TOP_FUNCTION = 0, /* a frame: (name, url, line, column) */
    V8A_TOP_URL = 1,      /* a script; frames without a url: one row per category
                             (native, gc, idle, program) */
    V8A_TOP_PACKAGE = 2,  /* an npm package (node_modules/NAME); other frames by
                             category: app, core, native, gc, idle, program */
    V8A_TOP_LINE = 3      /* a source line of a function, from positionTicks */
} v8a_top_by;

typedef struct v8a_top_options {
    v8a_top_by by;
    /* Keep only the samples with a frame on their stack whose name or url
     * matches `include`, and drop those with one matching `exclude`
     * (borrowed; NULL for none). */
    v8a_regex *include;
    v8a_regex *exclude;
} v8a_top_options;

typedef struct v8a_top_row {
    /* What the row stands for, borrowed from the profile or static:
     * FUNCTION, LINE: the function's name; URL: the url, or "(native)",
     * "(garbage collector)", "(idle)", "(program)" for frames without one;
     * PACKAGE: the package name, or "(app)", "(node)", "(native)",
     * "(garbage collector)", "(idle)", "(program)". */
    const char *name;
    const char *url;   /* FUNCTION, LINE, URL: the url ("" when none); else "" */
    uint32_t frame;    /* a frame of the group (the only one for FUNCTION and LINE) */
    int32_t line;      /* FUNCTION: the frame's line; LINE: the ticked line; else 0 */
    int32_t column;    /* FUNCTION, LINE: the frame's column; else 0 */
    uint32_t category; /* a v8a_frame_category (of `frame`) */
    int64_t self_samples, total_samples;
    int64_t self_us, total_us;
} v8a_top_row;

/* Rows sorted by self time, then total time, then name (descending times). */
typedef struct v8a_top {
    const v8a_profile *profile; /* borrowed */
    v8a_top_row *rows;
    size_t nrows;
    int64_t samples; /* samples kept by the filters */
    int64_t time_us; /* their summed duration: the "whole" of the shares */
    int64_t idle_us; /* the part of time_us spent in (idle) */
} v8a_top;

/* Aggregates p bottom-up. A sample adds its weight to the self of the group
 * of its top frame and to the total of every group on its stack, once per
 * sample even when the group recurses (DevTools' Bottom-Up rule). LINE:
 * a node's self is split over its positionTicks lines in proportion to the
 * ticks (a node without them counts on the frame's own line); the total of a
 * line is its self, as positionTicks know nothing about call sites. (root)
 * has no row. CPU profiles only: V8A_EUNSUPPORTED for heap profiles.
 * Returns 0, V8A_EINVAL (a regex failed on a name; message from the regex)
 * or V8A_ENOMEM; *out is the caller's (v8a_top_free), NULL on failure. */
int v8a_top_new(v8a_top **out, const v8a_profile *p, const v8a_top_options *opt);
void v8a_top_free(v8a_top *t);

/* "function", "url", "package", "line"; static. */
const char *v8a_top_by_name(v8a_top_by by);

/* ---- blocked event loop (profile_blocking.c) ---- */

/* A stretch: consecutive samples of one task of the event loop.
 *
 * The task of a sample is the child of (root) on its stack. A stretch opens
 * at a sample whose top frame is JavaScript or native code (not (idle),
 * (garbage collector), (program) or (root)) and extends over the following
 * samples while they belong to the same task; (garbage collector) and
 * (program) samples, which V8 records without a stack, extend the open
 * stretch; when none is open, they begin the next one if a sample of a task
 * follows before an (idle) one (a task whose first allocation sets off a GC
 * blocks the loop from the GC on). It ends at an (idle) sample, at a sample
 * of another task, or at the end of the profile. Its duration is the summed duration of its
 * samples (the time model), its gc_us the part in (garbage collector). */
typedef struct v8a_stretch {
    size_t first, count; /* samples[first .. first+count) */
    int64_t start_us;    /* sample_time of the first sample */
    int64_t duration_us;
    int64_t gc_us;
    uint32_t task;     /* node ordinal of the child of (root) */
    uint32_t heaviest; /* node ordinal: the top-of-stack node with the most time
                          inside the stretch (first in time on a tie) */
    int64_t heaviest_us;
    /* The line of the heaviest node's function with the most positionTicks
     * (over the whole profile: V8 does not record them per sample); 0 when
     * the node has none. V8 records no frames for builtins such as
     * JSON.parse: their time is the caller's, and this line is the call. */
    int32_t hot_line;
} v8a_stretch;

/* Longest first (then earliest). */
typedef struct v8a_blocking {
    const v8a_profile *profile; /* borrowed */
    v8a_stretch *stretches;
    size_t nstretches;
    int64_t threshold_us;
    int64_t blocked_us; /* sum of the stretches' durations */
    int64_t busy_us;    /* all sampled time that is not (idle) */
} v8a_blocking;

/* The stretches of p longer than threshold_us (strictly). CPU profiles only
 * (V8A_EUNSUPPORTED otherwise). Returns 0 or V8A_ENOMEM / V8A_EINVAL; *out
 * is the caller's (v8a_blocking_free), NULL on failure. */
int v8a_blocking_new(v8a_blocking **out, const v8a_profile *p, int64_t threshold_us);
void v8a_blocking_free(v8a_blocking *b);

/* ---- comparing two profiles (profile_diff.c) ---- */

typedef struct v8a_pdiff_options {
    /* 0: normalise: base's times are scaled by new busy / base busy before
     * subtracting, so deltas are changes of share expressed in new's time.
     * 1: raw microseconds. */
    int absolute;
    /* Noise threshold: a function is a regression or an improvement when its
     * ranked delta (self, or total with rank_total) reaches min_delta_us in
     * magnitude, or min_delta_pct percentage points of busy-time share when
     * min_delta_pct >= 0 (then min_delta_us is ignored). */
    int64_t min_delta_us;
    double min_delta_pct;
    int rank_total; /* rank and classify by total delta instead of self delta */
} v8a_pdiff_options;

/* One function seen in either profile. Shares are percentages of the
 * profile's busy time ((idle) excluded). Deltas follow the options. */
typedef struct v8a_pdiff_func {
    const char *name, *url; /* borrowed from whichever profile has the function */
    int32_t line, column;
    uint32_t category;
    int64_t base_self_us, base_total_us, new_self_us, new_total_us;
    int64_t base_self_samples, base_total_samples, new_self_samples, new_total_samples;
    double base_self_pct, base_total_pct, new_self_pct, new_total_pct;
    double self_delta_us, total_delta_us; /* new - (scaled) base */
    int in_base, in_new;
} v8a_pdiff_func;

typedef struct v8a_pdiff {
    const v8a_profile *base, *cur; /* borrowed */
    v8a_pdiff_options opt;
    v8a_pdiff_func *funcs; /* every function, in no promised order */
    size_t nfuncs;
    /* Pointers into funcs: regressions worst first, improvements best first;
     * functions below the threshold are in neither. */
    const v8a_pdiff_func **regressions, **improvements;
    size_t nregressions, nimprovements;
    int64_t base_busy_us, new_busy_us; /* (idle) excluded */
    int64_t base_time_us, new_time_us; /* all sampled time */
    double scale;                      /* new busy / base busy (1 with absolute) */
} v8a_pdiff;

void v8a_pdiff_options_init(v8a_pdiff_options *o);

/* Compares two CPU profiles function by function ((idle) and (root) have
 * no entry). Returns 0, V8A_EUNSUPPORTED (a heap profile) or V8A_ENOMEM;
 * *out is the caller's (v8a_pdiff_free), NULL on failure. The profiles
 * must outlive the result. */
int v8a_pdiff_new(v8a_pdiff **out, const v8a_profile *base, const v8a_profile *cur,
                  const v8a_pdiff_options *opt);
void v8a_pdiff_free(v8a_pdiff *d);

/* What a --fail-on gate of flame diff compares. */
typedef enum v8a_pdiff_measure {
    V8A_PDIFF_SELF = 0,  /* self time of the functions named */
    V8A_PDIFF_TOTAL = 1, /* time of the samples with a named function on their stack */
    V8A_PDIFF_CPU = 2    /* busy time: all samples but (idle) */
} v8a_pdiff_measure;

/* The measure in base and in new, in microseconds; base's value is scaled as
 * the diff's options say (CPU is never scaled). Functions are named by their
 * exact name (`name`) or by a regex on the name (`re`); both NULL with CPU.
 * Returns 0 or V8A_EINVAL (the regex failed) / V8A_ENOMEM. */
int v8a_pdiff_measure_get(const v8a_pdiff *d, v8a_pdiff_measure m, const char *name, v8a_regex *re,
                          double *before, double *after);

#ifdef __cplusplus
}
#endif
#endif
