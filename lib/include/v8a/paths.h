/* v8a/paths.h - retainer paths: what keeps an object alive.
 *
 * A retainer path runs from the root through the user roots (the global
 * objects) down to the object, each hop along an edge that is not weak, each
 * node one step closer to the roots by DevTools' distance, so every path is
 * a shortest one. Paths to many objects are grouped by their signature, the
 * path with array indexes and collection entries left out, so that a
 * thousand records held in one array count as one path.
 */
#ifndef V8A_PATHS_H
#define V8A_PATHS_H

#include <v8a/analysis.h>
#include <v8a/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* nodes[0] is the root, nodes[len-1] the object; edges[i] leads from nodes[i]
 * to nodes[i+1] (len - 1 entries). Ordinals. */
typedef struct v8a_path {
    uint32_t len;
    uint32_t *nodes;
    uint32_t *edges;
} v8a_path;

/* Up to k shortest retainer paths to node target (ordinal), differing as
 * close to the target as possible. *n is 0 when the node is unreachable
 * from the roots. *out is the caller's, freed with v8a_paths_free(). */
int v8a_retainer_paths(v8a_path **out, size_t *n, v8a_analysis *a, uint32_t target, size_t k);

void v8a_paths_free(v8a_path *paths, size_t n);

/* The text of one hop's edge as DevTools shows it: ".name" for properties,
 * "[3]" for elements, "<name>" for internal, hidden and other edges. Written
 * into buf (cap bytes). */
void v8a_edge_label(const v8a_analysis *a, uint32_t edge, char *buf, size_t cap);

/* Calls fn(payload, from, edge) for each edge that points at node t (its
 * retainers: the retaining node's ordinal and the edge), in DevTools' order,
 * weak edges included; stops early when fn returns non-zero. Builds the
 * retainer index on first use. Returns 0, V8A_ENOMEM, or what fn returned. */
int v8a_foreach_retainer(v8a_analysis *a, uint32_t t,
                         int (*fn)(void *payload, uint32_t from, uint32_t edge), void *payload);

/* A group of objects retained along paths of one signature. */
typedef struct v8a_path_group {
    char *signature;   /* "global.leaked[] > Map.table[] > LeakRecord" style */
    uint32_t count;    /* objects */
    uint64_t retained; /* their retained sizes, summed */
    v8a_path example;  /* the path of the largest of them */
} v8a_path_group;

/* Groups the shortest path of each of the n targets by signature, largest
 * retained total first. Unreachable targets are left out. *out is the
 * caller's, freed with v8a_path_groups_free(). */
int v8a_retainer_groups(v8a_path_group **out, size_t *ngroups, v8a_analysis *a,
                        const uint32_t *targets, size_t n);

void v8a_path_groups_free(v8a_path_group *groups, size_t n);

#ifdef __cplusplus
}
#endif
#endif
