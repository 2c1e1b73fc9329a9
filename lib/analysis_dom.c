/* analysis_dom.c - the DOM state of native nodes (DevTools' propagateDOMState).
 *
 * Natives with a known state (detachedness 1 attached, 2 detached) keep it;
 * the state spreads to natives of unknown state over edges that are not
 * hidden or weak, attached first, and never through JS nodes. Detached
 * natives are shown as "Detached <name>".
 */
#include "alloc.h"
#include "analysis_internal.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

static void process(v8a_analysis *a, uint8_t *visited, uint32_t o, uint8_t state, uint32_t *sa,
                    size_t *na, uint32_t *sd, size_t *nd)
{
    const v8a_heap *h = a->h;
    if (visited[o]) return;
    visited[o] = 1;
    if (h->node_type[o] != (uint8_t)a->nt.native) return; /* JS nodes block */
    a->detached[o] = state;
    if (state == 1)
        sa[(*na)++] = o;
    else if (state == 2)
        sd[(*nd)++] = o;
}

int v8a__dom_state(v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    uint32_t n = h->node_count;
    if (!h->node_detachedness) return 0; /* no such field: nothing to do */
    a->detached = v8a__calloc(n, 1);
    uint8_t *visited = v8a__calloc(n, 1);
    uint32_t *sa = v8a__malloc((size_t)n * 4 + 4), *sd = v8a__malloc((size_t)n * 4 + 4);
    if (!a->detached || !visited || !sa || !sd) {
        v8a__free(visited);
        v8a__free(sa);
        v8a__free(sd);
        return v8a__error_nomem("analysis");
    }
    size_t na = 0, nd = 0;
    for (uint32_t o = 0; o < n; o++) {
        uint8_t st = h->node_detachedness[o] & 3;
        if (st) process(a, visited, o, st, sa, &na, sd, &nd);
    }
    while (na) {
        uint32_t p = sa[--na];
        for (uint32_t e = h->first_edge[p]; e < h->first_edge[p + 1]; e++) {
            int t = h->edge_type[e];
            if (t == a->et.hidden || t == a->et.weak) continue;
            process(a, visited, h->edge_to[e], 1, sa, &na, sd, &nd);
        }
    }
    while (nd) {
        uint32_t p = sd[--nd];
        if (a->detached[p] == 1) continue;
        for (uint32_t e = h->first_edge[p]; e < h->first_edge[p + 1]; e++) {
            int t = h->edge_type[e];
            if (t == a->et.hidden || t == a->et.weak) continue;
            process(a, visited, h->edge_to[e], 2, sa, &na, sd, &nd);
        }
    }
    v8a__free(visited);
    v8a__free(sa);
    v8a__free(sd);
    return 0;
}

const char *v8a__node_name(const v8a_analysis *a, uint32_t i, char *buf, size_t cap, size_t *len)
{
    const v8a_heap *h = a->h;
    size_t n;
    const char *raw = v8a_heap_string(h, h->node_name[i], &n);
    if (a->detached && a->detached[i] == 2 && h->node_type[i] == (uint8_t)a->nt.native) {
        int k = snprintf(buf, cap, "Detached %s", raw);
        *len = k < 0 ? 0 : (size_t)k < cap ? (size_t)k : cap - 1;
        return buf;
    }
    *len = n;
    return raw;
}
