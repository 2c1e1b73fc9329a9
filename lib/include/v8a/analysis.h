/* v8a/analysis.h - what Chrome DevTools computes from a heap snapshot.
 *
 * v8a_analyze() takes a heap and computes, with DevTools' rules (docs/analysis.md):
 * the shallow-size transfer, the dominator tree over essential edges,
 * retained sizes, distances from the user roots, class names and keys
 * (with interface names for plain objects and the Detached state of DOM
 * nodes), the Summary aggregates per class, and the statistics. Per-node
 * results are arrays indexed by node ordinal; classes by class index.
 */
#ifndef V8A_ANALYSIS_H
#define V8A_ANALYSIS_H

#include <v8a/common.h>
#include <v8a/heap.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct v8a_analysis v8a_analysis;

/* Distances as DevTools defines them. */
#define V8A_DISTANCE_NONE   (-5)      /* not reachable from the root */
#define V8A_DISTANCE_SYSTEM 100000000 /* the root, when there are user roots */

typedef struct v8a_analysis_options {
    int raw_sizes; /* skip the shallow-size transfer: V8's own self sizes */
    v8a_progress_cb progress;
    void *payload;
} v8a_analysis_options;

void v8a_analysis_options_init(v8a_analysis_options *opts);

/* Analyses h, which must outlive the analysis. *out is the caller's, freed
 * with v8a_analysis_free(). Fails with V8A_ENOMEM or V8A_ECANCELED. */
int v8a_analyze(v8a_analysis **out, const v8a_heap *h, const v8a_analysis_options *opts);

void v8a_analysis_free(v8a_analysis *a);

/* Per node (ordinal i). */
uint64_t v8a_analysis_shallow_size(const v8a_analysis *a, uint32_t i); /* after the transfer */
uint64_t v8a_analysis_retained_size(const v8a_analysis *a, uint32_t i);
uint32_t v8a_analysis_dominator(const v8a_analysis *a, uint32_t i); /* ordinal; root: itself */
int32_t v8a_analysis_distance(const v8a_analysis *a, uint32_t i);
uint32_t v8a_analysis_class(const v8a_analysis *a, uint32_t i); /* class index */
int v8a_analysis_is_detached(const v8a_analysis *a, uint32_t i);

/* The root's ordinal (0 for V8 snapshots). */
uint32_t v8a_analysis_root(const v8a_analysis *a);

/* The total DevTools reports: every node's shallow size plus extra_native_bytes. */
uint64_t v8a_analysis_total_size(const v8a_analysis *a);

/* Classes: the rows of DevTools' Summary (nodes of shallow size 0 are not
 * counted, as there). A class is keyed by its name, or for objects with an
 * allocation site by "scriptId,line,column,name". */
typedef struct v8a_class_info {
    const char *name; /* as DevTools shows it: "Function", "{a, b}", "Detached <div>" */
    const char *key;  /* DevTools' public class key: ",Name" or "12,3,4,Name" */
    uint32_t count;
    uint64_t shallow_size;
    uint64_t retained_size; /* sum over instances without a same-class dominator */
    int32_t distance;       /* minimum over instances */
    uint32_t first;         /* ordinal of the first instance */
    int in_summary;         /* a row of DevTools' Summary: instances with a size,
                               and no later class with the same key */
} v8a_class_info;

uint32_t v8a_analysis_class_count(const v8a_analysis *a);
/* Borrowed; valid as long as a. */
const v8a_class_info *v8a_analysis_get_class(const v8a_analysis *a, uint32_t c);

/* DevTools' statistics (the pie chart). */
typedef struct v8a_statistics {
    uint64_t total;  /* all shallow sizes + extra_native_bytes */
    uint64_t v8heap; /* total - native */
    uint64_t native; /* native nodes + extra_native_bytes */
    uint64_t code;
    uint64_t strings;
    uint64_t js_arrays;
    uint64_t typed_arrays; /* native "system / JSArrayBufferData" */
    uint64_t system;       /* hidden nodes that kept their size */
    uint64_t extra_native_bytes;
} v8a_statistics;

void v8a_analysis_get_statistics(const v8a_analysis *a, v8a_statistics *out);

/* Interface definitions: the names DevTools gives plain objects ("{a, b}")
 * with the property names each stands for, inferred per snapshot. */
typedef struct v8a_interfaces v8a_interfaces;

/* The snapshot's own definitions; borrowed, NULL when unknown. */
const v8a_interfaces *v8a_analysis_get_interfaces(const v8a_analysis *a);

/* DevTools' applyInterfaceDefinitions, as its Comparison view does to the
 * base snapshot: plain objects are renamed after defs (which may come from
 * another snapshot), and the class aggregates are recomputed. Other nodes
 * keep their classes. Fails with V8A_ENOMEM (a is then unusable). */
int v8a_analysis_apply_interfaces(v8a_analysis *a, const v8a_interfaces *defs);

void v8a_interfaces_free(v8a_interfaces *d);

#ifdef __cplusplus
}
#endif
#endif
