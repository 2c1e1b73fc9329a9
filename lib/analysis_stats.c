/* analysis_stats.c - DevTools' statistics (the Summary's pie chart).
 *
 * Over every node, with sizes after the shallow-size transfer: hidden nodes
 * are "system", natives (plus extra_native_bytes) "native" with
 * "system / JSArrayBufferData" as typed arrays, code, strings (flat, cons
 * and sliced), and nodes named "Array" with their elements store when only
 * the array holds it. The V8 heap is the total minus native.
 */
#include "alloc.h"
#include "analysis_internal.h"

#include <string.h>

/* An Array's size and, when it alone holds it, its "elements" store's
 * (retainers counts every edge into the store, of any type). */
static uint64_t array_size(const v8a_analysis *a, const uint8_t *holders, uint32_t o)
{
    const v8a_heap *h = a->h;
    uint64_t s = a->shallow[o];
    for (uint32_t e = h->first_edge[o]; e < h->first_edge[o + 1]; e++) {
        if (h->edge_type[e] != (uint8_t)a->et.internal) continue;
        if (strcmp(v8a_heap_string(h, h->edge_name[e], NULL), "elements") != 0) continue;
        if (holders && holders[h->edge_to[e]] == 1) s += a->shallow[h->edge_to[e]];
        break;
    }
    return s;
}

/* Counts, up to 2, the edges into the first "elements" store of each node
 * named "Array"; NULL when there is none or no memory (then none count). */
static uint8_t *count_holders(const v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    uint8_t *c = NULL;
    for (uint32_t o = 0; o < h->node_count; o++) {
        if (h->node_type[o] == (uint8_t)a->nt.native || h->node_type[o] == (uint8_t)a->nt.hidden ||
            strcmp(v8a_heap_string(h, h->node_name[o], NULL), "Array") != 0)
            continue;
        for (uint32_t e = h->first_edge[o]; e < h->first_edge[o + 1]; e++) {
            if (h->edge_type[e] != (uint8_t)a->et.internal ||
                strcmp(v8a_heap_string(h, h->edge_name[e], NULL), "elements") != 0)
                continue;
            if (!c && !(c = v8a__calloc(h->node_count, 1))) return NULL;
            c[h->edge_to[e]] = 1; /* marked: to be counted */
            break;
        }
    }
    if (!c) return NULL;
    for (uint32_t e = 0; e < h->edge_count; e++) {
        uint8_t *x = &c[h->edge_to[e]];
        if (*x) *x = *x < 3 ? (uint8_t)(*x + 1) : 3; /* marked 1: holders = value - 1 */
    }
    for (uint32_t o = 0; o < h->node_count; o++)
        if (c[o]) c[o] = (uint8_t)(c[o] - 1);
    return c;
}

void v8a__statistics(v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    uint8_t *holders = count_holders(a);
    v8a_statistics *st = &a->stats;
    uint64_t extra = h->header.has_extra_native_bytes ? h->header.extra_native_bytes : 0;
    memset(st, 0, sizeof *st);
    st->native = extra;
    st->extra_native_bytes = extra;
    uint64_t all = 0;
    for (uint32_t o = 0; o < h->node_count; o++) {
        uint64_t s = a->shallow[o];
        int t = h->node_type[o];
        all += s;
        if (t == a->nt.hidden) {
            st->system += s;
            continue;
        }
        if (t == a->nt.native) {
            st->native += s;
            if (strcmp(v8a_heap_string(h, h->node_name[o], NULL), "system / JSArrayBufferData") ==
                    0 &&
                !(a->detached && a->detached[o] == 2))
                st->typed_arrays += s;
        } else if (t == a->nt.code) {
            st->code += s;
        } else if (t == a->nt.string || t == a->nt.concatenated_string ||
                   t == a->nt.sliced_string) {
            st->strings += s;
        } else if (strcmp(v8a_heap_string(h, h->node_name[o], NULL), "Array") == 0) {
            st->js_arrays += array_size(a, holders, o);
        }
    }
    st->total = all + extra;
    st->v8heap = st->total - st->native;
    v8a__free(holders);
}
