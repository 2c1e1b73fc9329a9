/* v8a/profile_insights.h - an automatic reading of a CPU profile (flame
 * insights): findings, each with its evidence and a one-line suggestion,
 * ranked by the time at stake.
 *
 * Kinds of finding, each defined on the samples under the time model of
 * v8a/profile.h ("JS samples" are those whose top frame is JavaScript or
 * native code; (garbage collector) and (program) samples have no stack):
 *
 * PLATEAU  one top-of-stack node for a long run: consecutive JS samples of
 *          that node, GC and (program) samples between them included (the
 *          operation's own collections), ended by (idle) or another node.
 *          A run at least plateau_min_us long is a finding; its score is the
 *          run's duration. V8 records no frames for builtins such as
 *          JSON.parse, so the node is their caller and `line` the hottest
 *          line of its positionTicks (where the call is).
 * DEEP     samples whose stack is at least deep_depth frames deep. The score
 *          is their summed duration; the function named is the one that
 *          appears most often on those stacks (weighted by time: the
 *          recursive function), `depth` the deepest stack and `mean_depth`
 *          the time-weighted mean depth.
 * REPEATED a node (not the task itself, not a recursive call of its
 *          parent's function, not a function V8 will not optimise, none of
 *          its stacks deep) entered at least min_bursts times from its
 *          caller, for at most max_burst_us of JS samples per entry on
 *          average: a loop of small calls. An entry (a burst) is a JS sample
 *          with the node on its stack whose previous JS sample, with no
 *          (idle) between, had the node's parent on its stack but not the
 *          node. The score is the node's JS time. A reported node hides its
 *          descendants.
 * GC       (garbage collector) at least gc_min_pct of busy time. The score
 *          is the GC time; `culprits` are the functions on top of the stack
 *          in the last JS sample before each GC sample, by GC time after them.
 * DEOPT    a function with nodes V8 reports a deoptReason for (node v20:
 *          the reason V8 will not optimise it), by its self time (the score).
 * STALL    the longest stretch of v8a_blocking_new (threshold stall_min_us),
 *          reported when more than half of it is explained by no other
 *          finding; its score is the unexplained part. The longest stretch is
 *          in v8a_insights.longest whether reported or not.
 *
 * Findings whose score is below min_share_pct of busy time are dropped. Each
 * finding carries the time ranges of its evidence (for a renderer to mark).
 */
#ifndef V8A_PROFILE_INSIGHTS_H
#define V8A_PROFILE_INSIGHTS_H

#include <v8a/common.h>
#include <v8a/profile.h>
#include <v8a/profile_stats.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum v8a_insight_kind {
    V8A_INSIGHT_PLATEAU = 0,
    V8A_INSIGHT_DEEP = 1,
    V8A_INSIGHT_REPEATED = 2,
    V8A_INSIGHT_GC = 3,
    V8A_INSIGHT_DEOPT = 4,
    V8A_INSIGHT_STALL = 5
} v8a_insight_kind;

/* Thresholds; v8a_insights_options_init sets the documented defaults. */
typedef struct v8a_insights_options {
    int64_t plateau_min_us; /* 50 ms */
    uint32_t deep_depth;    /* 64 frames */
    uint32_t min_bursts;    /* 20 */
    int64_t max_burst_us;   /* 2 ms (mean burst) */
    double gc_min_pct;      /* 10 (% of busy time) */
    int64_t stall_min_us;   /* 50 ms */
    double min_share_pct;   /* 1 (% of busy time) */
} v8a_insights_options;

void v8a_insights_options_init(v8a_insights_options *o);

/* A stretch of time: samples[first .. first+count), start and duration. */
typedef struct v8a_insight_range {
    size_t first, count;
    int64_t start_us, duration_us;
} v8a_insight_range;

/* GC: a function running just before GC samples. */
typedef struct v8a_insight_culprit {
    uint32_t node; /* the heaviest node of the function */
    int64_t gc_us; /* GC time after its samples */
} v8a_insight_culprit;

typedef struct v8a_insight {
    v8a_insight_kind kind;
    int64_t score_us;          /* time at stake */
    double share_pct;          /* score_us of busy time */
    uint32_t frame;            /* the function named; V8A_PROFILE_NONE for GC without culprits */
    uint32_t node;             /* the evidence stack's top node; V8A_PROFILE_NONE when none */
    int32_t line;              /* the hottest positionTicks line of `node`, 0 without */
    int64_t time_us;           /* PLATEAU run, DEEP time, REPEATED burst time, GC time,
                                  DEOPT self time, STALL duration */
    int64_t gc_us;             /* GC inside (PLATEAU, STALL) */
    int64_t count;             /* REPEATED bursts, DEEP samples, DEOPT samples, else samples */
    uint32_t depth;            /* DEEP: the deepest stack; else node's depth */
    double mean_depth;         /* DEEP: time-weighted mean depth */
    uint32_t reason;           /* DEOPT: string ordinal of the reason; else 0 */
    const char *suggestion;    /* static */
    v8a_insight_range *ranges; /* in time order */
    size_t nranges;
    v8a_insight_culprit *culprits; /* GC only, heaviest first (at most 5) */
    size_t nculprits;
} v8a_insight;

typedef struct v8a_insights {
    const v8a_profile *profile; /* borrowed */
    v8a_insights_options opt;
    v8a_insight *items; /* highest score first */
    size_t nitems;
    int64_t time_us, busy_us, idle_us, gc_us;
    /* Stretches longer than stall_min_us: their time and GC inside. */
    int64_t blocked_us, blocked_gc_us;
    size_t nstretches;
    int has_longest;     /* 1 when the profile has any stretch */
    v8a_stretch longest; /* the longest stretch (any length) */
} v8a_insights;

/* Reads p. CPU profiles only (V8A_EUNSUPPORTED otherwise); opt NULL means
 * the defaults. Returns 0, V8A_EINVAL or V8A_ENOMEM; *out is the caller's
 * (v8a_insights_free), NULL on failure. p must outlive the result. */
int v8a_insights_new(v8a_insights **out, const v8a_profile *p, const v8a_insights_options *opt);
void v8a_insights_free(v8a_insights *in);

/* "plateau", "deep", "repeated", "gc", "deopt", "stall"; static. */
const char *v8a_insight_kind_name(v8a_insight_kind k);

#ifdef __cplusplus
}
#endif
#endif
