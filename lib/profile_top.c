/* profile_top.c - the bottom-up view of a CPU profile: self and total time
 * per function, script, package or source line (flame top).
 *
 * Each frame belongs to one group (the frame itself, its url, its package or
 * category). Self weights are summed per node from the samples, totals per
 * node by v8a_profile_totals; then one depth-first walk of the call tree adds
 * a node's total to its group only when no ancestor on the path has the same
 * group, so a recursive function's total counts each sample once. The walk
 * is iterative (profiles can be thousands of frames deep). By line, a node's
 * self is split over its positionTicks with cumulative rounding, so the
 * parts add up exactly to the node's self.
 */
#include "alloc.h"
#include "error.h"
#include "strmap.h"

#include <stdlib.h>
#include <string.h>
#include <v8a/profile_stats.h>

const char *v8a_top_by_name(v8a_top_by by)
{
    switch (by) {
    case V8A_TOP_FUNCTION: return "function";
    case V8A_TOP_URL: return "url";
    case V8A_TOP_PACKAGE: return "package";
    case V8A_TOP_LINE: return "line";
    }
    return "?";
}

void v8a_top_free(v8a_top *t)
{
    if (!t) return;
    v8a__free(t->rows);
    v8a__free(t);
}

/* The label of a group named by its category. */
static const char *category_label(uint32_t c)
{
    switch (c) {
    case V8A_CAT_APP: return "(app)";
    case V8A_CAT_PACKAGE: return "(package)";
    case V8A_CAT_CORE: return "(node)";
    case V8A_CAT_GC: return "(garbage collector)";
    case V8A_CAT_IDLE: return "(idle)";
    case V8A_CAT_PROGRAM: return "(program)";
    case V8A_CAT_ROOT: return "(root)";
    default: return "(native)";
    }
}

typedef struct {
    const v8a_profile *p;
    const v8a_top_options *opt;
    uint8_t *keep; /* per node: its samples count */
    int64_t *self_us, *self_n;
    int64_t *tot_us, *tot_n;
    uint32_t *group; /* per frame (FUNCTION, URL, PACKAGE) */
    v8a_top_row *rows;
    size_t nrows, caprows;
} top_ctx;

/* 1 when the frame's name or url matches re, 0 when not, <0 on error. */
static int frame_matches(const v8a_profile *p, uint32_t f, v8a_regex *re)
{
    const char *name = v8a_profile_string(p, p->frames[f].name);
    int m = v8a_regex_match(re, name, strlen(name));
    if (m != 0) return m;
    const char *url = v8a_profile_string(p, p->frames[f].url);
    return url[0] ? v8a_regex_match(re, url, strlen(url)) : 0;
}

/* keep[n]: the filters let node n's samples through. */
static int filter_nodes(top_ctx *c)
{
    const v8a_profile *p = c->p;
    for (uint32_t n = 0; n < p->nnodes; n++) c->keep[n] = 1;
    v8a_regex *res[2] = {c->opt ? c->opt->include : NULL, c->opt ? c->opt->exclude : NULL};
    if (!res[0] && !res[1]) return 0;
    int8_t *fm = v8a__calloc(p->nframes ? p->nframes : 1, 1);
    uint8_t *on = v8a__calloc(p->nnodes, 1);
    int rc = 0;
    if (!fm || !on) {
        rc = v8a__error_nomem("top filters");
        goto done;
    }
    for (int k = 0; k < 2; k++) {
        if (!res[k]) continue;
        for (uint32_t f = 0; f < p->nframes; f++) {
            int m = frame_matches(p, f, res[k]);
            if (m < 0) {
                rc = m;
                goto done;
            }
            fm[f] = (int8_t)m;
        }
        /* parents come first: a node is on a matching stack when it or its
         * parent is */
        for (uint32_t n = 0; n < p->nnodes; n++) {
            uint8_t m = (uint8_t)fm[p->nodes[n].frame];
            if (n > 0 && on[p->nodes[n].parent]) m = 1;
            on[n] = m;
            if (k == 0 ? !m : m) c->keep[n] = 0;
        }
    }
done:
    v8a__free(fm);
    v8a__free(on);
    return rc;
}

static v8a_top_row *new_row(top_ctx *c, uint32_t frame)
{
    if (v8a__grow((void **)&c->rows, &c->caprows, c->nrows + 1, sizeof *c->rows) < 0) return NULL;
    v8a_top_row *r = &c->rows[c->nrows++];
    memset(r, 0, sizeof *r);
    const v8a_frame *f = &c->p->frames[frame];
    r->frame = frame;
    r->category = f->category;
    r->url = "";
    return r;
}

/* One group per frame (FUNCTION), url or package; frames of (root) get none. */
static int make_groups(top_ctx *c)
{
    const v8a_profile *p = c->p;
    v8a_top_by by = c->opt ? c->opt->by : V8A_TOP_FUNCTION;
    size_t nkeys = (size_t)p->nstrings + 8;
    uint32_t *by_key = NULL;
    if (by != V8A_TOP_FUNCTION) {
        by_key = v8a__malloc(nkeys * sizeof *by_key);
        if (!by_key) return v8a__error_nomem("top groups");
        for (size_t i = 0; i < nkeys; i++) by_key[i] = V8A_PROFILE_NONE;
    }
    for (uint32_t f = 0; f < p->nframes; f++) {
        const v8a_frame *fr = &p->frames[f];
        c->group[f] = V8A_PROFILE_NONE;
        if (fr->category == V8A_CAT_ROOT) continue;
        size_t key = 0;
        int named = 0;
        if (by == V8A_TOP_URL && fr->url) {
            key = fr->url;
            named = 1;
        } else if (by == V8A_TOP_PACKAGE && fr->category == V8A_CAT_PACKAGE && fr->package) {
            key = fr->package;
            named = 1;
        } else if (by != V8A_TOP_FUNCTION) {
            key = (size_t)p->nstrings + (fr->category < 8 ? fr->category : V8A_CAT_NATIVE);
        }
        if (by != V8A_TOP_FUNCTION && by_key[key] != V8A_PROFILE_NONE) {
            c->group[f] = by_key[key];
            continue;
        }
        v8a_top_row *r = new_row(c, f);
        if (!r) {
            v8a__free(by_key);
            return v8a__error_nomem("top rows");
        }
        c->group[f] = (uint32_t)(c->nrows - 1);
        if (by == V8A_TOP_FUNCTION) {
            r->name = v8a_profile_string(p, fr->name);
            r->url = v8a_profile_string(p, fr->url);
            r->line = fr->line;
            r->column = fr->column;
        } else {
            by_key[key] = c->group[f];
            r->name = named ? v8a_profile_string(p, (uint32_t)key) : category_label(fr->category);
            if (by == V8A_TOP_URL && named) r->url = r->name;
        }
    }
    v8a__free(by_key);
    return 0;
}

/* Totals once per path: a depth-first walk with, per group, the number of
 * nodes of that group on the current path. */
static int add_totals(top_ctx *c)
{
    const v8a_profile *p = c->p;
    uint32_t n = p->nnodes;
    uint32_t *first = v8a__calloc((size_t)n + 1, sizeof *first);
    uint32_t *kids = v8a__malloc((size_t)n * sizeof *kids);
    uint32_t *stack = v8a__malloc((size_t)n * sizeof *stack);
    uint32_t *next = v8a__malloc((size_t)n * sizeof *next);
    uint32_t *active = v8a__calloc(c->nrows ? c->nrows : 1, sizeof *active);
    int rc = 0;
    if (!first || !kids || !stack || !next || !active) {
        rc = v8a__error_nomem("top walk");
        goto done;
    }
    /* children in CSR form */
    for (uint32_t i = 1; i < n; i++) first[p->nodes[i].parent + 1]++;
    for (uint32_t i = 0; i < n; i++) first[i + 1] += first[i];
    for (uint32_t i = 0; i < n; i++) next[i] = first[i];
    for (uint32_t i = 1; i < n; i++) kids[next[p->nodes[i].parent]++] = i;
    size_t sp = 0;
    stack[sp++] = 0;
    next[0] = first[0];
    for (;;) {
        uint32_t v = stack[sp - 1];
        if (next[v] < first[v + 1]) {
            uint32_t w = kids[next[v]++];
            next[w] = first[w];
            uint32_t g = c->group[p->nodes[w].frame];
            if (g != V8A_PROFILE_NONE) {
                if (active[g]++ == 0) {
                    c->rows[g].total_us += c->tot_us[w];
                    c->rows[g].total_samples += c->tot_n[w];
                }
            }
            stack[sp++] = w;
            continue;
        }
        /* leaving v */
        uint32_t g = v ? c->group[p->nodes[v].frame] : V8A_PROFILE_NONE;
        if (g != V8A_PROFILE_NONE) active[g]--;
        if (--sp == 0) break;
    }
done:
    v8a__free(first);
    v8a__free(kids);
    v8a__free(stack);
    v8a__free(next);
    v8a__free(active);
    return rc;
}

/* By line: each node's self split over its ticked lines. */
static int add_lines(top_ctx *c)
{
    const v8a_profile *p = c->p;
    v8a__strmap m;
    v8a__strmap_init(&m);
    int rc = 0;
    for (uint32_t n = 0; n < p->nnodes; n++) {
        const v8a_profile_node *nd = &p->nodes[n];
        const v8a_frame *fr = &p->frames[nd->frame];
        if (fr->category == V8A_CAT_ROOT || (c->self_us[n] == 0 && c->self_n[n] == 0)) continue;
        uint64_t sum = 0;
        for (uint32_t k = 0; k < nd->n_ticks; k++) sum += p->ticks[nd->first_tick + k].ticks;
        uint32_t parts = sum ? nd->n_ticks : 1;
        uint64_t cum = 0;
        int64_t done_us = 0, done_n = 0;
        for (uint32_t k = 0; k < parts; k++) {
            int32_t line = fr->line;
            if (sum) {
                const v8a_position_tick *t = &p->ticks[nd->first_tick + k];
                line = (int32_t)t->line;
                cum += t->ticks;
            }
            /* cumulative rounding: the parts add up to the whole */
            int64_t to_us = sum ? (int64_t)((double)c->self_us[n] * (double)cum / (double)sum + 0.5)
                                : c->self_us[n];
            int64_t to_n = sum ? (int64_t)((double)c->self_n[n] * (double)cum / (double)sum + 0.5)
                               : c->self_n[n];
            if (k + 1 == parts) to_us = c->self_us[n], to_n = c->self_n[n];
            uint32_t key[2] = {nd->frame, (uint32_t)line};
            int found = 0;
            int64_t e =
                v8a__strmap_put(&m, (const char *)key, sizeof key, (uint32_t)c->nrows, &found);
            if (e < 0) {
                rc = v8a__error_nomem("top lines");
                goto done;
            }
            uint32_t g = (uint32_t)c->nrows;
            if (found) {
                v8a__strmap_get(&m, (const char *)key, sizeof key, &g);
            } else {
                v8a_top_row *r = new_row(c, nd->frame);
                if (!r) {
                    rc = v8a__error_nomem("top rows");
                    goto done;
                }
                r->name = v8a_profile_string(p, fr->name);
                r->url = v8a_profile_string(p, fr->url);
                r->line = line;
                r->column = fr->column;
            }
            v8a_top_row *r = &c->rows[g];
            r->self_us += to_us - done_us;
            r->self_samples += to_n - done_n;
            r->total_us = r->self_us;
            r->total_samples = r->self_samples;
            done_us = to_us;
            done_n = to_n;
        }
    }
done:
    v8a__strmap_free(&m);
    return rc;
}

static int by_self(const void *a, const void *b)
{
    const v8a_top_row *x = a, *y = b;
    if (x->self_us != y->self_us) return x->self_us > y->self_us ? -1 : 1;
    if (x->total_us != y->total_us) return x->total_us > y->total_us ? -1 : 1;
    if (x->self_samples != y->self_samples) return x->self_samples > y->self_samples ? -1 : 1;
    int s = strcmp(x->name, y->name);
    if (s) return s;
    s = strcmp(x->url, y->url);
    if (s) return s;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    return x->frame < y->frame ? -1 : x->frame > y->frame;
}

int v8a_top_new(v8a_top **out, const v8a_profile *p, const v8a_top_options *opt)
{
    if (!out || !p) return v8a__error_set(V8A_EINVAL, "v8a_top_new: invalid argument");
    *out = NULL;
    if (p->kind != V8A_PROFILE_CPU)
        return v8a__error_set(V8A_EUNSUPPORTED, "a heap profile has no times: use a CPU profile");
    top_ctx c;
    memset(&c, 0, sizeof c);
    c.p = p;
    c.opt = opt;
    size_t nn = p->nnodes ? p->nnodes : 1;
    v8a_top *t = v8a__calloc(1, sizeof *t);
    c.keep = v8a__malloc(nn);
    c.self_us = v8a__calloc(nn, sizeof *c.self_us);
    c.self_n = v8a__calloc(nn, sizeof *c.self_n);
    c.tot_us = v8a__calloc(nn, sizeof *c.tot_us);
    c.tot_n = v8a__calloc(nn, sizeof *c.tot_n);
    c.group = v8a__malloc((p->nframes ? p->nframes : 1) * sizeof *c.group);
    int rc = 0;
    if (!t || !c.keep || !c.self_us || !c.self_n || !c.tot_us || !c.tot_n || !c.group) {
        rc = v8a__error_nomem("top");
        goto done;
    }
    t->profile = p;
    if ((rc = filter_nodes(&c)) < 0) goto done;
    for (size_t i = 0; i < p->nsamples; i++) {
        uint32_t n = p->sample_node[i];
        if (!c.keep[n]) continue;
        c.self_us[n] += p->sample_duration[i];
        c.self_n[n]++;
        t->samples++;
        t->time_us += p->sample_duration[i];
        if (p->frames[p->nodes[n].frame].category == V8A_CAT_IDLE)
            t->idle_us += p->sample_duration[i];
    }
    if (opt && opt->by == V8A_TOP_LINE) {
        if ((rc = add_lines(&c)) < 0) goto done;
    } else {
        if ((rc = make_groups(&c)) < 0) goto done;
        for (uint32_t n = 0; n < p->nnodes; n++) {
            uint32_t g = c.group[p->nodes[n].frame];
            if (g == V8A_PROFILE_NONE) continue;
            c.rows[g].self_us += c.self_us[n];
            c.rows[g].self_samples += c.self_n[n];
        }
        v8a_profile_totals(p, c.self_us, c.tot_us);
        v8a_profile_totals(p, c.self_n, c.tot_n);
        if (p->nnodes && (rc = add_totals(&c)) < 0) goto done;
    }
    /* groups no kept sample reached have no row */
    size_t k = 0;
    for (size_t i = 0; i < c.nrows; i++)
        if (c.rows[i].total_samples > 0 || c.rows[i].total_us > 0) c.rows[k++] = c.rows[i];
    c.nrows = k;
    if (c.nrows) qsort(c.rows, c.nrows, sizeof *c.rows, by_self);
    t->rows = c.rows;
    t->nrows = c.nrows;
    c.rows = NULL;
done:
    v8a__free(c.keep);
    v8a__free(c.self_us);
    v8a__free(c.self_n);
    v8a__free(c.tot_us);
    v8a__free(c.tot_n);
    v8a__free(c.group);
    v8a__free(c.rows);
    if (rc < 0) {
        v8a_top_free(t);
        return rc;
    }
    *out = t;
    return 0;
}
