/* profile_blocking.c - stretches where the event loop was blocked (flame
 * blocking): runs of consecutive busy samples of one task.
 *
 * The rule is in v8a/profile_stats.h (v8a_stretch). One pass over the
 * samples in time order: each node's task (its ancestor just below (root))
 * is computed once from the parent links, which precede their children. The
 * heaviest stack of a run is found with a per-node accumulator and the list
 * of nodes the run touched, reset when the run closes, so the pass stays
 * linear in the samples.
 */
#include "alloc.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>
#include <v8a/profile_stats.h>

void v8a_blocking_free(v8a_blocking *b)
{
    if (!b) return;
    v8a__free(b->stretches);
    v8a__free(b);
}

typedef struct {
    const v8a_profile *p;
    v8a_blocking *b;
    size_t cap;
    int64_t *acc;      /* per node: time inside the open run */
    uint32_t *touched; /* nodes the run reached, in order of first touch */
    uint8_t *seen;     /* per node: in touched */
    size_t ntouched;
    int open;
    v8a_stretch cur;
    /* (garbage collector) and (program) samples since the last (idle) sample
     * while no run is open: they start the next run if a task follows */
    v8a_stretch lead;
} run_ctx;

/* Ends the open run; keeps it when longer than the threshold. */
static int close_run(run_ctx *r)
{
    if (!r->open) return 0;
    r->open = 0;
    v8a_stretch *s = &r->cur;
    s->heaviest = V8A_PROFILE_NONE;
    s->heaviest_us = -1;
    for (size_t i = 0; i < r->ntouched; i++) {
        uint32_t n = r->touched[i];
        if (r->acc[n] > s->heaviest_us) s->heaviest = n, s->heaviest_us = r->acc[n];
        r->acc[n] = 0;
        r->seen[n] = 0;
    }
    r->ntouched = 0;
    s->hot_line = 0;
    if (s->heaviest != V8A_PROFILE_NONE) {
        const v8a_profile_node *nd = &r->p->nodes[s->heaviest];
        uint32_t best = 0;
        for (uint32_t k = 0; k < nd->n_ticks; k++) {
            const v8a_position_tick *t = &r->p->ticks[nd->first_tick + k];
            if (t->ticks > best) best = t->ticks, s->hot_line = (int32_t)t->line;
        }
    }
    if (s->duration_us <= r->b->threshold_us) return 0;
    if (v8a__grow((void **)&r->b->stretches, &r->cap, r->b->nstretches + 1,
                  sizeof *r->b->stretches) < 0)
        return v8a__error_nomem("stretches");
    r->b->stretches[r->b->nstretches++] = *s;
    r->b->blocked_us += s->duration_us;
    return 0;
}

/* A stretch beginning at sample i, empty. */
static void begin(v8a_stretch *s, const v8a_profile *p, size_t i)
{
    memset(s, 0, sizeof *s);
    s->first = i;
    s->start_us = p->sample_time[i];
}

static int longest_first(const void *a, const void *b)
{
    const v8a_stretch *x = a, *y = b;
    if (x->duration_us != y->duration_us) return x->duration_us > y->duration_us ? -1 : 1;
    return x->start_us < y->start_us ? -1 : x->start_us > y->start_us;
}

int v8a_blocking_new(v8a_blocking **out, const v8a_profile *p, int64_t threshold_us)
{
    if (!out || !p) return v8a__error_set(V8A_EINVAL, "v8a_blocking_new: invalid argument");
    *out = NULL;
    if (p->kind != V8A_PROFILE_CPU)
        return v8a__error_set(V8A_EUNSUPPORTED, "a heap profile has no times: use a CPU profile");
    size_t nn = p->nnodes ? p->nnodes : 1;
    run_ctx r;
    memset(&r, 0, sizeof r);
    r.p = p;
    r.b = v8a__calloc(1, sizeof *r.b);
    r.acc = v8a__calloc(nn, sizeof *r.acc);
    r.touched = v8a__malloc(nn * sizeof *r.touched);
    r.seen = v8a__calloc(nn, 1);
    uint32_t *task = v8a__malloc(nn * sizeof *task);
    int rc = 0;
    if (!r.b || !r.acc || !r.touched || !r.seen || !task) {
        rc = v8a__error_nomem("blocking");
        goto done;
    }
    r.b->profile = p;
    r.b->threshold_us = threshold_us;
    for (uint32_t n = 0; n < p->nnodes; n++)
        task[n] = n == 0 ? V8A_PROFILE_NONE : p->nodes[n].depth == 1 ? n : task[p->nodes[n].parent];
    for (size_t i = 0; i < p->nsamples; i++) {
        uint32_t n = p->sample_node[i];
        uint32_t cat = p->frames[p->nodes[n].frame].category;
        int64_t d = p->sample_duration[i];
        if (cat != V8A_CAT_IDLE) r.b->busy_us += d;
        if (cat == V8A_CAT_IDLE) {
            if ((rc = close_run(&r)) < 0) goto done;
            r.lead.count = 0;
            continue;
        }
        if (cat == V8A_CAT_GC || cat == V8A_CAT_PROGRAM || cat == V8A_CAT_ROOT || n == 0) {
            /* no stack: part of the open run, or of the next one */
            v8a_stretch *s = r.open ? &r.cur : &r.lead;
            if (!s->count) begin(s, p, i);
            s->count++;
            s->duration_us += d;
            if (cat == V8A_CAT_GC) s->gc_us += d;
            continue;
        }
        if (r.open && r.cur.task != task[n] && (rc = close_run(&r)) < 0) goto done;
        if (!r.open) {
            /* from the stack-less samples just before, if any: a GC the
             * task's first allocation set off */
            if (!r.lead.count) begin(&r.lead, p, i);
            r.cur = r.lead;
            r.lead.count = 0;
            r.open = 1;
            r.cur.task = task[n];
        }
        r.cur.count++;
        r.cur.duration_us += d;
        if (!r.seen[n]) {
            r.seen[n] = 1;
            r.touched[r.ntouched++] = n;
        }
        r.acc[n] += d;
    }
    if ((rc = close_run(&r)) < 0) goto done;
    if (r.b->nstretches)
        qsort(r.b->stretches, r.b->nstretches, sizeof *r.b->stretches, longest_first);
done:
    v8a__free(r.acc);
    v8a__free(r.touched);
    v8a__free(r.seen);
    v8a__free(task);
    if (rc < 0) {
        v8a_blocking_free(r.b);
        return rc;
    }
    *out = r.b;
    return 0;
}
