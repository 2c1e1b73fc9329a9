/* flame_layout.c - a profile turned into rectangles for flame graphs,
 * icicles and flame charts (v8a/flame.h).
 *
 * Filters: --include, --exclude and hidden idle decide which nodes keep their
 * samples (a mask per node, from the recorded stack). --focus, --hide and the
 * recursion collapse transform stacks; since each transforms a node's stack
 * from its parent's transformed stack plus the node's frame, one forward pass
 * maps every profile node to a node of a merged tree of transformed stacks
 * (at most one child per frame, found by a hash of parent and frame). A
 * node's samples land on exactly one merged node, so weights are counted once.
 * Merged nodes are created in the order of the model's nodes, so a parent's
 * ordinal is below its children's and one backward pass gives totals.
 *
 * Graph and icicle: children of the merged tree are sorted and a pre-order
 * walk assigns x from the left edge.
 *
 * Chart: samples are walked in time order keeping the stack of open frames
 * (merged nodes, so transformed stacks);
 * a sample's stack is compared with the open one and frames are closed and
 * opened below the common prefix. A (garbage collector) sample takes the last
 * non-GC stack plus itself (DevTools). A frame is appended when it opens, so
 * everything after it in the array is its descendants; when it closes too
 * narrow the array is cut back to it, which keeps memory to what is drawn.
 *
 * Pruning: a subtree narrower than the minimum width is dropped; its weight
 * stays in its parent's total (a gap), never in anyone's self.
 */
#include "alloc.h"
#include "error.h"
#include "flame_internal.h"

#include <stdlib.h>
#include <string.h>
#include <v8a/regex.h>

void v8a_flame_options_init(v8a_flame_options *o)
{
    memset(o, 0, sizeof *o);
    o->mode = V8A_FLAME_GRAPH;
    o->weight = V8A_WEIGHT_TIME;
    o->width = 1200;
    o->min_width = 0.1;
    o->row_height = 16;
    o->font_size = 12;
}

void v8a_flame_layout_free(v8a_flame_layout *l)
{
    if (!l) return;
    v8a__free((char *)l->opt.title);
    v8a__free(l->rects);
    v8a__free(l);
}

static int push_rect(v8a_flame_layout *l, size_t *cap, const v8a_flame_rect *r)
{
    if (v8a__grow((void **)&l->rects, cap, l->nrects + 1, sizeof *l->rects) < 0)
        return v8a__error_nomem("flame layout");
    l->rects[l->nrects++] = *r;
    return 0;
}

/* ---- filters: which nodes keep their self weight, and the stack transforms ---- */

/* mask[f]: which of the four regexes frame f's name or url matches. */
static int frame_masks(const v8a_profile *p, const v8a_flame_options *o, unsigned char *mask)
{
    const char *pat[4] = {o->include, o->exclude, o->focus, o->hide};
    static const char *const what[4] = {"--include", "--exclude", "--focus", "--hide"};
    v8a_regex *re[4] = {NULL, NULL, NULL, NULL};
    int rc = 0;
    memset(mask, 0, p->nframes ? p->nframes : 1);
    for (int k = 0; k < 4; k++)
        if (pat[k] && (rc = v8a_regex_new(&re[k], pat[k], what[k])) < 0) goto done;
    for (uint32_t f = 0; f < p->nframes; f++) {
        const char *name = v8a_profile_string(p, p->frames[f].name);
        const char *url = v8a_profile_string(p, p->frames[f].url);
        for (int k = 0; k < 4; k++) {
            if (!re[k]) continue;
            int m = v8a_regex_match(re[k], name, strlen(name));
            if (m == 0 && *url) m = v8a_regex_match(re[k], url, strlen(url));
            if (m < 0) {
                rc = m;
                goto done;
            }
            if (m) mask[f] |= (unsigned char)(1 << k);
        }
    }
done:
    for (int k = 0; k < 4; k++) v8a_regex_free(re[k]);
    return rc;
}

int v8a__flame_masks(const v8a_profile *p, const v8a_flame_options *o, unsigned char *mask)
{
    return frame_masks(p, o, mask);
}

/* keep[n] = 1 when samples at node n pass hidden idle, --include and
 * --exclude (which look at the recorded stack). */
int v8a__flame_keep(const v8a_profile *p, const v8a_flame_options *o, int hide_idle,
                    const unsigned char *mask, unsigned char *keep)
{
    unsigned char *on = v8a__calloc(p->nnodes, 1); /* bit 0: include seen, bit 1: exclude seen */
    if (!on) return v8a__error_nomem("flame filters");
    for (uint32_t n = 0; n < p->nnodes; n++) {
        uint32_t f = p->nodes[n].frame;
        unsigned char m = f < p->nframes ? mask[f] : 0;
        on[n] = (unsigned char)((m & (V8A__M_INCLUDE | V8A__M_EXCLUDE)) |
                                (n ? on[p->nodes[n].parent] : 0));
        int k = 1;
        if (hide_idle && f < p->nframes && p->frames[f].category == V8A_CAT_IDLE) k = 0;
        if (o->include && !(on[n] & V8A__M_INCLUDE)) k = 0;
        if (o->exclude && (on[n] & V8A__M_EXCLUDE)) k = 0;
        keep[n] = (unsigned char)k;
    }
    v8a__free(on);
    return 0;
}

/* ---- sibling order ---- */

typedef struct {
    const char *name, *url;
    int32_t line, column;
    uint32_t frame;
} frame_key;

static int cmp_frame_key(const void *a, const void *b)
{
    const frame_key *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (!c) c = strcmp(x->url, y->url);
    if (!c) c = (x->line > y->line) - (x->line < y->line);
    if (!c) c = (x->column > y->column) - (x->column < y->column);
    if (!c) c = (x->frame > y->frame) - (x->frame < y->frame);
    return c;
}

/* rank[f]: frame f's position in name order. */
static int frame_ranks(const v8a_profile *p, uint32_t *rank)
{
    frame_key *k = v8a__malloc((p->nframes ? p->nframes : 1) * sizeof *k);
    if (!k) return v8a__error_nomem("flame layout");
    for (uint32_t f = 0; f < p->nframes; f++) {
        k[f].name = v8a_profile_string(p, p->frames[f].name);
        k[f].url = v8a_profile_string(p, p->frames[f].url);
        k[f].line = p->frames[f].line;
        k[f].column = p->frames[f].column;
        k[f].frame = f;
    }
    qsort(k, p->nframes, sizeof *k, cmp_frame_key);
    for (uint32_t i = 0; i < p->nframes; i++) rank[k[i].frame] = i;
    v8a__free(k);
    return 0;
}

typedef struct {
    int64_t key; /* -total for weight order, 0 for name order */
    uint32_t rank;
    uint32_t m;
} child_key;

static int cmp_child(const void *a, const void *b)
{
    const child_key *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    return (x->m > y->m) - (x->m < y->m);
}

/* ---- the transformed, merged call tree ---- */

static uint64_t hash_pf(uint32_t parent, uint32_t frame)
{
    uint64_t h = ((uint64_t)parent << 32 | frame) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
}

int v8a__flame_merge(const v8a_profile *p, const v8a_flame_options *o, const unsigned char *mask,
                     const uint32_t *key, const int64_t *self, const unsigned char *keep,
                     v8a__flame_merged *m)
{
    uint32_t n = p->nnodes;
    size_t cap = 16;
    while (cap < (size_t)n * 2) cap *= 2;
    uint32_t *table = v8a__malloc(cap * sizeof *table);
    unsigned char *focused = o->focus ? v8a__calloc(n, 1) : NULL;
    m->map = v8a__malloc(n * sizeof *m->map);
    m->frame = v8a__malloc(n * sizeof *m->frame);
    m->parent = v8a__malloc(n * sizeof *m->parent);
    m->node = v8a__malloc(n * sizeof *m->node);
    m->depth = v8a__malloc(n * sizeof *m->depth);
    m->self = v8a__calloc(n, sizeof *m->self);
    m->total = v8a__malloc(n * sizeof *m->total);
    m->x = v8a__malloc(n * sizeof *m->x);
    if (!table || (o->focus && !focused) || !m->map || !m->frame || !m->parent || !m->node ||
        !m->depth || !m->self || !m->total || !m->x) {
        v8a__free(table);
        v8a__free(focused);
        return v8a__error_nomem("flame layout");
    }
    memset(table, 0xff, cap * sizeof *table);
    m->n = 1;
    m->frame[0] = p->nodes[0].frame;
    m->parent[0] = V8A_PROFILE_NONE;
    m->node[0] = 0;
    m->depth[0] = 0;
    m->map[0] = 0;
    for (uint32_t i = 1; i < n; i++) {
        uint32_t par = p->nodes[i].parent, f = p->nodes[i].frame;
        unsigned char fm = mask && f < p->nframes ? mask[f] : 0;
        uint32_t base = m->map[par];
        m->map[i] = V8A_PROFILE_NONE;
        if (focused) {
            if (par && focused[par]) {
                focused[i] = 1;
            } else if (fm & V8A__M_FOCUS) {
                focused[i] = 1;
                base = 0; /* re-rooted: the stack starts here */
            } else {
                continue;
            }
        }
        if (base == V8A_PROFILE_NONE) continue;
        if (fm & V8A__M_HIDE) {
            m->map[i] = base;
            continue;
        }
        uint32_t k = key ? key[f] : f;
        if (o->recursion == V8A_RECURSION_DIRECT && base &&
            (key ? key[m->frame[base]] : m->frame[base]) == k) {
            m->map[i] = base;
            continue;
        }
        if (o->recursion == V8A_RECURSION_ALL) {
            uint32_t a = base;
            while (a && (key ? key[m->frame[a]] : m->frame[a]) != k) a = m->parent[a];
            if (a) {
                m->map[i] = base;
                continue;
            }
        }
        size_t h = (size_t)hash_pf(base, k) & (cap - 1);
        for (;;) {
            uint32_t e = table[h];
            if (e == UINT32_MAX) {
                e = m->n++;
                m->frame[e] = f;
                m->parent[e] = base;
                m->node[e] = i;
                m->depth[e] = m->depth[base] + 1;
                table[h] = e;
            }
            if (m->parent[e] == base && (key ? key[m->frame[e]] : m->frame[e]) == k) {
                m->map[i] = e;
                break;
            }
            h = (h + 1) & (cap - 1);
        }
    }
    if (self)
        for (uint32_t i = 0; i < n; i++)
            if (m->map[i] != V8A_PROFILE_NONE && (!keep || keep[i])) m->self[m->map[i]] += self[i];
    for (uint32_t i = 0; i < m->n; i++) m->total[i] = m->self[i];
    for (uint32_t i = m->n; i-- > 1;) m->total[m->parent[i]] += m->total[i];
    v8a__free(table);
    v8a__free(focused);
    return 0;
}

void v8a__flame_merged_free(v8a__flame_merged *m)
{
    v8a__free(m->map);
    v8a__free(m->depth);
    v8a__free(m->frame);
    v8a__free(m->parent);
    v8a__free(m->node);
    v8a__free(m->self);
    v8a__free(m->total);
    v8a__free(m->x);
}

/* Weight below which a subtree is dropped. */
double v8a__flame_prune_threshold(const v8a_flame_options *o, int64_t total)
{
    if (o->min_width_percent > 0) return (double)total * o->min_width_percent / 100.0;
    double plot = (double)o->width - 2 * V8A_FLAME_XPAD;
    if (plot < 1) plot = 1;
    return o->min_width > 0 ? (double)total * o->min_width / plot : 0;
}

int v8a__flame_layout_graph(v8a_flame_layout *l, v8a__flame_merged *mp, const int64_t *delta,
                            const uint32_t *flags)
{
    const v8a_profile *p = l->profile;
    v8a__flame_merged m = *mp;
    uint32_t *rank = NULL, *start = NULL, *kids = NULL, *stack = NULL, *rect_of = NULL;
    child_key *ck = NULL;
    size_t cap = 0;
    int rc = 0;
    uint32_t n = m.n;
    rank = v8a__malloc((p->nframes ? p->nframes : 1) * sizeof *rank);
    start = v8a__calloc((size_t)n + 1, sizeof *start);
    kids = v8a__malloc(n * sizeof *kids);
    stack = v8a__malloc(n * sizeof *stack);
    rect_of = v8a__malloc(n * sizeof *rect_of);
    ck = v8a__malloc(n * sizeof *ck);
    if (!rank || !start || !kids || !stack || !rect_of || !ck) {
        rc = v8a__error_nomem("flame layout");
        goto done;
    }
    if ((rc = frame_ranks(p, rank)) < 0) goto done;
    /* children in CSR form, each range sorted */
    for (uint32_t i = 1; i < n; i++) start[m.parent[i] + 1]++;
    for (uint32_t i = 0; i < n; i++) start[i + 1] += start[i];
    for (uint32_t i = 1; i < n; i++) {
        child_key *c = &ck[start[m.parent[i]]++];
        c->key = l->opt.sort == V8A_FLAME_SORT_WEIGHT ? -m.total[i] : 0;
        c->rank = m.frame[i] < p->nframes ? rank[m.frame[i]] : UINT32_MAX;
        c->m = i;
    }
    for (uint32_t i = n; i > 0; i--) start[i] = start[i - 1];
    start[0] = 0;
    for (uint32_t i = 0; i < n; i++) {
        qsort(ck + start[i], start[i + 1] - start[i], sizeof *ck, cmp_child);
        for (uint32_t k = start[i]; k < start[i + 1]; k++) kids[k] = ck[k].m;
    }
    l->total = m.total[0];
    if (l->total <= 0) goto done; /* nothing to draw */
    double thr = v8a__flame_prune_threshold(&l->opt, l->total);
    uint32_t maxd = l->opt.max_depth;
    /* pre-order walk; a node is pushed only when it is drawn */
    size_t sp = 0;
    m.x[0] = 0;
    stack[sp++] = 0;
    while (sp) {
        uint32_t i = stack[--sp];
        uint32_t par = m.parent[i];
        v8a_flame_rect r;
        r.x = m.x[i];
        r.width = r.total = m.total[i];
        r.self = m.self[i];
        r.depth = i ? l->rects[rect_of[par]].depth + 1 : 0;
        r.frame = m.frame[i];
        r.parent = i ? rect_of[par] : V8A_PROFILE_NONE;
        r.node = m.node[i];
        r.delta = delta ? delta[i] : 0;
        r.flags = flags ? flags[i] : 0;
        rect_of[i] = (uint32_t)l->nrects;
        if ((rc = push_rect(l, &cap, &r)) < 0) goto done;
        if (r.depth + 1 > l->depth) l->depth = r.depth + 1;
        int64_t x = r.x;
        for (uint32_t k = start[i]; k < start[i + 1]; k++) {
            m.x[kids[k]] = x;
            x += m.total[kids[k]];
        }
        for (uint32_t k = start[i + 1]; k-- > start[i];) {
            uint32_t c = kids[k];
            if (m.total[c] <= 0) continue;
            if (maxd && r.depth + 1 >= maxd) {
                l->cut_by_depth++;
                continue;
            }
            if ((double)m.total[c] < thr) {
                l->pruned++;
                continue;
            }
            stack[sp++] = c;
        }
    }
    /* the deepest row of the whole merged tree, for the record */
    l->max_depth = 1;
    for (uint32_t i = 1; i < n; i++)
        if (m.total[i] > 0 && m.depth[i] + 1 > l->max_depth) l->max_depth = m.depth[i] + 1;
done:
    v8a__free(rank);
    v8a__free(start);
    v8a__free(kids);
    v8a__free(stack);
    v8a__free(rect_of);
    v8a__free(ck);
    return rc;
}

/* ---- chart ---- */

typedef struct {
    uint32_t node;
    uint32_t rect; /* V8A_PROFILE_NONE when not drawn (deeper than --max-depth) */
    int64_t x;
    int64_t covered; /* width of closed children */
} open_frame;

/* Closes open frames from the top down to depth `keep` at position x. */
static void chart_close(v8a_flame_layout *l, open_frame *o, uint32_t *depth, uint32_t keep,
                        int64_t x, double thr)
{
    while (*depth > keep) {
        open_frame *f = &o[--*depth];
        int64_t w = x - f->x;
        if (*depth > 0) o[*depth - 1].covered += w;
        if (f->rect == V8A_PROFILE_NONE) continue;
        if ((double)w < thr || w <= 0) {
            l->nrects = f->rect; /* it and everything after it: its descendants */
            l->pruned++;
            continue;
        }
        v8a_flame_rect *r = &l->rects[f->rect];
        r->width = r->total = w;
        r->self = w - f->covered;
        if (r->depth + 1 > l->depth) l->depth = r->depth + 1;
    }
}

static int layout_chart(v8a_flame_layout *l, const unsigned char *keep, const v8a__flame_merged *m)
{
    const v8a_profile *p = l->profile;
    if (!p->nsamples)
        return v8a__error_set(V8A_EUNSUPPORTED,
                              "flame chart: the profile has no samples (try --mode graph)");
    uint32_t maxdepth = 0;
    for (uint32_t i = 0; i < p->nnodes; i++)
        if (p->nodes[i].depth > maxdepth) maxdepth = p->nodes[i].depth;
    size_t slots = (size_t)maxdepth + 2;
    open_frame *o = v8a__calloc(slots, sizeof *o);
    uint32_t *base = v8a__malloc(slots * sizeof *base), *want = v8a__malloc(slots * sizeof *want);
    int rc = 0;
    if (!o || !base || !want) {
        rc = v8a__error_nomem("flame chart");
        goto done;
    }
    int by_samples = l->opt.weight == V8A_WEIGHT_SAMPLES && p->kind == V8A_PROFILE_CPU &&
                     p->format != V8A_PROFILE_FORMAT_FOLDED;
    int64_t total = 0;
    for (size_t i = 0; i < p->nsamples; i++) total += by_samples ? 1 : p->sample_duration[i];
    l->total = l->unfiltered = total;
    double thr = v8a__flame_prune_threshold(&l->opt, total);
    uint32_t maxd = l->opt.max_depth;
    size_t cap = 0;
    uint32_t depth = 0, nbase = 0, prev_node = V8A_PROFILE_NONE;
    int64_t x = 0;
    for (size_t i = 0; i < p->nsamples; i++) {
        uint32_t n = p->sample_node[i];
        int64_t w = by_samples ? 1 : p->sample_duration[i];
        if (l->opt.progress && (i & 0xffff) == 0 &&
            l->opt.progress(l->opt.progress_payload, "layout", i, p->nsamples)) {
            rc = v8a__error_set(V8A_ECANCELED, "flame chart: canceled");
            goto done;
        }
        uint32_t mn = n < p->nnodes ? m->map[n] : V8A_PROFILE_NONE;
        if (n >= p->nnodes || !keep[n] || mn == V8A_PROFILE_NONE || mn == 0) {
            chart_close(l, o, &depth, 0, x, thr);
            nbase = 0;
            prev_node = V8A_PROFILE_NONE;
            x += w;
            continue;
        }
        if (n != prev_node) {
            uint32_t f = p->nodes[n].frame;
            int gc = f < p->nframes && p->frames[f].category == V8A_CAT_GC;
            uint32_t nw;
            if (gc && nbase) {
                memcpy(want, base, nbase * sizeof *want);
                nw = nbase;
                if (nw < slots) want[nw++] = mn;
            } else {
                /* the transformed path from the root's child to n */
                nw = m->depth[mn];
                if (nw > slots) nw = (uint32_t)slots;
                uint32_t k = nw, c = mn;
                while (k > 0 && c != 0 && c != V8A_PROFILE_NONE) {
                    want[--k] = c;
                    c = m->parent[c];
                }
                if (!gc) {
                    memcpy(base, want, nw * sizeof *base);
                    nbase = nw;
                }
            }
            uint32_t common = 0;
            while (common < depth && common < nw && o[common].node == want[common]) common++;
            chart_close(l, o, &depth, common, x, thr);
            for (uint32_t d = common; d < nw; d++) {
                open_frame *of = &o[depth++];
                of->node = want[d];
                of->x = x;
                of->covered = 0;
                of->rect = V8A_PROFILE_NONE;
                if (maxd && d >= maxd) {
                    if (d == maxd) l->cut_by_depth++;
                    continue;
                }
                v8a_flame_rect r = {0};
                r.x = x;
                r.depth = d;
                r.frame = m->frame[want[d]];
                r.node = m->node[want[d]];
                r.parent = d ? o[d - 1].rect : V8A_PROFILE_NONE;
                of->rect = (uint32_t)l->nrects;
                if ((rc = push_rect(l, &cap, &r)) < 0) goto done;
            }
            prev_node = n;
        }
        x += w;
    }
    chart_close(l, o, &depth, 0, x, thr);
    l->max_depth = maxdepth;
done:
    v8a__free(o);
    v8a__free(base);
    v8a__free(want);
    return rc;
}

/* ---- entry point ---- */

int v8a_flame_layout_new(v8a_flame_layout **out, const v8a_profile *p, const v8a_flame_options *opt)
{
    *out = NULL;
    v8a_flame_options defaults;
    if (!opt) {
        v8a_flame_options_init(&defaults);
        opt = &defaults;
    }
    if (!p || !p->nnodes || (unsigned)opt->mode > V8A_FLAME_CHART ||
        (unsigned)opt->weight > V8A_WEIGHT_HITCOUNT || (unsigned)opt->sort > 1 ||
        (unsigned)opt->idle > 2 || (unsigned)opt->palette > 2 || (unsigned)opt->truncate > 1 ||
        (unsigned)opt->recursion > V8A_RECURSION_ALL || (unsigned)opt->theme > V8A_THEME_DARK)
        return v8a__error_set(V8A_EINVAL, "flame layout: invalid argument");
    if (opt->width < 100 || opt->width > 30000)
        return v8a__error_set(V8A_EINVAL, "--width: %u is not between 100 and 30000 pixels",
                              opt->width);
    if (opt->row_height < 4 || opt->row_height > 200 || opt->font_size < 4 || opt->font_size > 100)
        return v8a__error_set(V8A_EINVAL, "flame layout: row height or font size out of range");
    if (!(opt->min_width >= 0) || !(opt->min_width_percent >= 0) || opt->min_width_percent > 100)
        return v8a__error_set(V8A_EINVAL, "--min-width: out of range");
    v8a_flame_layout *l = v8a__calloc(1, sizeof *l);
    int64_t *self = v8a__malloc(p->nnodes * sizeof *self);
    unsigned char *keep = v8a__malloc(p->nnodes);
    unsigned char *mask = v8a__malloc(p->nframes ? p->nframes : 1);
    v8a__flame_merged m;
    memset(&m, 0, sizeof m);
    int rc = 0;
    if (!l || !self || !keep || !mask) {
        rc = v8a__error_nomem("flame layout");
        goto done;
    }
    l->profile = p;
    l->opt = *opt;
    l->opt.title = NULL;
    if (opt->title && !(l->opt.title = v8a__strdup(opt->title))) {
        rc = v8a__error_nomem("flame layout");
        goto done;
    }
    /* chart mode reads HITCOUNT as TIME: hits have no place on a time axis */
    /* a folded file's counts have no unit of time: they stay samples */
    l->unit = p->kind == V8A_PROFILE_HEAP              ? "bytes"
              : opt->weight == V8A_WEIGHT_SAMPLES      ? "samples"
              : p->format == V8A_PROFILE_FORMAT_FOLDED ? "samples"
                                                       : "us";
    int hide_idle = opt->idle == V8A_FLAME_IDLE_HIDE ||
                    (opt->idle == V8A_FLAME_IDLE_AUTO && opt->mode != V8A_FLAME_CHART);
    if ((rc = v8a__flame_masks(p, opt, mask)) < 0) goto done;
    if ((rc = v8a__flame_keep(p, opt, hide_idle, mask, keep)) < 0) goto done;
    if (opt->mode == V8A_FLAME_CHART) {
        if ((rc = v8a__flame_merge(p, opt, mask, NULL, NULL, NULL, &m)) < 0) goto done;
        rc = layout_chart(l, keep, &m);
    } else {
        v8a_weight w = opt->weight;
        if ((rc = v8a_profile_self_weights(p, w, self)) < 0) goto done;
        for (uint32_t i = 0; i < p->nnodes; i++) l->unfiltered += self[i];
        if ((rc = v8a__flame_merge(p, opt, mask, NULL, self, keep, &m)) < 0) goto done;
        rc = v8a__flame_layout_graph(l, &m, NULL, NULL);
    }
done:
    v8a__flame_merged_free(&m);
    v8a__free(self);
    v8a__free(keep);
    v8a__free(mask);
    if (rc < 0) {
        v8a_flame_layout_free(l);
        return rc;
    }
    *out = l;
    return 0;
}
