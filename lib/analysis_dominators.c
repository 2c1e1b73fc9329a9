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
 * v8a__dominators needs only the essential edges, so it runs beside the
 * shallow sizes, distances and class names (analysis.c); it keeps the DFS
 * preorder, in which v8a__retained_sizes then sums bottom-up.
 */
#include "alloc.h"
#include "analysis_internal.h"
#include "error.h"

#include <string.h>

typedef struct {
    uint32_t *parent, *ancestor, *vertex, *label, *semi, *dom;
    uint32_t *next_edge; /* during the DFS only: shares dom's storage */
    uint32_t *bucket, *bucket_next;
    uint32_t *path; /* compress's stack, grown as needed */
    size_t path_cap;
    int oom;
    uint32_t *pred_first, *pred; /* essential retainers (vertices), per vertex */
    uint32_t count;
} lt;

static void lt_free(lt *s)
{
    uint32_t *arrays[] = {s->parent,      s->ancestor, s->vertex, s->label,      s->semi, s->dom,
                          s->bucket_next, s->bucket,   s->path,   s->pred_first, s->pred};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) v8a__free(arrays[i]);
}

/* The essential retainers of every node, as vertices (ordinal + 1): the only
 * predecessors the algorithm looks at. */
static int build_preds(lt *s, const v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    uint32_t n = h->node_count;
    s->pred_first = v8a__calloc((size_t)n + 3, 4);
    if (!s->pred_first) return -1;
    /* count into pred_first[v + 1] for vertex v, then make it an exclusive
     * prefix sum: v's list is [pred_first[v], pred_first[v + 1]) */
    uint64_t m = 0;
    for (uint32_t e = 0; e < h->edge_count; e++)
        if (V8A__ESSENTIAL(a, e)) {
            s->pred_first[h->edge_to[e] + 3]++;
            m++;
        }
    for (uint32_t v = 1; v <= n + 1; v++) s->pred_first[v + 1] += s->pred_first[v];
    s->pred = v8a__malloc((size_t)m * 4 + 4);
    if (!s->pred) return -1;
    /* fill using pred_first[v + 1] as the cursor of vertex v, which ends at
     * v's end = v + 1's start */
    for (uint32_t u = 0; u < n; u++)
        for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1]; e++)
            if (V8A__ESSENTIAL(a, e)) s->pred[s->pred_first[h->edge_to[e] + 2]++] = u + 1;
    return 0;
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
        if (sp == s->path_cap && v8a__grow((void **)&s->path, &s->path_cap, sp + 1, 4) < 0) {
            s->oom = 1; /* results would be wrong: the caller fails */
            return;
        }
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

static int has_essential_retainer(const lt *s, uint32_t v)
{
    return s->pred_first[v + 1] > s->pred_first[v];
}

int v8a__dominators(v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    uint32_t n = h->node_count, r = a->root + 1;
    size_t sz = ((size_t)n + 2) * 4;
    lt s = {0};
    uint32_t **arrays[] = {&s.parent, &s.ancestor,    &s.vertex, &s.label,
                           &s.semi,   &s.bucket_next, &s.bucket, &s.dom};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
        if (!(*arrays[i] = v8a__calloc(1, sz))) {
            lt_free(&s);
            return v8a__error_nomem("dominators");
        }
    if (build_preds(&s, a) < 0) {
        lt_free(&s);
        return v8a__error_nomem("dominators");
    }
    /* the DFS's edge cursors live in dom until the main loop needs it; edges
     * of vertex v are [first_edge[v-1], first_edge[v]) */
    s.next_edge = s.dom;
    dfs(&s, a, r);
    if (s.count < n)
        for (uint32_t v = 1; v <= n; v++)
            if (!s.semi[v] && !has_essential_retainer(&s, v)) {
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

    memset(s.dom, 0, sz); /* it held the DFS's edge cursors */
    s.next_edge = NULL;
    for (uint32_t i = s.count; i >= 2; i--) {
        uint32_t w = s.vertex[i];
        for (uint32_t k = s.pred_first[w]; k < s.pred_first[w + 1]; k++) {
            uint32_t u = eval(&s, s.pred[k]);
            if (s.semi[u] < s.semi[w]) s.semi[w] = s.semi[u];
        }
        if (!has_essential_retainer(&s, w)) s.semi[w] = s.semi[r];
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
    if (!a->dom || s.oom) {
        lt_free(&s);
        return v8a__error_nomem("dominators");
    }
    for (uint32_t o = 0; o < n; o++) a->dom[o] = s.dom[o + 1] - 1;
    /* the preorder, as ordinals, in vertex's own storage (s.count == n) */
    for (uint32_t i = 1; i <= s.count; i++) s.vertex[i - 1] = s.vertex[i] - 1;
    a->preorder = s.vertex;
    s.vertex = NULL;
    lt_free(&s);
    return 0;
}

int v8a__retained_sizes(v8a_analysis *a)
{
    uint32_t n = a->h->node_count;
    a->retained = v8a__malloc((size_t)n * 8 + 8);
    if (!a->retained) return v8a__error_nomem("retained sizes");
    memcpy(a->retained, a->shallow, (size_t)n * 8);
    /* children before their dominators: reverse preorder, the root last */
    for (uint32_t i = n - 1; i >= 1; i--) {
        uint32_t o = a->preorder[i];
        a->retained[a->dom[o]] += a->retained[o];
    }
    v8a__free(a->preorder);
    a->preorder = NULL;
    return 0;
}
