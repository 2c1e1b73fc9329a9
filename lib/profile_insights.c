/* profile_insights.c - an automatic reading of a CPU profile (flame
 * insights): plateaus, deep stacks, repeated short calls, GC pressure,
 * functions V8 will not optimise and the longest stall, ranked by time.
 *
 * The definitions are in v8a/profile_insights.h. Every detector is one pass
 * over the samples in time order (plus passes over the nodes), so the whole
 * reading is linear in samples x the depth walked between consecutive
 * stacks. "Is node a on the stack of sample s" is answered in O(1) from a
 * preorder numbering of the call tree (pre[a] <= pre[s] < pre[a] + size[a]),
 * built in one forward pass since parents precede their children.
 *
 * A sample that a reported finding covers is marked `explained`; the stall
 * finding counts what is left. Ranges never split on GC or (program)
 * samples: those join a range when JS samples of the range surround them.
 */
#include "alloc.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>
#include <v8a/profile_insights.h>

void v8a_insights_options_init(v8a_insights_options *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->plateau_min_us = 50000;
    o->deep_depth = 64;
    o->min_bursts = 20;
    o->max_burst_us = 2000;
    o->gc_min_pct = 10.0;
    o->stall_min_us = 50000;
    o->min_share_pct = 1.0;
}

const char *v8a_insight_kind_name(v8a_insight_kind k)
{
    switch (k) {
    case V8A_INSIGHT_PLATEAU: return "plateau";
    case V8A_INSIGHT_DEEP: return "deep";
    case V8A_INSIGHT_REPEATED: return "repeated";
    case V8A_INSIGHT_GC: return "gc";
    case V8A_INSIGHT_DEOPT: return "deopt";
    case V8A_INSIGHT_STALL: return "stall";
    }
    return "?";
}

static const char *const suggestions[] = {
    "make it asynchronous or stream it (a worker thread, a streaming parser, or the work in "
    "chunks between turns of the event loop)",
    "flatten the recursion (a loop with an explicit stack) or fetch the nested data in one go "
    "instead of level by level",
    "batch the calls: one call over many items instead of one call per item (or cache the "
    "result)",
    "allocate less in the functions running before GC: reuse objects and buffers, avoid "
    "temporary arrays, strings and closures in hot loops",
    "remove what keeps V8 from optimising it (the reason); keep its argument types and object "
    "shapes stable",
    "split the work into smaller tasks (setImmediate between chunks) or move it to a worker "
    "thread"};

void v8a_insights_free(v8a_insights *in)
{
    if (!in) return;
    for (size_t i = 0; i < in->nitems; i++) {
        v8a__free(in->items[i].ranges);
        v8a__free(in->items[i].culprits);
    }
    v8a__free(in->items);
    v8a__free(in);
}

/* What a sample is, for every detector. */
enum { S_JS = 0, S_STACKLESS = 1, S_IDLE = 2 };

typedef struct {
    const v8a_profile *p;
    v8a_insights_options o;
    v8a_insights *in;
    size_t capitems;
    uint8_t *kind;        /* per sample: S_* */
    uint8_t *explained;   /* per sample */
    uint32_t *pre, *size; /* per node: preorder number, subtree size */
    int64_t *self_us;     /* per node: JS self time */
    int64_t *total_us;    /* per node */
} ctx;

static uint32_t cat_of(const v8a_profile *p, uint32_t node)
{
    return p->frames[p->nodes[node].frame].category;
}

/* The line of node's function with the most positionTicks, 0 without. */
static int32_t hot_line(const v8a_profile *p, uint32_t node)
{
    const v8a_profile_node *nd = &p->nodes[node];
    uint32_t best = 0;
    int32_t line = 0;
    for (uint32_t k = 0; k < nd->n_ticks; k++) {
        const v8a_position_tick *t = &p->ticks[nd->first_tick + k];
        if (t->ticks > best) best = t->ticks, line = (int32_t)t->line;
    }
    return line;
}

static int in_subtree(const ctx *c, uint32_t a, uint32_t s)
{
    return c->pre[a] <= c->pre[s] && c->pre[s] < c->pre[a] + c->size[a];
}

/* Which samples a range predicate selects. */
typedef enum { P_SUBTREE, P_TOP_FRAME, P_DEEP, P_GC } pred_kind;

static int pred(const ctx *c, pred_kind k, uint32_t arg, size_t i)
{
    const v8a_profile *p = c->p;
    uint32_t n = p->sample_node[i];
    switch (k) {
    case P_SUBTREE: return c->kind[i] == S_JS && in_subtree(c, arg, n);
    case P_TOP_FRAME: return c->kind[i] == S_JS && p->nodes[n].frame == arg;
    case P_DEEP: return c->kind[i] == S_JS && p->nodes[n].depth >= arg;
    case P_GC: return cat_of(p, n) == V8A_CAT_GC;
    }
    return 0;
}

static v8a_insight *new_item(ctx *c, v8a_insight_kind k)
{
    if (v8a__grow((void **)&c->in->items, &c->capitems, c->in->nitems + 1, sizeof *c->in->items) <
        0)
        return NULL;
    v8a_insight *it = &c->in->items[c->in->nitems++];
    memset(it, 0, sizeof *it);
    it->kind = k;
    it->frame = V8A_PROFILE_NONE;
    it->node = V8A_PROFILE_NONE;
    it->suggestion = suggestions[k];
    return it;
}

static int add_range(v8a_insight *it, size_t *cap, const v8a_profile *p, size_t first, size_t last)
{
    if (v8a__grow((void **)&it->ranges, cap, it->nranges + 1, sizeof *it->ranges) < 0)
        return v8a__error_nomem("insight ranges");
    v8a_insight_range *r = &it->ranges[it->nranges++];
    r->first = first;
    r->count = last - first + 1;
    r->start_us = p->sample_time[first];
    r->duration_us = p->sample_time[last] + p->sample_duration[last] - p->sample_time[first];
    return 0;
}

/* The runs of samples the predicate selects, within [from, to), into
 * it->ranges; stackless samples between selected ones join the run (GC
 * samples are themselves selected by P_GC). Marks them explained. */
static int collect_ranges(ctx *c, v8a_insight *it, pred_kind k, uint32_t arg, size_t from,
                          size_t to)
{
    const v8a_profile *p = c->p;
    size_t cap = 0, first = 0, last = 0;
    int open = 0;
    for (size_t i = from; i < to; i++) {
        if (pred(c, k, arg, i)) {
            if (!open) first = i, open = 1;
            last = i;
            continue;
        }
        if (open && c->kind[i] == S_STACKLESS && k != P_GC) continue;
        if (open) {
            if (add_range(it, &cap, p, first, last) < 0) return V8A_ENOMEM;
            open = 0;
        }
    }
    if (open && add_range(it, &cap, p, first, last) < 0) return V8A_ENOMEM;
    for (size_t r = 0; r < it->nranges; r++)
        memset(c->explained + it->ranges[r].first, 1, it->ranges[r].count);
    return 0;
}

/* A score worth reporting (checked before the ranges are collected). */
static int big_enough(const ctx *c, int64_t score)
{
    return score > 0 && (double)score * 100.0 >= c->o.min_share_pct * (double)c->in->busy_us;
}

/* ---- plateau ---- */

static int emit_plateau(ctx *c, uint32_t node, size_t first, size_t last, int64_t dur, int64_t gc,
                        int64_t count)
{
    v8a_insight *it = new_item(c, V8A_INSIGHT_PLATEAU);
    if (!it) return v8a__error_nomem("insights");
    it->node = node;
    it->frame = c->p->nodes[node].frame;
    it->line = hot_line(c->p, node);
    it->time_us = it->score_us = dur;
    it->gc_us = gc;
    it->count = count;
    it->depth = c->p->nodes[node].depth;
    size_t cap = 0;
    if (add_range(it, &cap, c->p, first, last) < 0) return V8A_ENOMEM;
    memset(c->explained + first, 1, last - first + 1);
    return 0;
}

static int find_plateaus(ctx *c)
{
    const v8a_profile *p = c->p;
    uint32_t node = V8A_PROFILE_NONE;
    size_t first = 0, last = 0;
    int64_t dur = 0, gc = 0, pend = 0, pend_gc = 0, count = 0, pend_n = 0;
    for (size_t i = 0; i <= p->nsamples; i++) {
        int end = i == p->nsamples;
        uint32_t n = end ? V8A_PROFILE_NONE : p->sample_node[i];
        if (!end && c->kind[i] == S_STACKLESS) {
            /* joins the open run if the same node comes back (or the run
             * ends with it: the operation's own collection) */
            if (node != V8A_PROFILE_NONE) {
                pend += p->sample_duration[i];
                pend_n++;
                if (cat_of(p, n) == V8A_CAT_GC) pend_gc += p->sample_duration[i];
            }
            continue;
        }
        if (!end && c->kind[i] == S_JS && n == node) {
            dur += pend + p->sample_duration[i];
            gc += pend_gc;
            count += pend_n + 1;
            pend = pend_gc = pend_n = 0;
            last = i;
            continue;
        }
        if (node != V8A_PROFILE_NONE) {
            /* trailing GC after the run belongs to it */
            int64_t d = dur + pend, g = gc + pend_gc;
            size_t l = pend_n ? last + (size_t)pend_n : last;
            if (d >= c->o.plateau_min_us && big_enough(c, d)) {
                int rc = emit_plateau(c, node, first, l, d, g, count + pend_n);
                if (rc < 0) return rc;
            }
        }
        node = V8A_PROFILE_NONE;
        pend = pend_gc = pend_n = 0;
        if (!end && c->kind[i] == S_JS) {
            node = n;
            first = last = i;
            dur = p->sample_duration[i];
            gc = 0;
            count = 1;
        }
    }
    return 0;
}

/* ---- deep stacks ---- */

static int find_deep(ctx *c)
{
    const v8a_profile *p = c->p;
    uint32_t deep = c->o.deep_depth;
    int64_t deep_us = 0, nsamples = 0;
    double depth_sum = 0;
    uint32_t maxd = 0;
    int64_t *acc = v8a__calloc(p->nnodes, sizeof *acc);
    int64_t *fscore = v8a__calloc(p->nframes ? p->nframes : 1, sizeof *fscore);
    int rc = 0;
    if (!acc || !fscore) {
        rc = v8a__error_nomem("insights deep");
        goto done;
    }
    for (size_t i = 0; i < p->nsamples; i++) {
        uint32_t n = p->sample_node[i];
        if (c->kind[i] != S_JS || p->nodes[n].depth < deep) continue;
        int64_t d = p->sample_duration[i];
        deep_us += d;
        nsamples++;
        depth_sum += (double)p->nodes[n].depth * (double)d;
        if (p->nodes[n].depth > maxd) maxd = p->nodes[n].depth;
        acc[n] += d;
    }
    if (!nsamples || !big_enough(c, deep_us)) goto done;
    uint32_t heaviest = V8A_PROFILE_NONE;
    for (uint32_t n = 0; n < p->nnodes; n++) {
        if (!acc[n]) continue;
        if (heaviest == V8A_PROFILE_NONE || acc[n] > acc[heaviest]) heaviest = n;
        for (uint32_t v = n; v != 0 && v != V8A_PROFILE_NONE; v = p->nodes[v].parent)
            fscore[p->nodes[v].frame] += acc[n];
    }
    uint32_t best = p->nodes[heaviest].frame;
    for (uint32_t f = 0; f < p->nframes; f++)
        if (fscore[f] > fscore[best]) best = f;
    v8a_insight *it = new_item(c, V8A_INSIGHT_DEEP);
    if (!it) {
        rc = v8a__error_nomem("insights");
        goto done;
    }
    /* the evidence stack: the heaviest deep node, shown from its nearest
     * frame of the recursive function */
    uint32_t top = heaviest;
    for (uint32_t v = heaviest; v != 0; v = p->nodes[v].parent)
        if (p->nodes[v].frame == best) {
            top = v;
            break;
        }
    it->node = top;
    it->frame = best;
    it->line = hot_line(p, top);
    it->time_us = it->score_us = deep_us;
    it->count = nsamples;
    it->depth = maxd;
    it->mean_depth = depth_sum / (double)deep_us;
    rc = collect_ranges(c, it, P_DEEP, deep, 0, p->nsamples);
done:
    v8a__free(acc);
    v8a__free(fscore);
    return rc;
}

/* ---- repeated short stacks ---- */

typedef struct {
    int64_t tot;
    uint32_t depth, node;
} cand_t;

/* Most time first; an ancestor before its descendants on a tie. */
static int cand_cmp(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->tot != y->tot) return x->tot > y->tot ? -1 : 1;
    if (x->depth != y->depth) return x->depth < y->depth ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

static int find_repeated(ctx *c)
{
    const v8a_profile *p = c->p;
    uint32_t nn = p->nnodes;
    int64_t *bursts = v8a__calloc(nn, sizeof *bursts);
    uint32_t *maxdepth = v8a__calloc(nn, sizeof *maxdepth);
    cand_t *cand = v8a__malloc(nn * sizeof *cand);
    uint8_t *taken = v8a__calloc(nn, 1);
    int rc = 0;
    if (!bursts || !maxdepth || !cand || !taken) {
        rc = v8a__error_nomem("insights repeated");
        goto done;
    }
    /* bursts: a node on the stack of a JS sample but not of the previous
     * JS sample (idle in between: the previous stack is empty) may start one */
    uint32_t prev = 0;
    for (size_t i = 0; i < p->nsamples; i++) {
        if (c->kind[i] == S_STACKLESS) continue;
        if (c->kind[i] == S_IDLE) {
            prev = 0;
            continue;
        }
        /* a burst starts at the node entered below the deepest frame the
         * two stacks share, when they share one (the caller stayed) */
        uint32_t a = p->sample_node[i], b = prev, entered = V8A_PROFILE_NONE;
        while (p->nodes[a].depth > p->nodes[b].depth) entered = a, a = p->nodes[a].parent;
        while (p->nodes[b].depth > p->nodes[a].depth) b = p->nodes[b].parent;
        while (a != b) {
            entered = a;
            a = p->nodes[a].parent;
            b = p->nodes[b].parent;
        }
        if (a != 0 && entered != V8A_PROFILE_NONE) bursts[entered]++;
        prev = p->sample_node[i];
    }
    for (uint32_t n = 0; n < nn; n++)
        if (c->self_us[n]) maxdepth[n] = p->nodes[n].depth;
    for (uint32_t n = nn; n-- > 1;) {
        uint32_t q = p->nodes[n].parent;
        if (maxdepth[n] > maxdepth[q]) maxdepth[q] = maxdepth[n];
    }
    size_t ncand = 0;
    for (uint32_t n = 1; n < nn; n++) {
        const v8a_profile_node *nd = &p->nodes[n];
        uint32_t cat = cat_of(p, n);
        if (cat > V8A_CAT_NATIVE || nd->depth < 2) continue;
        if (p->nodes[nd->parent].frame == nd->frame || nd->deopt_reason) continue;
        if (maxdepth[n] >= c->o.deep_depth) continue;
        if (bursts[n] < (int64_t)c->o.min_bursts || c->total_us[n] <= 0) continue;
        if (c->total_us[n] / bursts[n] > c->o.max_burst_us) continue;
        cand[ncand].tot = c->total_us[n];
        cand[ncand].depth = nd->depth;
        cand[ncand++].node = n;
    }
    if (ncand) qsort(cand, ncand, sizeof *cand, cand_cmp);
    for (size_t k = 0; k < ncand; k++) {
        uint32_t n = cand[k].node;
        int hidden = 0;
        for (uint32_t v = p->nodes[n].parent; v != 0; v = p->nodes[v].parent)
            if (taken[v]) hidden = 1;
        if (hidden) continue;
        taken[n] = 1;
        if (!big_enough(c, c->total_us[n])) continue;
        v8a_insight *it = new_item(c, V8A_INSIGHT_REPEATED);
        if (!it) {
            rc = v8a__error_nomem("insights");
            goto done;
        }
        it->node = n;
        it->frame = p->nodes[n].frame;
        it->line = hot_line(p, n);
        it->time_us = it->score_us = c->total_us[n];
        it->count = bursts[n];
        it->depth = p->nodes[n].depth;
        if ((rc = collect_ranges(c, it, P_SUBTREE, n, 0, p->nsamples)) < 0) goto done;
    }
done:
    v8a__free(bursts);
    v8a__free(maxdepth);
    v8a__free(cand);
    v8a__free(taken);
    return rc;
}

/* ---- GC pressure ---- */

static int find_gc(ctx *c)
{
    const v8a_profile *p = c->p;
    v8a_insights *in = c->in;
    if (in->busy_us <= 0 || (double)in->gc_us * 100.0 < c->o.gc_min_pct * (double)in->busy_us ||
        !big_enough(c, in->gc_us))
        return 0;
    int64_t *after = v8a__calloc(p->nnodes, sizeof *after);
    int64_t *fr = v8a__calloc(p->nframes ? p->nframes : 1, sizeof *fr);
    uint32_t *frnode = v8a__malloc((p->nframes ? p->nframes : 1) * sizeof *frnode);
    int rc = 0;
    if (!after || !fr || !frnode) {
        rc = v8a__error_nomem("insights gc");
        goto done;
    }
    uint32_t last = V8A_PROFILE_NONE;
    for (size_t i = 0; i < p->nsamples; i++) {
        uint32_t n = p->sample_node[i];
        if (c->kind[i] == S_JS) last = n;
        if (c->kind[i] == S_IDLE) last = V8A_PROFILE_NONE;
        if (cat_of(p, n) == V8A_CAT_GC && last != V8A_PROFILE_NONE)
            after[last] += p->sample_duration[i];
    }
    for (uint32_t f = 0; f < p->nframes; f++) frnode[f] = V8A_PROFILE_NONE;
    for (uint32_t n = 0; n < p->nnodes; n++) {
        if (!after[n]) continue;
        uint32_t f = p->nodes[n].frame;
        fr[f] += after[n];
        if (frnode[f] == V8A_PROFILE_NONE || after[n] > after[frnode[f]]) frnode[f] = n;
    }
    v8a_insight *it = new_item(c, V8A_INSIGHT_GC);
    if (!it) {
        rc = v8a__error_nomem("insights");
        goto done;
    }
    it->time_us = it->score_us = in->gc_us;
    it->gc_us = in->gc_us;
    for (size_t i = 0; i < p->nsamples; i++)
        if (cat_of(p, p->sample_node[i]) == V8A_CAT_GC) it->count++;
    /* the five heaviest culprits, by selection */
    it->culprits = v8a__calloc(5, sizeof *it->culprits);
    if (!it->culprits) {
        rc = v8a__error_nomem("insights gc");
        goto done;
    }
    for (int k = 0; k < 5; k++) {
        uint32_t best = V8A_PROFILE_NONE;
        for (uint32_t f = 0; f < p->nframes; f++)
            if (fr[f] > 0 && (best == V8A_PROFILE_NONE || fr[f] > fr[best])) best = f;
        if (best == V8A_PROFILE_NONE) break;
        it->culprits[it->nculprits].node = frnode[best];
        it->culprits[it->nculprits].gc_us = fr[best];
        it->nculprits++;
        fr[best] = 0;
    }
    if (it->nculprits) {
        it->node = it->culprits[0].node;
        it->frame = p->nodes[it->node].frame;
        it->line = hot_line(p, it->node);
        it->depth = p->nodes[it->node].depth;
    }
    rc = collect_ranges(c, it, P_GC, 0, 0, p->nsamples);
done:
    v8a__free(after);
    v8a__free(fr);
    v8a__free(frnode);
    return rc;
}

/* ---- functions V8 will not optimise ---- */

static int find_deopt(ctx *c)
{
    const v8a_profile *p = c->p;
    size_t nf = p->nframes ? p->nframes : 1;
    int rc = 0;
    uint32_t *reason = v8a__calloc(nf, sizeof *reason);
    uint32_t *heaviest = v8a__malloc(nf * sizeof *heaviest);
    int64_t *self = v8a__calloc(nf, sizeof *self), *samples = v8a__calloc(nf, sizeof *samples);
    if (!reason || !heaviest || !self || !samples) {
        rc = v8a__error_nomem("insights deopt");
        goto done;
    }
    for (uint32_t f = 0; f < p->nframes; f++) heaviest[f] = V8A_PROFILE_NONE;
    /* the reason of the function's heaviest node that has one */
    for (uint32_t n = 0; n < p->nnodes; n++) {
        uint32_t f = p->nodes[n].frame;
        self[f] += c->self_us[n];
        if (!p->nodes[n].deopt_reason) continue;
        if (heaviest[f] == V8A_PROFILE_NONE || c->self_us[n] > c->self_us[heaviest[f]]) {
            heaviest[f] = n;
            reason[f] = p->nodes[n].deopt_reason;
        }
    }
    for (size_t i = 0; i < p->nsamples; i++)
        if (c->kind[i] == S_JS) samples[p->nodes[p->sample_node[i]].frame]++;
    for (uint32_t f = 0; f < p->nframes; f++) {
        /* every node of the function counts: its self time is at stake */
        if (!reason[f] || !big_enough(c, self[f])) continue;
        v8a_insight *it = new_item(c, V8A_INSIGHT_DEOPT);
        if (!it) {
            rc = v8a__error_nomem("insights");
            goto done;
        }
        it->node = heaviest[f];
        it->frame = f;
        it->line = hot_line(p, heaviest[f]);
        it->time_us = it->score_us = self[f];
        it->count = samples[f];
        it->depth = p->nodes[heaviest[f]].depth;
        it->reason = reason[f];
        if ((rc = collect_ranges(c, it, P_TOP_FRAME, f, 0, p->nsamples)) < 0) goto done;
    }
done:
    v8a__free(reason);
    v8a__free(heaviest);
    v8a__free(self);
    v8a__free(samples);
    return rc;
}

/* ---- the longest stall ---- */

static int find_stall(ctx *c)
{
    const v8a_profile *p = c->p;
    v8a_insights *in = c->in;
    v8a_blocking *b = NULL;
    int rc = v8a_blocking_new(&b, p, 0);
    if (rc < 0) return rc;
    for (size_t i = 0; i < b->nstretches; i++) {
        const v8a_stretch *s = &b->stretches[i];
        if (s->duration_us <= c->o.stall_min_us) continue;
        in->nstretches++;
        in->blocked_us += s->duration_us;
        in->blocked_gc_us += s->gc_us;
    }
    if (b->nstretches) {
        in->has_longest = 1;
        in->longest = b->stretches[0];
    }
    v8a_blocking_free(b);
    if (!in->has_longest || in->longest.duration_us <= c->o.stall_min_us) return 0;
    const v8a_stretch *s = &in->longest;
    int64_t open = 0;
    for (size_t i = s->first; i < s->first + s->count; i++)
        if (!c->explained[i]) open += p->sample_duration[i];
    if (open * 2 <= s->duration_us || !big_enough(c, open)) return 0;
    v8a_insight *it = new_item(c, V8A_INSIGHT_STALL);
    if (!it) return v8a__error_nomem("insights");
    it->node = s->heaviest;
    it->frame = s->heaviest != V8A_PROFILE_NONE ? p->nodes[s->heaviest].frame : V8A_PROFILE_NONE;
    it->line = s->hot_line;
    it->score_us = open;
    it->time_us = s->duration_us;
    it->gc_us = s->gc_us;
    it->count = (int64_t)s->count;
    it->depth = s->heaviest != V8A_PROFILE_NONE ? p->nodes[s->heaviest].depth : 0;
    size_t cap = 0;
    return add_range(it, &cap, p, s->first, s->first + s->count - 1);
}

/* Ties: the more specific cause first. */
static int kind_rank(v8a_insight_kind k)
{
    static const int rank[] = {1, 2, 4, 3, 0, 5};
    return (unsigned)k < 6 ? rank[k] : 6;
}

static int by_score(const void *a, const void *b)
{
    const v8a_insight *x = a, *y = b;
    if (x->score_us != y->score_us) return x->score_us > y->score_us ? -1 : 1;
    if (kind_rank(x->kind) != kind_rank(y->kind))
        return kind_rank(x->kind) < kind_rank(y->kind) ? -1 : 1;
    int64_t xs = x->nranges ? x->ranges[0].start_us : 0,
            ys = y->nranges ? y->ranges[0].start_us : 0;
    return xs < ys ? -1 : xs > ys;
}

int v8a_insights_new(v8a_insights **out, const v8a_profile *p, const v8a_insights_options *opt)
{
    if (!out || !p) return v8a__error_set(V8A_EINVAL, "v8a_insights_new: invalid argument");
    *out = NULL;
    if (p->kind != V8A_PROFILE_CPU)
        return v8a__error_set(V8A_EUNSUPPORTED, "a heap profile has no times: use a CPU profile");
    ctx c;
    memset(&c, 0, sizeof c);
    c.p = p;
    if (opt)
        c.o = *opt;
    else
        v8a_insights_options_init(&c.o);
    size_t ns = p->nsamples ? p->nsamples : 1, nn = p->nnodes ? p->nnodes : 1;
    c.in = v8a__calloc(1, sizeof *c.in);
    c.kind = v8a__malloc(ns);
    c.explained = v8a__calloc(ns, 1);
    c.pre = v8a__malloc(nn * sizeof *c.pre);
    c.size = v8a__malloc(nn * sizeof *c.size);
    c.self_us = v8a__calloc(nn, sizeof *c.self_us);
    c.total_us = v8a__calloc(nn, sizeof *c.total_us);
    uint32_t *next = v8a__malloc(nn * sizeof *next);
    int rc = 0;
    if (!c.in || !c.kind || !c.explained || !c.pre || !c.size || !c.self_us || !c.total_us ||
        !next) {
        rc = v8a__error_nomem("insights");
        goto done;
    }
    v8a_insights *in = c.in;
    in->profile = p;
    in->opt = c.o;
    for (size_t i = 0; i < p->nsamples; i++) {
        uint32_t n = p->sample_node[i], cat = cat_of(p, n);
        int64_t d = p->sample_duration[i];
        in->time_us += d;
        if (cat == V8A_CAT_IDLE) {
            c.kind[i] = S_IDLE;
            in->idle_us += d;
            continue;
        }
        in->busy_us += d;
        if (cat == V8A_CAT_GC) in->gc_us += d;
        if (cat == V8A_CAT_GC || cat == V8A_CAT_PROGRAM || cat == V8A_CAT_ROOT || n == 0) {
            c.kind[i] = S_STACKLESS;
            continue;
        }
        c.kind[i] = S_JS;
        c.self_us[n] += d;
    }
    if (p->nnodes) {
        v8a_profile_totals(p, c.self_us, c.total_us);
        /* preorder numbers: subtree sizes backwards, then slots forwards */
        for (uint32_t n = 0; n < p->nnodes; n++) c.size[n] = 1;
        for (uint32_t n = p->nnodes; n-- > 1;) c.size[p->nodes[n].parent] += c.size[n];
        c.pre[0] = 0;
        next[0] = 1;
        for (uint32_t n = 1; n < p->nnodes; n++) {
            uint32_t q = p->nodes[n].parent;
            c.pre[n] = next[q];
            next[q] += c.size[n];
            next[n] = c.pre[n] + 1;
        }
        if ((rc = find_deopt(&c)) < 0 || (rc = find_plateaus(&c)) < 0 || (rc = find_deep(&c)) < 0 ||
            (rc = find_repeated(&c)) < 0 || (rc = find_gc(&c)) < 0 || (rc = find_stall(&c)) < 0)
            goto done;
    }
    /* drop what is too small to matter, then rank */
    size_t k = 0;
    for (size_t i = 0; i < in->nitems; i++) {
        v8a_insight *it = &in->items[i];
        it->share_pct = in->busy_us > 0 ? (double)it->score_us * 100.0 / (double)in->busy_us : 0;
        if (it->score_us > 0 && it->share_pct >= c.o.min_share_pct) {
            in->items[k++] = *it;
        } else {
            v8a__free(it->ranges);
            v8a__free(it->culprits);
        }
    }
    in->nitems = k;
    if (k) qsort(in->items, k, sizeof *in->items, by_score);
done:
    v8a__free(c.kind);
    v8a__free(c.explained);
    v8a__free(c.pre);
    v8a__free(c.size);
    v8a__free(c.self_us);
    v8a__free(c.total_us);
    v8a__free(next);
    if (rc < 0) {
        v8a_insights_free(c.in);
        return rc;
    }
    *out = c.in;
    return 0;
}
