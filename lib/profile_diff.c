/* profile_diff.c - two CPU profiles compared function by function (flame
 * diff): self and total deltas, normalised or raw, split into regressions
 * and improvements above a noise threshold, and the measures of its gates.
 *
 * Each profile is aggregated bottom-up by v8a_top_new (so totals count a
 * recursive function once per sample); functions are matched by the text of
 * (name, url, line, column) through a hash map. Normalised (the default),
 * base's times are scaled by new busy / base busy before subtracting, as
 * pprof's -normalize does: a delta then says how much more or less of new's
 * busy time the function took than its share in base would predict.
 */
#include "alloc.h"
#include "error.h"
#include "strmap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <v8a/profile_stats.h>

void v8a_pdiff_options_init(v8a_pdiff_options *o)
{
    memset(o, 0, sizeof *o);
    o->min_delta_pct = 1.0;
}

void v8a_pdiff_free(v8a_pdiff *d)
{
    if (!d) return;
    v8a__free(d->funcs);
    v8a__free(d->regressions);
    v8a__free(d->improvements);
    v8a__free(d);
}

/* The map key of a function: name NUL url NUL line column (binary). */
static size_t func_key(char **buf, size_t *cap, const v8a_top_row *r)
{
    size_t ln = strlen(r->name), lu = strlen(r->url);
    size_t n = ln + lu + 2 + 2 * sizeof(int32_t);
    if (n > *cap) {
        char *b = v8a__realloc(*buf, n);
        if (!b) return 0;
        *buf = b;
        *cap = n;
    }
    memcpy(*buf, r->name, ln + 1);
    memcpy(*buf + ln + 1, r->url, lu + 1);
    memcpy(*buf + ln + lu + 2, &r->line, sizeof r->line);
    memcpy(*buf + ln + lu + 2 + sizeof r->line, &r->column, sizeof r->column);
    return n;
}

static double pct(int64_t part, int64_t whole)
{
    return whole > 0 ? (double)part * 100.0 / (double)whole : 0.0;
}

/* The ranked delta of f, in microseconds and in share points. */
static double ranked_us(const v8a_pdiff *d, const v8a_pdiff_func *f)
{
    return d->opt.rank_total ? f->total_delta_us : f->self_delta_us;
}

static double ranked_pct(const v8a_pdiff *d, const v8a_pdiff_func *f)
{
    return d->opt.rank_total ? f->new_total_pct - f->base_total_pct
                             : f->new_self_pct - f->base_self_pct;
}

/* Regressions worst first: by the ranked delta, descending (qsort has no
 * payload, hence one comparator per measure). */
static int cmp_funcs(const v8a_pdiff_func *x, const v8a_pdiff_func *y, int total)
{
    double dx = total ? x->total_delta_us : x->self_delta_us;
    double dy = total ? y->total_delta_us : y->self_delta_us;
    if (dx != dy) return dx > dy ? -1 : 1;
    int s = strcmp(x->name, y->name);
    if (s) return s;
    s = strcmp(x->url, y->url);
    if (s) return s;
    return x->line < y->line ? -1 : x->line > y->line;
}

#define F(p) (*(const v8a_pdiff_func *const *)(p))
static int worst_self(const void *a, const void *b)
{
    return cmp_funcs(F(a), F(b), 0);
}
static int worst_total(const void *a, const void *b)
{
    return cmp_funcs(F(a), F(b), 1);
}
static int best_self(const void *a, const void *b)
{
    return cmp_funcs(F(b), F(a), 0);
}
static int best_total(const void *a, const void *b)
{
    return cmp_funcs(F(b), F(a), 1);
}
#undef F

/* Adds one profile's rows to the functions; side 0 is base, 1 is new. */
static int add_side(v8a_pdiff *d, v8a__strmap *m, size_t *cap, const v8a_top *t, int side,
                    char **key, size_t *keycap)
{
    for (size_t i = 0; i < t->nrows; i++) {
        const v8a_top_row *r = &t->rows[i];
        if (r->category == V8A_CAT_IDLE) continue;
        size_t n = func_key(key, keycap, r);
        if (!n) return v8a__error_nomem("diff keys");
        int found = 0;
        int64_t e = v8a__strmap_put(m, *key, n, (uint32_t)d->nfuncs, &found);
        if (e < 0) return v8a__error_nomem("diff keys");
        uint32_t k = (uint32_t)d->nfuncs;
        if (found) {
            v8a__strmap_get(m, *key, n, &k);
        } else {
            if (v8a__grow((void **)&d->funcs, cap, d->nfuncs + 1, sizeof *d->funcs) < 0)
                return v8a__error_nomem("diff functions");
            v8a_pdiff_func *f = &d->funcs[d->nfuncs++];
            memset(f, 0, sizeof *f);
            f->name = r->name;
            f->url = r->url;
            f->line = r->line;
            f->column = r->column;
            f->category = r->category;
        }
        v8a_pdiff_func *f = &d->funcs[k];
        if (side == 0) {
            f->in_base = 1;
            f->base_self_us = r->self_us;
            f->base_total_us = r->total_us;
            f->base_self_samples = r->self_samples;
            f->base_total_samples = r->total_samples;
        } else {
            f->in_new = 1;
            f->new_self_us = r->self_us;
            f->new_total_us = r->total_us;
            f->new_self_samples = r->self_samples;
            f->new_total_samples = r->total_samples;
        }
    }
    return 0;
}

int v8a_pdiff_new(v8a_pdiff **out, const v8a_profile *base, const v8a_profile *cur,
                  const v8a_pdiff_options *opt)
{
    if (!out || !base || !cur) return v8a__error_set(V8A_EINVAL, "v8a_pdiff_new: invalid argument");
    *out = NULL;
    v8a_top *tb = NULL, *tn = NULL;
    v8a__strmap m;
    v8a__strmap_init(&m);
    char *key = NULL;
    size_t keycap = 0, cap = 0;
    v8a_pdiff *d = v8a__calloc(1, sizeof *d);
    int rc = 0;
    if (!d) return v8a__error_nomem("diff");
    d->base = base;
    d->cur = cur;
    if (opt)
        d->opt = *opt;
    else
        v8a_pdiff_options_init(&d->opt);
    v8a_top_options to;
    memset(&to, 0, sizeof to);
    if ((rc = v8a_top_new(&tb, base, &to)) < 0 || (rc = v8a_top_new(&tn, cur, &to)) < 0) goto done;
    d->base_time_us = tb->time_us;
    d->new_time_us = tn->time_us;
    d->base_busy_us = tb->time_us - tb->idle_us;
    d->new_busy_us = tn->time_us - tn->idle_us;
    d->scale = !d->opt.absolute && d->base_busy_us > 0
                   ? (double)d->new_busy_us / (double)d->base_busy_us
                   : 1.0;
    if ((rc = add_side(d, &m, &cap, tb, 0, &key, &keycap)) < 0 ||
        (rc = add_side(d, &m, &cap, tn, 1, &key, &keycap)) < 0)
        goto done;
    size_t nf = d->nfuncs ? d->nfuncs : 1;
    d->regressions = v8a__malloc(nf * sizeof *d->regressions);
    d->improvements = v8a__malloc(nf * sizeof *d->improvements);
    if (!d->regressions || !d->improvements) {
        rc = v8a__error_nomem("diff");
        goto done;
    }
    for (size_t i = 0; i < d->nfuncs; i++) {
        v8a_pdiff_func *f = &d->funcs[i];
        f->base_self_pct = pct(f->base_self_us, d->base_busy_us);
        f->base_total_pct = pct(f->base_total_us, d->base_busy_us);
        f->new_self_pct = pct(f->new_self_us, d->new_busy_us);
        f->new_total_pct = pct(f->new_total_us, d->new_busy_us);
        f->self_delta_us = (double)f->new_self_us - (double)f->base_self_us * d->scale;
        f->total_delta_us = (double)f->new_total_us - (double)f->base_total_us * d->scale;
        double us = ranked_us(d, f);
        double x = d->opt.min_delta_pct >= 0 ? fabs(ranked_pct(d, f)) : fabs(us);
        double min = d->opt.min_delta_pct >= 0 ? d->opt.min_delta_pct : (double)d->opt.min_delta_us;
        /* rounding of the scaled base must not make an unchanged function a change */
        if (fabs(us) < 0.5 || x < min) continue;
        if (us > 0)
            d->regressions[d->nregressions++] = f;
        else
            d->improvements[d->nimprovements++] = f;
    }
    int tot = d->opt.rank_total;
    if (d->nregressions)
        qsort(d->regressions, d->nregressions, sizeof *d->regressions,
              tot ? worst_total : worst_self);
    if (d->nimprovements)
        qsort(d->improvements, d->nimprovements, sizeof *d->improvements,
              tot ? best_total : best_self);
done:
    v8a_top_free(tb);
    v8a_top_free(tn);
    v8a__strmap_free(&m);
    v8a__free(key);
    if (rc < 0) {
        v8a_pdiff_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

/* One profile's value of a measure, in microseconds. */
static int measure(const v8a_profile *p, v8a_pdiff_measure m, const char *name, v8a_regex *re,
                   double *out)
{
    *out = 0;
    int64_t sum = 0;
    if (m == V8A_PDIFF_CPU) {
        for (size_t i = 0; i < p->nsamples; i++)
            if (p->frames[p->nodes[p->sample_node[i]].frame].category != V8A_CAT_IDLE)
                sum += p->sample_duration[i];
        *out = (double)sum;
        return 0;
    }
    uint8_t *fm = v8a__calloc(p->nframes ? p->nframes : 1, 1);
    uint8_t *on = v8a__calloc(p->nnodes ? p->nnodes : 1, 1);
    int rc = 0;
    if (!fm || !on) {
        rc = v8a__error_nomem("gate measure");
        goto done;
    }
    for (uint32_t f = 0; f < p->nframes; f++) {
        if (p->frames[f].category == V8A_CAT_ROOT) continue;
        const char *s = v8a_profile_string(p, p->frames[f].name);
        int r = re ? v8a_regex_match(re, s, strlen(s)) : name && strcmp(s, name) == 0;
        if (r < 0) {
            rc = r;
            goto done;
        }
        fm[f] = (uint8_t)r;
    }
    for (uint32_t n = 0; n < p->nnodes; n++)
        on[n] = (uint8_t)(fm[p->nodes[n].frame] ||
                          (m == V8A_PDIFF_TOTAL && n > 0 && on[p->nodes[n].parent]));
    for (size_t i = 0; i < p->nsamples; i++)
        if (on[p->sample_node[i]]) sum += p->sample_duration[i];
    *out = (double)sum;
done:
    v8a__free(fm);
    v8a__free(on);
    return rc;
}

int v8a_pdiff_measure_get(const v8a_pdiff *d, v8a_pdiff_measure m, const char *name, v8a_regex *re,
                          double *before, double *after)
{
    if (!d || !before || !after)
        return v8a__error_set(V8A_EINVAL, "v8a_pdiff_measure_get: invalid argument");
    int rc = measure(d->base, m, name, re, before);
    if (rc == 0) rc = measure(d->cur, m, name, re, after);
    if (rc < 0) return rc;
    if (m != V8A_PDIFF_CPU) *before *= d->scale;
    return 0;
}
