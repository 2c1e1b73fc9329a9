/* flame_diff.c - differential flame graphs: NEW's graph coloured by how each
 * stack changed since BASE, and a strip of the stacks BASE had and NEW lost.
 *
 * Frames of the two profiles are matched by identity (name, url, line,
 * column), interned into one key space, and both profiles are merged into
 * trees of (filtered, transformed) stacks keyed by it (v8a__flame_merge).
 * A forward pass over BASE's tree finds each node's counterpart in NEW's by
 * (counterpart of the parent, key), through a hash of NEW's tree. NEW's
 * rects carry delta = total - BASE's total (scaled with diff_normalize) and
 * V8A_FLAME_RECT_NEW when BASE has no such stack; BASE's tree with only the
 * unmatched nodes' self weights is laid out as the strip (their matched
 * ancestors appear as context), its rects appended after NEW's with
 * V8A_FLAME_RECT_BASE_ONLY and their rows moved above the main graph.
 */
#include "alloc.h"
#include "error.h"
#include "flame_internal.h"
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

/* key[f] for every frame of p, interned in km. */
static int frame_keys(const v8a_profile *p, v8a__strmap *km, uint32_t *key)
{
    for (uint32_t f = 0; f < p->nframes; f++) {
        const char *n = v8a_profile_string(p, p->frames[f].name);
        const char *u = v8a_profile_string(p, p->frames[f].url);
        size_t nl = strlen(n), ul = strlen(u), len = nl + ul + 2 + 2 * sizeof(int32_t);
        char *k = v8a__malloc(len);
        if (!k) return v8a__error_nomem("flame diff");
        memcpy(k, n, nl + 1);
        memcpy(k + nl + 1, u, ul + 1);
        memcpy(k + nl + ul + 2, &p->frames[f].line, sizeof(int32_t));
        memcpy(k + nl + ul + 2 + sizeof(int32_t), &p->frames[f].column, sizeof(int32_t));
        int64_t e = v8a__strmap_put(km, k, len, (uint32_t)km->count, NULL);
        v8a__free(k);
        if (e < 0) return v8a__error_nomem("flame diff");
        uint32_t v = 0;
        v8a__strmap_get(km, v8a__strmap_key(km, (size_t)e, NULL), len, &v);
        key[f] = v;
    }
    return 0;
}

static uint64_t hash2(uint32_t a, uint32_t b)
{
    uint64_t h = ((uint64_t)a << 32 | b) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
}

/* One side: its masks, keep flags, weights and merged tree. */
typedef struct {
    unsigned char *mask, *keep;
    int64_t *self;
    uint32_t *key;
    v8a__flame_merged m;
} side;

static int side_build(const v8a_profile *p, const v8a_flame_options *o, v8a__strmap *km, side *s)
{
    s->mask = v8a__malloc(p->nframes ? p->nframes : 1);
    s->key = v8a__malloc((p->nframes ? p->nframes : 1) * sizeof *s->key);
    s->keep = v8a__malloc(p->nnodes);
    s->self = v8a__malloc(p->nnodes * sizeof *s->self);
    if (!s->mask || !s->key || !s->keep || !s->self) return v8a__error_nomem("flame diff");
    int rc;
    int hide_idle = o->idle != V8A_FLAME_IDLE_SHOW;
    if ((rc = frame_keys(p, km, s->key)) < 0) return rc;
    if ((rc = v8a__flame_masks(p, o, s->mask)) < 0) return rc;
    if ((rc = v8a__flame_keep(p, o, hide_idle, s->mask, s->keep)) < 0) return rc;
    if ((rc = v8a_profile_self_weights(p, o->weight, s->self)) < 0) return rc;
    return v8a__flame_merge(p, o, s->mask, s->key, s->self, s->keep, &s->m);
}

static void side_free(side *s)
{
    v8a__free(s->mask);
    v8a__free(s->key);
    v8a__free(s->keep);
    v8a__free(s->self);
    v8a__flame_merged_free(&s->m);
}

int v8a_flame_diff_layout_new(v8a_flame_layout **out, const v8a_profile *base,
                              const v8a_profile *newp, const v8a_flame_options *opt)
{
    *out = NULL;
    v8a_flame_options defaults;
    if (!opt) {
        v8a_flame_options_init(&defaults);
        opt = &defaults;
    }
    if (!base || !base->nnodes || !newp || !newp->nnodes)
        return v8a__error_set(V8A_EINVAL, "flame diff: invalid argument");
    if (opt->mode == V8A_FLAME_CHART)
        return v8a__error_set(V8A_EUNSUPPORTED, "flame diff: no flame chart of a difference "
                                                "(use graph or icicle)");
    /* options are checked, and the title copied, by a plain layout of NEW */
    v8a_flame_layout *l = NULL;
    int rc = v8a_flame_layout_new(&l, newp, opt);
    if (rc < 0) return rc;
    l->nrects = 0;
    l->total = 0;
    l->depth = 0;
    l->pruned = l->cut_by_depth = 0;
    v8a__strmap km;
    v8a__strmap_init(&km);
    side b, n;
    memset(&b, 0, sizeof b);
    memset(&n, 0, sizeof n);
    uint32_t *table = NULL, *match = NULL, *flags = NULL;
    int64_t *delta = NULL;
    v8a_flame_layout *strip = NULL;
    if ((rc = side_build(base, opt, &km, &b)) < 0 || (rc = side_build(newp, opt, &km, &n)) < 0)
        goto done;
    /* counterparts: match[base merged node] = new merged node or NONE */
    size_t cap = 16;
    while (cap < (size_t)n.m.n * 2) cap *= 2;
    table = v8a__malloc(cap * sizeof *table);
    match = v8a__malloc(b.m.n * sizeof *match);
    flags = v8a__malloc(n.m.n * sizeof *flags);
    delta = v8a__malloc(n.m.n * sizeof *delta);
    if (!table || !match || !flags || !delta) {
        rc = v8a__error_nomem("flame diff");
        goto done;
    }
    memset(table, 0xff, cap * sizeof *table);
    for (uint32_t i = 1; i < n.m.n; i++) {
        size_t h = (size_t)hash2(n.m.parent[i], n.key[n.m.frame[i]]) & (cap - 1);
        while (table[h] != UINT32_MAX) h = (h + 1) & (cap - 1);
        table[h] = i;
    }
    double scale = 1;
    if (opt->diff_normalize && b.m.total[0] > 0)
        scale = (double)n.m.total[0] / (double)b.m.total[0];
    for (uint32_t i = 0; i < n.m.n; i++) {
        flags[i] = i ? V8A_FLAME_RECT_NEW : 0;
        delta[i] = n.m.total[i];
    }
    match[0] = 0;
    for (uint32_t i = 0; i < b.m.n; i++) {
        if (i) {
            uint32_t pp = match[b.m.parent[i]], k = b.key[b.m.frame[i]];
            match[i] = V8A_PROFILE_NONE;
            if (pp != V8A_PROFILE_NONE) {
                size_t h = (size_t)hash2(pp, k) & (cap - 1);
                for (uint32_t e; (e = table[h]) != UINT32_MAX; h = (h + 1) & (cap - 1))
                    if (n.m.parent[e] == pp && n.key[n.m.frame[e]] == k) {
                        if (n.m.total[e] > 0) match[i] = e; /* NEW has the stack, not its node */
                        break;
                    }
            }
        }
        if (match[i] != V8A_PROFILE_NONE) {
            uint32_t e = match[i];
            int64_t bt = (int64_t)((double)b.m.total[i] * scale + 0.5);
            delta[e] -= bt;
            if (b.m.total[i] > 0) flags[e] &= ~V8A_FLAME_RECT_NEW;
        }
    }
    l->base = base;
    l->base_total = b.m.total[0];
    if ((rc = v8a__flame_layout_graph(l, &n.m, delta, flags)) < 0) goto done;
    l->nmain = l->nrects;
    for (size_t i = 1; i < l->nrects; i++) {
        int64_t d = l->rects[i].delta < 0 ? -l->rects[i].delta : l->rects[i].delta;
        if (d > l->max_delta) l->max_delta = d;
    }
    /* the strip: BASE's tree with only what NEW lacks */
    for (uint32_t i = 0; i < b.m.n; i++) {
        if (match[i] != V8A_PROFILE_NONE) b.m.self[i] = 0;
        b.m.total[i] = b.m.self[i];
    }
    for (uint32_t i = b.m.n; i-- > 1;) b.m.total[b.m.parent[i]] += b.m.total[i];
    if (b.m.total[0] > 0) {
        if (!(strip = v8a__calloc(1, sizeof *strip))) {
            rc = v8a__error_nomem("flame diff");
            goto done;
        }
        strip->profile = base;
        strip->opt = l->opt;
        strip->opt.title = NULL;
        if ((rc = v8a__flame_layout_graph(strip, &b.m, NULL, NULL)) < 0) goto done;
        size_t need = l->nrects + strip->nrects;
        v8a_flame_rect *r = v8a__realloc(l->rects, need * sizeof *r);
        if (!r) {
            rc = v8a__error_nomem("flame diff");
            goto done;
        }
        l->rects = r;
        l->strip_depth = l->depth + 1;
        /* in NEW's units (BASE scaled as the deltas are), narrowed to fit */
        double f = scale, st = (double)strip->total * scale;
        if (st > (double)l->total && st > 0) f *= (double)l->total / st;
        for (size_t i = 0; i < strip->nrects; i++) {
            v8a_flame_rect *d = &l->rects[l->nrects + i];
            *d = strip->rects[i];
            d->x = (int64_t)((double)d->x * f + 0.5);
            d->width = (int64_t)((double)d->width * f + 0.5);
            d->self = (int64_t)((double)d->self * f + 0.5);
            d->total = d->width;
            d->depth += l->strip_depth;
            d->flags = V8A_FLAME_RECT_BASE_ONLY;
            d->delta = -d->total;
            d->parent =
                d->parent == V8A_PROFILE_NONE ? V8A_PROFILE_NONE : d->parent + (uint32_t)l->nrects;
        }
        l->nrects = need;
        l->depth = l->strip_depth + strip->depth;
        l->pruned += strip->pruned;
    }
done:
    if (strip) {
        v8a__free(strip->rects);
        v8a__free(strip);
    }
    side_free(&b);
    side_free(&n);
    v8a__strmap_free(&km);
    v8a__free(table);
    v8a__free(match);
    v8a__free(flags);
    v8a__free(delta);
    if (rc < 0) {
        v8a_flame_layout_free(l);
        return rc;
    }
    *out = l;
    return 0;
}

const v8a_profile *v8a__flame_rect_profile(const v8a_flame_layout *l, const v8a_flame_rect *r)
{
    return (r->flags & V8A_FLAME_RECT_BASE_ONLY) && l->base ? l->base : l->profile;
}

uint32_t v8a__flame_rect_color(const v8a_flame_layout *l, const v8a_flame_rect *r)
{
    if (!l->base) return v8a_flame_color(l->profile, r->frame, l->opt.palette);
    if (r->flags & V8A_FLAME_RECT_BASE_ONLY) return 0x8c9bb8;
    if (r->flags & V8A_FLAME_RECT_NEW) return 0xa040d0;
    if (r->delta == 0 || l->max_delta <= 0) return 0xe6e6e6;
    double a = (double)(r->delta < 0 ? -r->delta : r->delta) / (double)l->max_delta;
    if (a > 1) a = 1;
    uint32_t c = (uint32_t)(230 - 190 * a); /* the two channels that fade */
    return r->delta > 0 ? (0xffu << 16 | c << 8 | c) : (c << 16 | c << 8 | 0xffu);
}
