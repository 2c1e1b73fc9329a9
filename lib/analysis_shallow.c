/* analysis_shallow.c - DevTools' shallow-size transfer.
 *
 * Hidden and array nodes, and native "system / ExternalStringData", are
 * owned by the self-owning nodes that reach them through such nodes only
 * (weak edges excluded). When exactly one node owns one, and that owner is
 * neither synthetic nor the root, its size moves into the owner. DevTools'
 * Summary, retained sizes and statistics all show sizes after this; it is
 * skipped when the snapshot has no user roots, as DevTools does.
 */
#include "alloc.h"
#include "analysis_internal.h"
#include "error.h"

#include <string.h>

#define UNVISITED UINT32_MAX
#define MULTIPLE  (UINT32_MAX - 1)

int v8a__shallow_sizes(v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    uint32_t n = h->node_count;
    a->shallow = v8a__malloc((size_t)n * 8 + 8);
    if (!a->shallow) return v8a__error_nomem("analysis");
    memcpy(a->shallow, h->node_self_size, (size_t)n * 8);
    if (a->opts.raw_sizes || !a->has_user_roots) return 0;

    uint32_t *owner = v8a__malloc((size_t)n * 4 + 4);
    uint32_t *stack = v8a__malloc((size_t)n * 8 + 8); /* a node is pushed at most twice */
    if (!owner || !stack) {
        v8a__free(owner);
        v8a__free(stack);
        return v8a__error_nomem("analysis");
    }
    size_t sp = 0;
    for (uint32_t o = 0; o < n; o++) {
        int t = h->node_type[o];
        int owned = t == a->nt.hidden || t == a->nt.array;
        if (!owned && t == a->nt.native && !(a->detached && a->detached[o] == 2))
            owned = strcmp(v8a_heap_string(h, h->node_name[o], NULL),
                           "system / ExternalStringData") == 0;
        if (owned) {
            owner[o] = UNVISITED;
        } else {
            owner[o] = o;
            stack[sp++] = o;
        }
    }
    while (sp) {
        uint32_t id = stack[--sp];
        uint32_t own = owner[id];
        for (uint32_t e = h->first_edge[id]; e < h->first_edge[id + 1]; e++) {
            if (h->edge_type[e] == (uint8_t)a->et.weak) continue;
            uint32_t t = h->edge_to[e];
            uint32_t ot = owner[t];
            if (ot == UNVISITED) {
                owner[t] = own;
                stack[sp++] = t;
            } else if (ot != t && ot != own && ot != MULTIPLE) {
                owner[t] = MULTIPLE;
                stack[sp++] = t;
            }
        }
    }
    for (uint32_t o = 0; o < n; o++) {
        uint32_t s = owner[o];
        if (s == UNVISITED || s == MULTIPLE || s == o) continue;
        if (h->node_type[s] == (uint8_t)a->nt.synthetic || s == a->root) continue;
        a->shallow[s] += a->shallow[o];
        a->shallow[o] = 0;
    }
    v8a__free(owner);
    v8a__free(stack);
    return 0;
}
