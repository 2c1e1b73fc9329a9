/* graph.h - the retainer index of a heap (private to lib/).
 *
 * The reverse of the edge CSR: node t's retainers are the entries
 * [rev_first[t], rev_first[t+1]) of rev_src (the retaining node) and
 * rev_edge (the edge). Within a node, retainers come in reverse edge order,
 * as DevTools fills them (each slot from its end), so that anything that
 * depends on their order (retainer listings) matches DevTools.
 */
#ifndef V8A_GRAPH_H
#define V8A_GRAPH_H

#include "heap_internal.h"

typedef struct v8a__graph {
    uint32_t n, m;
    uint32_t *rev_first; /* n + 1 */
    uint32_t *rev_src;   /* m */
    uint32_t *rev_edge;  /* m */
} v8a__graph;

/* Builds the index; 0 or V8A_ENOMEM. */
int v8a__graph_build(v8a__graph *g, const v8a_heap *h);
void v8a__graph_free(v8a__graph *g);

/* Edge type codes looked up by name in a heap's meta; -1 when absent. */
typedef struct v8a__edge_types {
    int context, element, property, internal, hidden, shortcut, weak;
} v8a__edge_types;
void v8a__edge_types_find(const v8a_heap *h, v8a__edge_types *t);

/* Node type codes by name; -1 when absent. */
typedef struct v8a__node_types {
    int hidden, array, string, object, code, closure, regexp, number, native, synthetic,
        concatenated_string, sliced_string, symbol, bigint, object_shape;
} v8a__node_types;
void v8a__node_types_find(const v8a_heap *h, v8a__node_types *t);

#endif
