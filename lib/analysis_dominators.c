/* analysis_dominators.c - the dominator tree and retained sizes.
 *
 * Lengauer-Tarjan (simple version: path compression, no balancing) over the
 * essential edges, as DevTools runs it. Vertex v is ordinal + 1 (0 = none);
 * the DFS numbers in preorder, following edges in file order. Nodes the DFS
 * from the root cannot reach get DevTools' treatment: a node without any
 * essential retainer is treated as a child of the root and searched from;
 * nodes still unreached (cycles that only keep each other) are numbered as
 * children of the root, unsearched, and end up dominated by the root. The
 * result is the dominator tree of the essential graph plus an edge from the
 * root to every node without an essential retainer (docs/analysis.md).
 * Retained sizes are summed bottom-up in reverse preorder.
 */
#include "alloc.h"
#include "analysis_internal.h"
#include "error.h"

#include <string.h>

typedef struct {
    uint32_t *parent, *ancestor, *vertex, *label, *semi, *dom;
    uint32_t *next_edge, *bucket, *bucket_next, *path;
    uint32_t count;
} lt;

static void lt_free(lt *s)
{
    uint32_t *arrays[] = {s->parent, s->ancestor,  s->vertex,      s->label,  s->semi,
                          s->dom,    s->next_edge, s->bucket_next, s->bucket, s->path};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) v8a__free(arrays[i]);
}

static void visit(lt *s, const v8a_heap *h, uint32_t v)
{
    s->semi[v] = ++s->count;
    s->vertex[s->count] = v;
    s->label[v] = v;
    s->next_edge[v] = h->first_edge[v - 1];
}

/* Iterative DFS from s0 (already given its parent), like the recursive one. */
static void dfs(lt *s, const v8a_analysis *a, uint32_t s0)
{
    const v8a_heap *h = a->h;
    visit(s, h, s0);
    uint32_t v = s0;
    while (v) {
        uint32_t end = h->first_edge[v];
        int descended = 0;
        for (uint32_t e = s->next_edge[v]; e < end; e++) {
            uint32_t w = h->edge_to[e] + 1;
            if (!V8A__ESSENTIAL(a, e) || s->semi[w]) continue;
            s->next_edge[v] = e + 1;
            s->parent[w] = v;
            visit(s, h, w);
            v = w;
            descended = 1;
            break;
        }
        if (descended) continue;
        s->next_edge[v] = end;
        if (v == s0) break;
        v = s->parent[v];
    }
}

static void compress(lt *s, uint32_t v)
{
    size_t sp = 0;
    uint32_t x = v;
    while (s->ancestor[s->ancestor[x]] != 0) {
        s->path[sp++] = x;
        x = s->ancestor[x];
    }
    while (sp) {
        x = s->path[--sp];
        uint32_t anc = s->ancestor[x];
        if (s->semi[s->label[anc]] < s->semi[s->label[x]]) s->label[x] = s->label[anc];
        s->ancestor[x] = s->ancestor[anc];
    }
}

static uint32_t eval(lt *s, uint32_t v)
{
    if (s->ancestor[v] == 0) return v;
    compress(s, v);
    return s->label[v];
}

static int has_essential_retainer(const v8a_analysis *a, uint32_t o)
{
    for (uint32_t k = a->g.rev_first[o]; k < a->g.rev_first[o + 1]; k++)
        if (V8A__ESSENTIAL(a, a->g.rev_edge[k])) return 1;
    return 0;
}

int v8a__dominators(v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    uint32_t n = h->node_count, r = a->root + 1;
    size_t sz = ((size_t)n + 2) * 4;
    lt s = {0};
    uint32_t **arrays[] = {&s.parent, &s.ancestor,  &s.vertex,      &s.label,  &s.semi,
                           &s.dom,    &s.next_edge, &s.bucket_next, &s.bucket, &s.path};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
        if (!(*arrays[i] = v8a__calloc(1, sz))) {
            lt_free(&s);
            return v8a__error_nomem("dominators");
        }
    /* next_edge holds edge ordinals below first_edge[v]: edges of v are
     * [first_edge[v-1], first_edge[v]) in vertex terms */
    dfs(&s, a, r);
    if (s.count < n)
        for (uint32_t v = 1; v <= n; v++)
            if (!s.semi[v] && !has_essential_retainer(a, v - 1)) {
                s.parent[v] = r;
                dfs(&s, a, v);
            }
    if (s.count < n)
        for (uint32_t v = 1; v <= n; v++)
            if (!s.semi[v]) {
                s.parent[v] = r;
                s.semi[v] = ++s.count;
                s.vertex[s.count] = v;
                s.label[v] = v;
            }

    for (uint32_t i = s.count; i >= 2; i--) {
        uint32_t w = s.vertex[i], o = w - 1;
        int any = 0;
        for (uint32_t k = a->g.rev_first[o]; k < a->g.rev_first[o + 1]; k++) {
            if (!V8A__ESSENTIAL(a, a->g.rev_edge[k])) continue;
            any = 1;
            uint32_t u = eval(&s, a->g.rev_src[k] + 1);
            if (s.semi[u] < s.semi[w]) s.semi[w] = s.semi[u];
        }
        if (!any) s.semi[w] = s.semi[r];
        uint32_t b = s.vertex[s.semi[w]];
        s.bucket_next[w] = s.bucket[b];
        s.bucket[b] = w;
        uint32_t p = s.parent[w];
        s.ancestor[w] = p;
        for (uint32_t v = s.bucket[p]; v; v = s.bucket_next[v]) {
            uint32_t u = eval(&s, v);
            s.dom[v] = s.semi[u] < s.semi[v] ? u : p;
        }
        s.bucket[p] = 0;
    }
    s.dom[0] = s.dom[r] = r;
    for (uint32_t i = 2; i <= s.count; i++) {
        uint32_t w = s.vertex[i];
        if (s.dom[w] != s.vertex[s.semi[w]]) s.dom[w] = s.dom[s.dom[w]];
    }

    a->dom = v8a__malloc((size_t)n * 4 + 4);
    a->retained = v8a__malloc((size_t)n * 8 + 8);
    if (!a->dom || !a->retained) {
        lt_free(&s);
        return v8a__error_nomem("dominators");
    }
    for (uint32_t o = 0; o < n; o++) {
        a->dom[o] = s.dom[o + 1] - 1;
        a->retained[o] = a->shallow[o];
    }
    for (uint32_t i = s.count; i >= 2; i--) {
        uint32_t o = s.vertex[i] - 1;
        a->retained[a->dom[o]] += a->retained[o];
    }
    lt_free(&s);
    return 0;
}
