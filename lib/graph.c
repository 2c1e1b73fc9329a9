/* graph.c - the retainer index, and type codes by name.
 *
 * Two passes over the edges, as DevTools builds it: count the retainers of
 * each node, turn the counts into slot starts, then fill each slot from its
 * end while walking the edges forward.
 */
#include "graph.h"

#include "alloc.h"
#include "error.h"

#include <string.h>

int v8a__graph_build(v8a__graph *g, const v8a_heap *h)
{
    uint32_t n = h->node_count, m = h->edge_count;
    memset(g, 0, sizeof *g);
    g->n = n;
    g->m = m;
    g->rev_first = v8a__calloc((size_t)n + 1, 4);
    g->rev_src = v8a__malloc((size_t)m * 4 + 4);
    g->rev_edge = v8a__malloc((size_t)m * 4 + 4);
    if (!g->rev_first || !g->rev_src || !g->rev_edge) {
        v8a__graph_free(g);
        return v8a__error_nomem("retainer index");
    }
    for (uint32_t e = 0; e < m; e++) g->rev_first[h->edge_to[e]]++;
    /* counts -> ends of slots */
    uint32_t acc = 0;
    for (uint32_t i = 0; i < n; i++) {
        acc += g->rev_first[i];
        g->rev_first[i] = acc;
    }
    g->rev_first[n] = acc;
    /* fill each slot from its end: afterwards rev_first[t] is the slot start */
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t e = h->first_edge[i]; e < h->first_edge[i + 1]; e++) {
            uint32_t k = --g->rev_first[h->edge_to[e]];
            g->rev_src[k] = i;
            g->rev_edge[k] = e;
        }
    return 0;
}

void v8a__graph_free(v8a__graph *g)
{
    v8a__free(g->rev_first);
    v8a__free(g->rev_src);
    v8a__free(g->rev_edge);
    memset(g, 0, sizeof *g);
}

static int code_of(const v8a_heap *h, const v8a__strlist *l, const char *name)
{
    (void)h;
    return v8a__strlist_find(l, name);
}

void v8a__edge_types_find(const v8a_heap *h, v8a__edge_types *t)
{
    t->context = code_of(h, &h->edge_types, "context");
    t->element = code_of(h, &h->edge_types, "element");
    t->property = code_of(h, &h->edge_types, "property");
    t->internal = code_of(h, &h->edge_types, "internal");
    t->hidden = code_of(h, &h->edge_types, "hidden");
    t->shortcut = code_of(h, &h->edge_types, "shortcut");
    t->weak = code_of(h, &h->edge_types, "weak");
}

void v8a__node_types_find(const v8a_heap *h, v8a__node_types *t)
{
    const v8a__strlist *l = &h->node_types;
    t->hidden = code_of(h, l, "hidden");
    t->array = code_of(h, l, "array");
    t->string = code_of(h, l, "string");
    t->object = code_of(h, l, "object");
    t->code = code_of(h, l, "code");
    t->closure = code_of(h, l, "closure");
    t->regexp = code_of(h, l, "regexp");
    t->number = code_of(h, l, "number");
    t->native = code_of(h, l, "native");
    t->synthetic = code_of(h, l, "synthetic");
    t->concatenated_string = code_of(h, l, "concatenated string");
    t->sliced_string = code_of(h, l, "sliced string");
    t->symbol = code_of(h, l, "symbol");
    t->bigint = code_of(h, l, "bigint");
    t->object_shape = code_of(h, l, "object shape");
}
