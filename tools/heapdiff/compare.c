/* compare.c - heapdiff's work: import the inputs side by side, compare them
 * one heap at a time, explain the growth, find memlab's leaks.
 *
 * Memory: raw inputs are imported in parallel (one thread each, -j), each
 * into its own database. Then only one heap is resident at a time: the base
 * is loaded, renamed with the current snapshot's interface definitions (as
 * DevTools' Comparison does), reduced to a side and freed; then the current
 * snapshot is loaded, reduced, compared, and kept for the retainer paths.
 */
#include "heapdiff.h"

#include <pthread.h>
#include <snapshot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *path;
    int no_cache, quiet;
    v8a_store *s;
    int rc;
    char err[1024];
} opener;

static void *open_one(void *p)
{
    opener *o = p;
    o->rc = cli_snapshot_open(o->path, o->no_cache, o->quiet ? CLI_SNAP_QUIET : 0, &o->s);
    if (o->rc < 0) snprintf(o->err, sizeof o->err, "%s", v8a_error_last()->message);
    return NULL;
}

/* Opens every input, importing raw ones jobs at a time. */
static int open_all(const hd_options *o, v8a_store **stores)
{
    opener op[3];
    memset(op, 0, sizeof op);
    int n = o->ninputs, jobs = o->jobs < 1 ? 1 : o->jobs;
    for (int i = 0; i < n; i++) {
        op[i].path = o->inputs[i];
        op[i].no_cache = o->no_cache;
        op[i].quiet = jobs > 1;
    }
    for (int i = 0; i < n; i += jobs) {
        pthread_t th[3];
        int started[3] = {0, 0, 0};
        for (int k = i; k < n && k < i + jobs; k++) {
            /* standard input can be read once only, by the main thread */
            if (k > i && strcmp(op[k].path, "-") != 0 &&
                pthread_create(&th[k], NULL, open_one, &op[k]) == 0)
                started[k] = 1;
            else if (k > i)
                open_one(&op[k]);
        }
        open_one(&op[i]);
        for (int k = i; k < n && k < i + jobs; k++)
            if (started[k]) pthread_join(th[k], NULL);
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (op[i].rc < 0 && !rc) rc = cli_error("%s", op[i].err);
        stores[i] = op[i].s;
    }
    return rc;
}

static void stats_of(const v8a_analysis *a, const v8a_heap *h, hd_input *in)
{
    v8a_analysis_get_statistics(a, &in->st);
    in->nodes = v8a_heap_node_count(h);
}

/* Does class name pass --class and --ignore? 1 yes, 0 no, -1 regex failure
 * (printed). */
static int passes(const hd_options *o, const char *name)
{
    size_t n = strlen(name);
    int m = o->only ? v8a_regex_match(o->only, name, n) : 1;
    if (m == 1 && o->ignore) {
        m = v8a_regex_match(o->ignore, name, n);
        if (m >= 0) m = !m;
    }
    if (m < 0) cli_fail();
    return m;
}

static int copy_groups(hd_path **out, size_t *nout, v8a_path_group *g, size_t ng, long max)
{
    size_t k = ng < (size_t)max ? ng : (size_t)max;
    *out = calloc(k ? k : 1, sizeof **out);
    *nout = 0;
    if (!*out) return -1;
    for (size_t i = 0; i < k; i++) {
        (*out)[i].signature = strdup(g[i].signature);
        if (!(*out)[i].signature) return -1;
        (*out)[i].count = g[i].count;
        (*out)[i].retained = g[i].retained;
        (*nout)++;
    }
    return 0;
}

/* Retainer paths of the new objects of the most growing classes. */
static int explain_growth(hd_report *r, const hd_options *o, v8a_analysis *a)
{
    r->growth = calloc((size_t)o->growth + 1, sizeof *r->growth);
    if (!r->growth) return cli_error("out of memory");
    for (size_t i = 0; i < r->nrows && r->ngrowth < (size_t)o->growth; i++) {
        const v8a_diff_class *c = r->rows[i];
        if (c->size_delta <= 0 || c->new_count == 0) continue;
        size_t n = 0, k = (size_t)(c - v8a_diff_get_class(r->diff, 0)); /* rows are one array */
        const uint32_t *objs = v8a_diff_new_objects(r->diff, k, &n);
        v8a_path_group *g = NULL;
        size_t ng = 0;
        if (v8a_retainer_groups(&g, &ng, a, objs, n) < 0) return cli_fail();
        hd_growth *gr = &r->growth[r->ngrowth++];
        gr->cls = c;
        uint64_t reached = 0;
        for (size_t j = 0; j < ng; j++) reached += g[j].count;
        gr->unreachable = (uint32_t)(n - reached);
        int bad = copy_groups(&gr->paths, &gr->npaths, g, ng, o->paths);
        v8a_path_groups_free(g, ng);
        if (bad) return cli_error("out of memory");
    }
    return 0;
}

/* memlab's leaks: grouped by class (retained sizes counted once: an object
 * below another leaked one in the dominator tree adds nothing) and by path. */
static int find_leaks(hd_report *r, const hd_options *o, v8a_store **stores, const v8a_heap *h,
                      v8a_analysis *a)
{
    uint64_t *base = NULL, *target = NULL;
    size_t nb = 0, nt = 0, n = 0;
    uint32_t *leaked = NULL;
    uint8_t *state = NULL; /* 1 leaked, 2 has a leaked dominator above, 3 has none */
    int rc = CLI_TROUBLE;
    if (v8a_store_node_ids(stores[0], &base, &nb) < 0 ||
        v8a_store_node_ids(stores[1], &target, &nt) < 0 ||
        v8a_diff_leaked(&leaked, &n, base, nb, target, nt, h) < 0) {
        cli_fail();
        goto done;
    }
    uint32_t nn = v8a_heap_node_count(h), nc = v8a_analysis_class_count(a);
    state = calloc(nn, 1);
    hd_leak_class *per = calloc(nc ? nc : 1, sizeof *per);
    if (!state || !per) {
        free(per);
        cli_error("out of memory");
        goto done;
    }
    /* the filters, and DevTools' sizes: objects left with no size after the
     * transfer are not counted, as in the comparison */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t x = leaked[i];
        if (v8a_analysis_shallow_size(a, x) == 0) continue;
        int m = passes(o, v8a_analysis_get_class(a, v8a_analysis_class(a, x))->name);
        if (m < 0) {
            free(per);
            goto done;
        }
        if (m) leaked[kept++] = x;
    }
    n = kept;
    for (size_t i = 0; i < n; i++) state[leaked[i]] = 1;
    uint32_t root = v8a_analysis_root(a);
    for (size_t i = 0; i < n; i++) {
        uint32_t x = leaked[i];
        /* walk up until a node whose answer is known, then write it back */
        uint32_t d = v8a_analysis_dominator(a, x), y = d;
        int ans = 3;
        while (y != root) {
            if (state[y] == 1 || state[y] == 2) {
                ans = 2;
                break;
            }
            if (state[y] == 3) break;
            y = v8a_analysis_dominator(a, y);
        }
        for (uint32_t z = d; z != y && z != root; z = v8a_analysis_dominator(a, z))
            if (state[z] == 0) state[z] = ans == 2 ? 2 : 3;
        hd_leak_class *pc = &per[v8a_analysis_class(a, x)];
        pc->count++;
        pc->shallow += v8a_analysis_shallow_size(a, x);
        r->leak_shallow += v8a_analysis_shallow_size(a, x);
        if (ans == 3) {
            pc->retained += v8a_analysis_retained_size(a, x);
            r->leak_retained += v8a_analysis_retained_size(a, x);
        }
    }
    r->leak_count = (uint32_t)n;
    /* classes by retained size */
    for (uint32_t c = 0; c < nc; c++) {
        if (!per[c].count) continue;
        per[r->nleak_classes] = per[c];
        per[r->nleak_classes].name = strdup(v8a_analysis_get_class(a, c)->name);
        per[r->nleak_classes].key = strdup(v8a_analysis_get_class(a, c)->key);
        if (!per[r->nleak_classes].name || !per[r->nleak_classes].key) {
            free(per);
            cli_error("out of memory");
            goto done;
        }
        r->nleak_classes++;
    }
    r->leak_classes = per;
    for (size_t i = 1; i < r->nleak_classes; i++) /* insertion sort: few classes */
        for (size_t j = i; j > 0 && per[j].retained > per[j - 1].retained; j--) {
            hd_leak_class t = per[j];
            per[j] = per[j - 1];
            per[j - 1] = t;
        }
    while (o->top > 0 && r->nleak_classes > (size_t)o->top) {
        r->nleak_classes--;
        free(per[r->nleak_classes].name);
        free(per[r->nleak_classes].key);
    }
    v8a_path_group *g = NULL;
    size_t ng = 0;
    if (v8a_retainer_groups(&g, &ng, a, leaked, n) < 0) {
        cli_fail();
        goto done;
    }
    int bad = copy_groups(&r->leak_paths, &r->nleak_paths, g, ng, o->paths);
    v8a_path_groups_free(g, ng);
    if (bad) {
        cli_error("out of memory");
        goto done;
    }
    rc = 0;
done:
    v8a_free(base);
    v8a_free(target);
    v8a_free(leaked);
    free(state);
    return rc;
}

static void set_totals(hd_report *r)
{
    const v8a_statistics *b = &r->in[0].st, *a = &r->in[r->ninputs - 1].st;
    const hd_total t[HD_NTOTALS] = {
        {"total", "Total", b->total, a->total},
        {"heap", "V8 heap", b->v8heap, a->v8heap},
        {"native", "Native", b->native, a->native},
        {"external", "ArrayBuffer/Buffer backing stores", b->typed_arrays, a->typed_arrays},
        {"strings", "Strings", b->strings, a->strings},
    };
    memcpy(r->totals, t, sizeof t);
}

int hd_compare(hd_report *r, const hd_options *o)
{
    v8a_store *stores[3] = {NULL, NULL, NULL};
    v8a_heap *h = NULL;
    v8a_analysis *a = NULL;
    v8a_interfaces *defs = NULL;
    v8a_diff_side *sb = NULL, *sa = NULL;
    int rc = CLI_TROUBLE, last = o->ninputs - 1;
    r->ninputs = o->ninputs;
    for (int i = 0; i < o->ninputs; i++) r->in[i].path = o->inputs[i];
    if (open_all(o, stores)) goto done;

    /* the base, classed with the current snapshot's interfaces */
    if (v8a_store_load_interfaces(stores[last], &defs) < 0 ||
        cli_snapshot_load(stores[0], &h, &a) < 0 || v8a_analysis_apply_interfaces(a, defs) < 0 ||
        v8a_diff_side_new(&sb, h, a) < 0) {
        cli_fail();
        goto done;
    }
    stats_of(a, h, &r->in[0]);
    v8a_analysis_free(a);
    v8a_heap_free(h);
    a = NULL;
    h = NULL;
    if (o->ninputs == 3) {
        char buf[32];
        if (v8a_store_get_meta(stores[1], "node_count", buf, sizeof buf) < 0) {
            cli_fail();
            goto done;
        }
        r->in[1].nodes = strtoull(buf, NULL, 10);
    }

    if (cli_snapshot_load(stores[last], &h, &a) < 0 || v8a_diff_side_new(&sa, h, a) < 0 ||
        v8a_diff_compare(&r->diff, sb, sa) < 0) {
        cli_fail();
        goto done;
    }
    stats_of(a, h, &r->in[last]);
    v8a_diff_side_free(sb);
    v8a_diff_side_free(sa);
    sb = sa = NULL;
    set_totals(r);

    size_t n = v8a_diff_class_count(r->diff);
    r->rows = calloc(n + 1, sizeof *r->rows);
    if (!r->rows) {
        cli_error("out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const v8a_diff_class *c = v8a_diff_get_class(r->diff, i);
        r->ndevtools += (size_t)c->in_devtools;
        int m = passes(o, c->name);
        if (m < 0) goto done;
        if (!m) continue;
        r->resized_count += c->resized_count;
        r->resized_delta += c->resized_delta;
        if (o->all || c->in_devtools) r->rows[r->nrows++] = c;
    }
    r->nrows_all = r->nrows;
    if (explain_growth(r, o, a)) goto done;
    if (o->ninputs == 3 && find_leaks(r, o, stores, h, a)) goto done;
    if (o->top > 0 && r->nrows > (size_t)o->top) r->nrows = (size_t)o->top;
    rc = 0;
done:
    v8a_diff_side_free(sb);
    v8a_diff_side_free(sa);
    v8a_interfaces_free(defs);
    v8a_analysis_free(a);
    v8a_heap_free(h);
    for (int i = 0; i < 3; i++) v8a_store_close(stores[i]);
    return rc;
}

static void free_paths(hd_path *p, size_t n)
{
    for (size_t i = 0; i < n; i++) free(p[i].signature);
    free(p);
}

void hd_report_free(hd_report *r)
{
    v8a_diff_free(r->diff);
    free(r->rows);
    for (size_t i = 0; i < r->ngrowth; i++) free_paths(r->growth[i].paths, r->growth[i].npaths);
    free(r->growth);
    for (size_t i = 0; i < r->nleak_classes; i++) {
        free(r->leak_classes[i].name);
        free(r->leak_classes[i].key);
    }
    free(r->leak_classes);
    free_paths(r->leak_paths, r->nleak_paths);
    cli_gates_free(&r->gates);
}
