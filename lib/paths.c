/* paths.c - shortest retainer paths and their grouping.
 *
 * From an object towards the roots, a hop goes to a retainer over an edge
 * that is not weak whose distance is one less (a user root, at distance 1,
 * is held by the root itself), so each path is a shortest one and ends at
 * the root. Several paths to one object are made to differ as close to the
 * object as possible: all first hops first, then second hops, and so on,
 * each completed greedily (the first suitable retainer in DevTools' order).
 *
 * Grouping takes each object's greedy path and writes its signature: the
 * classes along it and the edge names, with indexes (array elements, table
 * slots, WeakMap entries) written as [] so that paths that differ only there
 * are one group.
 */
#include "alloc.h"
#include "analysis_internal.h"
#include "error.h"
#include "strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <v8a/paths.h>

#define MAX_HOPS 100000u /* a path is at most as long as the distance allows */

/* An analysis loaded from a database has no retainer index or WeakMap names
 * yet: make them on first use. */
static int ensure_graph(v8a_analysis *a)
{
    if (a->g.rev_first) return 0;
    int rc = v8a__graph_build(&a->g, a->h);
    if (rc == 0 && !a->eph.is) rc = v8a__ephemerons_scan(a);
    return rc;
}

/* The next hop up from u: sets *r and *e; 0 when none. */
static int next_hop(const v8a_analysis *a, uint32_t u, size_t skip, uint32_t *r, uint32_t *e)
{
    const v8a_heap *h = a->h;
    int32_t d = a->distance[u];
    if (d <= 0 || u == a->root) return 0;
    size_t seen = 0;
    for (uint32_t k = a->g.rev_first[u]; k < a->g.rev_first[u + 1]; k++) {
        uint32_t src = a->g.rev_src[k], edge = a->g.rev_edge[k];
        if (h->edge_type[edge] == (uint8_t)a->et.weak) continue;
        int ok = src == a->root ? (d == 1 || a->distance[src] == d - 1)
                                : (a->distance[src] == d - 1 && a->distance[src] >= 0);
        if (!ok) continue;
        if (seen++ < skip) continue;
        *r = src;
        *e = edge;
        return 1;
    }
    return 0;
}

typedef struct {
    uint32_t *nodes, *edges; /* from the object up: nodes[0] = object */
    uint32_t len;
    size_t cap;
} chain;

static int chain_push(chain *c, uint32_t node, uint32_t edge)
{
    size_t cap = c->cap;
    if (v8a__grow((void **)&c->nodes, &cap, (size_t)c->len + 1, 4) < 0) return -1;
    cap = c->cap;
    if (v8a__grow((void **)&c->edges, &cap, (size_t)c->len + 1, 4) < 0) return -1;
    c->cap = cap;
    c->nodes[c->len] = node;
    c->edges[c->len] = edge; /* edge from node to the previous entry */
    c->len++;
    return 0;
}

/* Completes c up to the root greedily. 0, 1 when the root is not reached,
 * or -1 on out-of-memory. */
static int complete(const v8a_analysis *a, chain *c)
{
    while (c->nodes[c->len - 1] != a->root) {
        uint32_t r, e;
        if (c->len > MAX_HOPS || !next_hop(a, c->nodes[c->len - 1], 0, &r, &e)) return 1;
        if (chain_push(c, r, e) < 0) return -1;
    }
    return 0;
}

/* Turns a chain (object first) into a path (root first). */
static int to_path(const chain *c, v8a_path *p)
{
    p->len = c->len;
    p->nodes = v8a__malloc((size_t)c->len * 4);
    p->edges = v8a__malloc((size_t)c->len * 4);
    if (!p->nodes || !p->edges) {
        /* the caller frees the paths it counted, this one included */
        v8a__free(p->nodes);
        v8a__free(p->edges);
        p->nodes = p->edges = NULL;
        p->len = 0;
        return -1;
    }
    for (uint32_t i = 0; i < c->len; i++) {
        p->nodes[i] = c->nodes[c->len - 1 - i];
        /* the edge from path node i to i+1 is stored with the retainer */
        if (i + 1 < c->len) p->edges[i] = c->edges[c->len - 1 - i];
    }
    return 0;
}

static int same_path(const v8a_path *p, const chain *c)
{
    if (p->len != c->len) return 0;
    for (uint32_t i = 0; i < c->len; i++)
        if (p->nodes[i] != c->nodes[c->len - 1 - i]) return 0;
    for (uint32_t i = 0; i + 1 < c->len; i++)
        if (p->edges[i] != c->edges[c->len - 1 - i]) return 0;
    return 1;
}

void v8a_paths_free(v8a_path *paths, size_t n)
{
    if (!paths) return;
    for (size_t i = 0; i < n; i++) {
        v8a__free(paths[i].nodes);
        v8a__free(paths[i].edges);
    }
    v8a__free(paths);
}

int v8a_retainer_paths(v8a_path **out, size_t *n, v8a_analysis *a, uint32_t target, size_t k)
{
    *out = NULL;
    *n = 0;
    int rc = ensure_graph(a);
    if (rc < 0) return rc;
    if (k == 0 || target >= a->h->node_count || a->distance[target] < 0) return 0;
    v8a_path *res = v8a__calloc(k, sizeof *res);
    /* the frontier: chains from the target up to some depth, expanded one
     * level at a time */
    chain *front = v8a__calloc(k, sizeof *front), *next = v8a__calloc(k, sizeof *next);
    size_t nf = 0, nn = 0, got = 0;
    if (!res || !front || !next) goto oom;
    if (chain_push(&front[nf++], target, 0) < 0) goto oom;
    if (target == a->root) {
        if (to_path(&front[0], &res[got++]) < 0) goto oom;
    }
    while (nf && got < k) {
        nn = 0;
        for (size_t f = 0; f < nf && got < k; f++) {
            uint32_t u = front[f].nodes[front[f].len - 1], r, e;
            for (size_t s = 0; got < k && next_hop(a, u, s, &r, &e); s++) {
                chain c = {0};
                for (uint32_t i = 0; i < front[f].len; i++)
                    if (chain_push(&c, front[f].nodes[i], front[f].edges[i]) < 0) goto oom_c;
                if (chain_push(&c, r, e) < 0) goto oom_c;
                size_t keep = c.len;
                int done = complete(a, &c);
                if (done < 0) goto oom_c;
                int dup = done != 0;
                for (size_t j = 0; j < got && !dup; j++) dup = same_path(&res[j], &c);
                if (!dup && to_path(&c, &res[got++]) < 0) goto oom_c;
                c.len = (uint32_t)keep; /* the unfinished chain goes on a level deeper */
                if (nn < k && r != a->root) {
                    next[nn++] = c;
                } else {
                    v8a__free(c.nodes);
                    v8a__free(c.edges);
                }
                continue;
            oom_c:
                v8a__free(c.nodes);
                v8a__free(c.edges);
                goto oom;
            }
        }
        for (size_t f = 0; f < nf; f++) {
            v8a__free(front[f].nodes);
            v8a__free(front[f].edges);
        }
        chain *t = front;
        front = next;
        next = t;
        nf = nn;
        memset(next, 0, k * sizeof *next);
    }
    for (size_t f = 0; f < nf; f++) {
        v8a__free(front[f].nodes);
        v8a__free(front[f].edges);
    }
    v8a__free(front);
    v8a__free(next);
    *out = res;
    *n = got;
    return 0;
oom:
    for (size_t f = 0; front && f < nf; f++) {
        v8a__free(front[f].nodes);
        v8a__free(front[f].edges);
    }
    for (size_t f = 0; next && f < nn; f++) {
        v8a__free(next[f].nodes);
        v8a__free(next[f].edges);
    }
    v8a__free(front);
    v8a__free(next);
    v8a_paths_free(res, got);
    return v8a__error_nomem("paths");
}

int v8a_foreach_retainer(v8a_analysis *a, uint32_t t,
                         int (*fn)(void *payload, uint32_t from, uint32_t edge), void *payload)
{
    int rc = ensure_graph(a);
    if (rc < 0) return rc;
    if (t >= a->h->node_count) return v8a__error_set(V8A_EINVAL, "no node ordinal %u", t);
    for (uint32_t k = a->g.rev_first[t]; k < a->g.rev_first[t + 1]; k++)
        if ((rc = fn(payload, a->g.rev_src[k], a->g.rev_edge[k])) != 0) return rc;
    return 0;
}

void v8a_edge_label(const v8a_analysis *a, uint32_t e, char *buf, size_t cap)
{
    const v8a_heap *h = a->h;
    int t = h->edge_type[e];
    if (h->edge_is_index[t]) {
        if (t == a->et.element)
            snprintf(buf, cap, "[%u]", h->edge_name[e]);
        else
            snprintf(buf, cap, "<%u>", h->edge_name[e]);
        return;
    }
    const char *name = v8a_heap_string(h, h->edge_name[e], NULL);
    if (t == a->et.property)
        snprintf(buf, cap, ".%s", name);
    else if (t == a->et.context)
        snprintf(buf, cap, "::%s", name);
    else if (t == a->et.shortcut)
        snprintf(buf, cap, "->%s", name);
    else
        snprintf(buf, cap, "<%s>", name);
}

/* The edge as it goes into a signature: indexes and entry numbers are []. */
static void signature_label(const v8a_analysis *a, uint32_t e, char *buf, size_t cap)
{
    const v8a_heap *h = a->h;
    int t = h->edge_type[e];
    if (h->edge_is_index[t]) {
        snprintf(buf, cap, "[]");
        return;
    }
    uint32_t sid = h->edge_name[e];
    if (a->eph.is && a->eph.is[sid]) {
        snprintf(buf, cap, "[WeakMap entry]");
        return;
    }
    const char *name = v8a_heap_string(h, sid, NULL);
    size_t d = 0;
    while (name[d] >= '0' && name[d] <= '9') d++;
    if (d > 0 && name[d] == '\0') {
        snprintf(buf, cap, "[]");
        return;
    }
    v8a_edge_label(a, e, buf, cap);
}

/* One part of a signature: " > " when not first, the node's class (a
 * synthetic node by its own name: "(GC roots)"), cut at 200 bytes. */
static size_t class_part(const v8a_analysis *a, uint32_t o, int first, char *part, size_t cap)
{
    const char *cls = a->h->node_type[o] == (uint8_t)a->nt.synthetic
                          ? v8a_heap_string(a->h, a->h->node_name[o], NULL)
                          : a->classes[a->cls[o]].name;
    int k = snprintf(part, cap, "%s%.200s", first ? "" : " > ", cls);
    return k < 0 ? 0 : (size_t)k >= cap ? cap - 1 : (size_t)k;
}

/* Signatures of greedy paths, memoised per node: the greedy path of an
 * object continues as the greedy path of its first hop, so the signature
 * of t held by r over e is sig(r) + label(e) + " > " + class(t) (just
 * class(t) when r is the root, which signatures leave out). Objects of a
 * growing class mostly share a few retainers (a table, an array): each
 * retainer's signature is written once. */
typedef struct {
    uint32_t *memo; /* per node: 0 not yet, 1 no path, k + 2 signature k */
    size_t *at;     /* signature k is arena[at[k] .. at[k + 1]), its NUL last */
    size_t nsig, atcap;
    char *arena;
    size_t len, cap;
    char *tmp; /* the target's own signature */
    size_t tmpcap;
    uint32_t *up, *via; /* the walk: nodes without a signature yet, and their edges down */
    size_t upcap, viacap;
} sigs;

static void sigs_free(sigs *s)
{
    v8a__free(s->memo);
    v8a__free(s->at);
    v8a__free(s->arena);
    v8a__free(s->tmp);
    v8a__free(s->up);
    v8a__free(s->via);
}

/* A signature: holder's signature k (or none: -1), then the label of edge
 * e (unless e is UINT32_MAX), then node o's part. Kept as signature
 * nsig in the arena when keep is set (its index returned), else written to
 * the scratch buffer (0 returned); -1 when out of memory. */
static int64_t sig_add(sigs *s, const v8a_analysis *a, int64_t k, uint32_t e, uint32_t o, int keep)
{
    char lab[300], part[300];
    size_t pl = k < 0 ? 0 : s->at[k + 1] - s->at[k] - 1, ll = 0;
    if (e != UINT32_MAX) {
        signature_label(a, e, lab, sizeof lab);
        ll = strlen(lab);
    }
    size_t cl = class_part(a, o, k < 0, part, sizeof part);
    size_t n = pl + ll + cl + 1;
    char *d;
    if (keep) {
        if (v8a__grow((void **)&s->arena, &s->cap, s->len + n, 1) < 0 ||
            v8a__grow((void **)&s->at, &s->atcap, s->nsig + 2, sizeof *s->at) < 0)
            return -1;
        d = s->arena + s->len;
    } else {
        if (v8a__grow((void **)&s->tmp, &s->tmpcap, n, 1) < 0) return -1;
        d = s->tmp;
    }
    if (pl) memcpy(d, s->arena + s->at[k], pl); /* the arena moved, if at all, before */
    memcpy(d + pl, lab, ll);
    memcpy(d + pl + ll, part, cl);
    d[pl + ll + cl] = '\0';
    if (!keep) return 0;
    s->len += n;
    s->at[++s->nsig] = s->len; /* at[k] .. at[k + 1]: signature k and its NUL */
    return (int64_t)s->nsig - 1;
}

/* The signature of t's greedy path into the scratch buffer: 0, -2 when t
 * has no path to the root, -1 when out of memory. The signatures of the
 * nodes above t are kept for the targets that share them. */
static int sig_of(sigs *s, const v8a_analysis *a, uint32_t t)
{
    /* up from t until a node with a known signature (u) or the root: up[i]
     * is held by up[i + 1] (or u) over via[i] */
    size_t n = 0;
    uint32_t u = t;
    int limited = 0;
    for (;;) {
        if (s->memo[u] == 1) goto no_path;
        if (s->memo[u] >= 2 && u != t) break;
        if (v8a__grow((void **)&s->up, &s->upcap, n + 1, 4) < 0) return -1;
        if (v8a__grow((void **)&s->via, &s->viacap, n + 1, 4) < 0) return -1;
        s->up[n] = u;
        s->via[n] = UINT32_MAX;
        n++;
        if (u == a->root) break;
        uint32_t r, e;
        if (n > MAX_HOPS) {
            limited = 1;
            goto no_path;
        }
        if (!next_hop(a, u, 0, &r, &e)) goto no_path;
        s->via[n - 1] = e;
        u = r;
    }
    /* down again, each node's signature from its holder's; t's not kept */
    for (size_t i = n; i-- > 0;) {
        uint32_t o = s->up[i];
        uint32_t holder = i + 1 < n ? s->up[i + 1] : u;
        int64_t k;
        if (o == a->root || holder == a->root) /* signatures start below the root */
            k = sig_add(s, a, -1, UINT32_MAX, o, i > 0);
        else
            k = sig_add(s, a, (int64_t)s->memo[holder] - 2, s->via[i], o, i > 0);
        if (k < 0) return -1;
        if (i > 0) s->memo[o] = (uint32_t)k + 2;
    }
    return 0;
no_path:
    if (!limited)
        for (size_t i = 0; i < n; i++) s->memo[s->up[i]] = 1;
    return -2;
}

void v8a_path_groups_free(v8a_path_group *g, size_t n)
{
    if (!g) return;
    for (size_t i = 0; i < n; i++) {
        v8a__free(g[i].signature);
        v8a__free(g[i].example.nodes);
        v8a__free(g[i].example.edges);
    }
    v8a__free(g);
}

static int cmp_groups(const void *x, const void *y)
{
    const v8a_path_group *a = x, *b = y;
    if (a->retained != b->retained) return a->retained > b->retained ? -1 : 1;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return strcmp(a->signature, b->signature);
}

/* The greedy path of t, root first, into *p. 0, or -1 when out of memory. */
static int greedy_path(const v8a_analysis *a, chain *c, uint32_t t, v8a_path *p)
{
    c->len = 0;
    if (chain_push(c, t, 0) < 0 || complete(a, c) < 0) return -1;
    return to_path(c, p);
}

int v8a_retainer_groups(v8a_path_group **out, size_t *ngroups, v8a_analysis *a,
                        const uint32_t *targets, size_t n)
{
    *out = NULL;
    *ngroups = 0;
    int rc = ensure_graph(a);
    if (rc < 0) return rc;
    v8a__strmap map;
    v8a__strmap_init(&map);
    v8a_path_group *g = NULL;
    size_t gcap = 0, ng = 0;
    chain c = {0};
    sigs S;
    memset(&S, 0, sizeof S);
    S.memo = v8a__calloc((size_t)a->h->node_count + 1, 4);
    S.at = v8a__calloc(1, sizeof *S.at); /* at[0] = 0 */
    S.atcap = 1;
    if (!S.memo || !S.at) goto oom;
    for (size_t i = 0; i < n; i++) {
        uint32_t t = targets[i];
        if (t >= a->h->node_count || a->distance[t] < 0) continue;
        int k = sig_of(&S, a, t);
        if (k == -1) goto oom;
        if (k == -2) continue;
        const char *sig = S.tmp;
        int found;
        int64_t at = v8a__strmap_put(&map, sig, strlen(sig), (uint32_t)ng, &found);
        if (at < 0) goto oom;
        if (!found) {
            if (v8a__grow((void **)&g, &gcap, ng + 1, sizeof *g) < 0) goto oom;
            memset(&g[ng], 0, sizeof g[ng]);
            if (!(g[ng].signature = v8a__strdup(sig))) goto oom;
            ng++;
        }
        uint32_t gi = map.val[at];
        v8a_path_group *grp = &g[gi];
        uint64_t r = a->retained[t];
        if (!grp->example.nodes || r > a->retained[grp->example.nodes[grp->example.len - 1]]) {
            v8a_path p;
            if (greedy_path(a, &c, t, &p) < 0) goto oom;
            v8a__free(grp->example.nodes);
            v8a__free(grp->example.edges);
            grp->example = p;
        }
        grp->count++;
        grp->retained += r;
    }
    if (ng) qsort(g, ng, sizeof *g, cmp_groups);
    v8a__free(c.nodes);
    v8a__free(c.edges);
    sigs_free(&S);
    v8a__strmap_free(&map);
    *out = g;
    *ngroups = ng;
    return 0;
oom:
    v8a__free(c.nodes);
    v8a__free(c.edges);
    sigs_free(&S);
    v8a__strmap_free(&map);
    v8a_path_groups_free(g, ng);
    return v8a__error_nomem("paths");
}
