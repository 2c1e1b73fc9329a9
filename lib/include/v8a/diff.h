/* v8a/diff.h - comparing snapshots: DevTools' Comparison view, what it leaves
 * out, and memlab's baseline/target/final leak sets.
 *
 * A comparison never needs two heaps at once. Each analysed snapshot is
 * first reduced to a side (v8a_diff_side_new): per Summary class its key,
 * name and aggregates, and per counted instance its id, ordinal and shallow
 * size, sorted by (class, id). The heap can be freed once its side is made.
 * For DevTools' numbers the base snapshot is analysed with the current
 * snapshot's interface definitions applied first
 * (v8a_analysis_apply_interfaces), as DevTools' Comparison view does.
 */
#ifndef V8A_DIFF_H
#define V8A_DIFF_H

#include <v8a/analysis.h>
#include <v8a/common.h>
#include <v8a/heap.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct v8a_diff_side v8a_diff_side;

/* Reduces an analysed snapshot to what a comparison needs; h and a may be
 * freed afterwards. *out is the caller's, freed with v8a_diff_side_free().
 * Fails with V8A_ENOMEM. */
int v8a_diff_side_new(v8a_diff_side **out, const v8a_heap *h, const v8a_analysis *a);
void v8a_diff_side_free(v8a_diff_side *s);

/* One class of the comparison. The DevTools columns: # New = new_count,
 * # Deleted = deleted_count, # Delta = count_delta, Alloc. Size =
 * alloc_size, Freed Size = freed_size, Size Delta = size_delta (shallow
 * sizes, objects matched by id within the class key). The rest is what
 * DevTools does not show. */
typedef struct v8a_diff_class {
    const char *key;  /* DevTools' class key: ",Name" or "scriptId,line,col,Name" */
    const char *name; /* as DevTools shows it */
    uint32_t new_count, deleted_count;
    int64_t count_delta;
    uint64_t alloc_size, freed_size;
    int64_t size_delta;
    uint32_t count_before, count_after;       /* instances in each snapshot */
    uint64_t size_before, size_after;         /* their shallow sizes */
    uint64_t retained_before, retained_after; /* DevTools' class retained size */
    int64_t retained_delta;
    uint32_t resized_count; /* ids in both whose shallow size changed */
    int64_t resized_delta;  /* the sum of those changes */
    int in_devtools;        /* a row of DevTools' Comparison (new or deleted objects) */
} v8a_diff_class;

typedef struct v8a_diff v8a_diff;

/* Compares two sides (before is DevTools' base snapshot). *out is the
 * caller's, freed with v8a_diff_free(); it borrows nothing from the sides.
 * Fails with V8A_ENOMEM. */
int v8a_diff_compare(v8a_diff **out, const v8a_diff_side *before, const v8a_diff_side *after);
void v8a_diff_free(v8a_diff *d);

/* Every class of either snapshot (in_devtools marks DevTools' rows), sorted
 * by size delta (largest growth first), then retained delta, then key.
 * Borrowed; they are one array, so class i is v8a_diff_get_class(d, 0) + i. */
size_t v8a_diff_class_count(const v8a_diff *d);
const v8a_diff_class *v8a_diff_get_class(const v8a_diff *d, size_t i);

/* The ordinals (in the after snapshot) of class i's new objects, ascending
 * by id. Borrowed. */
const uint32_t *v8a_diff_new_objects(const v8a_diff *d, size_t i, size_t *n);

/* memlab's leak set: ids in target that are not in baseline and are still
 * in final. Ids are sorted ascending (v8a_store_node_ids gives them so).
 * *out holds ordinals of final, ascending; the caller frees it with v8a_free().
 * Nodes that memlab never reports are left out: hidden, code, number,
 * string-like and synthetic nodes, and nodes of self size 0. */
int v8a_diff_leaked(uint32_t **out, size_t *n, const uint64_t *baseline, size_t nbaseline,
                    const uint64_t *target, size_t ntarget, const v8a_heap *final);

#ifdef __cplusplus
}
#endif
#endif
