/* analysis.c - running DevTools' analysis passes over a heap, and the getters.
 *
 * The passes give DevTools' results (docs/analysis.md); each one's output is
 * an array that the later ones read. Once the essential edges are known, the
 * dominator tree (the longest pass) runs on a second thread while this one
 * computes the shallow sizes, distances and class names, which do not need
 * it; the retained sizes and the class totals follow. The retainer index is
 * built once and shared.
 */
#include "alloc.h"
#include "analysis_internal.h"
#include "error.h"
#include "strmap.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

void v8a_analysis_options_init(v8a_analysis_options *o)
{
    memset(o, 0, sizeof *o);
}

void v8a_analysis_free(v8a_analysis *a)
{
    if (!a) return;
    v8a__graph_free(&a->g);
    v8a__ephemerons_free(&a->eph);
    void *arrays[] = {a->detached, a->page,     a->essential, a->shallow, a->dom,
                      a->preorder, a->retained, a->distance,  a->cls};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) v8a__free(arrays[i]);
    for (uint32_t c = 0; c < a->class_count; c++) {
        v8a__free((char *)a->classes[c].name);
        v8a__free((char *)a->classes[c].key);
    }
    v8a__free(a->classes);
    v8a_interfaces_free(a->ifaces);
    v8a__free(a);
}

static int step(v8a_analysis *a, const char *stage, uint64_t done)
{
    if (a->opts.progress && a->opts.progress(a->opts.payload, stage, done, 8) != 0)
        return v8a__error_set(V8A_ECANCELED, "%s: canceled", a->h->source);
    return 0;
}

/* Marks the Summary's rows: classes with counted instances, except that of
 * two classes with one public key (a constructor named "Function", say)
 * DevTools' map keeps the one whose first instance comes later. */
int v8a__mark_summary(v8a_analysis *a)
{
    v8a__strmap keys;
    v8a__strmap_init(&keys);
    for (uint32_t c = 0; c < a->class_count; c++) {
        v8a_class_info *ci = &a->classes[c];
        if (ci->count == 0) continue;
        int found;
        int64_t k = v8a__strmap_put(&keys, ci->key, strlen(ci->key), c, &found);
        if (k < 0) {
            v8a__strmap_free(&keys);
            return v8a__error_nomem("classes");
        }
        ci->in_summary = 1;
        if (found) {
            v8a_class_info *other = &a->classes[keys.val[k]];
            v8a_class_info *loser = other->first < ci->first ? other : ci;
            loser->in_summary = 0;
            if (loser == other) keys.val[k] = c;
        }
    }
    v8a__strmap_free(&keys);
    return 0;
}

/* The dominator tree on its own thread; its error, which is per thread,
 * travels back in msg. */
typedef struct {
    v8a_analysis *a;
    int rc;
    char msg[512];
} dom_job;

static void *dom_thread(void *arg)
{
    dom_job *j = arg;
    j->rc = v8a__dominators(j->a);
    if (j->rc < 0 && v8a_error_last())
        snprintf(j->msg, sizeof j->msg, "%s", v8a_error_last()->message);
    return NULL;
}

/* Dominators beside shallow sizes, distances and class names; the passes
 * that need both after. */
static int middle_passes(v8a_analysis *a)
{
    dom_job j = {a, 0, ""};
    pthread_t th;
    int threaded = pthread_create(&th, NULL, dom_thread, &j) == 0;
    if (!threaded) dom_thread(&j);
    int rc = v8a__shallow_sizes(a);
    if (rc == 0) rc = v8a__distances(a);
    if (rc == 0) rc = step(a, "analyse", 5);
    if (rc == 0) rc = v8a__class_names(a);
    if (threaded) pthread_join(th, NULL);
    if (rc < 0) return rc;
    if (j.rc < 0) return v8a__error_set(j.rc, "%s", j.msg);
    if ((rc = v8a__retained_sizes(a)) < 0 || (rc = v8a__class_sizes(a)) < 0) return rc;
    return 0;
}

int v8a_analyze(v8a_analysis **out, const v8a_heap *h, const v8a_analysis_options *opts)
{
    *out = NULL;
    if (h->header_only || h->node_count == 0)
        return v8a__error_set(V8A_EINVAL, "%s: no nodes to analyse", h->source);
    v8a_analysis *a = v8a__calloc(1, sizeof *a);
    if (!a) return v8a__error_nomem("analysis");
    a->h = h;
    if (opts) a->opts = *opts;
    v8a__edge_types_find(h, &a->et);
    v8a__node_types_find(h, &a->nt);
    a->root = 0;
    /* user roots: a root edge (of any type) to a non-synthetic node, or to
     * "(Document DOM trees)" */
    for (uint32_t e = h->first_edge[0]; e < h->first_edge[1] && !a->has_user_roots; e++) {
        uint32_t t = h->edge_to[e];
        a->has_user_roots =
            h->node_type[t] != (uint8_t)a->nt.synthetic ||
            strcmp(v8a_heap_string(h, h->node_name[t], NULL), "(Document DOM trees)") == 0;
    }
    int rc;
    if ((rc = step(a, "analyse", 1)) < 0 || (rc = v8a__dom_state(a)) < 0 ||
        (rc = v8a__ephemerons_scan(a)) < 0 || (rc = v8a__flags_and_essential(a)) < 0 ||
        (rc = step(a, "analyse", 2)) < 0 || (rc = middle_passes(a)) < 0 ||
        (rc = v8a__mark_summary(a)) < 0 || (rc = step(a, "analyse", 7)) < 0) {
        v8a_analysis_free(a);
        return rc;
    }
    v8a__statistics(a);
    /* what later passes do not need any more */
    v8a__free(a->page);
    v8a__free(a->essential);
    a->page = a->essential = NULL;
    *out = a;
    return 0;
}

uint64_t v8a_analysis_shallow_size(const v8a_analysis *a, uint32_t i)
{
    return a->shallow[i];
}
uint64_t v8a_analysis_retained_size(const v8a_analysis *a, uint32_t i)
{
    return a->retained[i];
}
uint32_t v8a_analysis_dominator(const v8a_analysis *a, uint32_t i)
{
    return a->dom[i];
}
int32_t v8a_analysis_distance(const v8a_analysis *a, uint32_t i)
{
    return a->distance[i];
}
uint32_t v8a_analysis_class(const v8a_analysis *a, uint32_t i)
{
    return a->cls[i];
}
int v8a_analysis_is_detached(const v8a_analysis *a, uint32_t i)
{
    return a->detached && a->detached[i] == 2;
}
uint32_t v8a_analysis_root(const v8a_analysis *a)
{
    return a->root;
}
uint64_t v8a_analysis_total_size(const v8a_analysis *a)
{
    return a->stats.total;
}
uint32_t v8a_analysis_class_count(const v8a_analysis *a)
{
    return a->class_count;
}
const v8a_class_info *v8a_analysis_get_class(const v8a_analysis *a, uint32_t c)
{
    return &a->classes[c];
}
void v8a_analysis_get_statistics(const v8a_analysis *a, v8a_statistics *out)
{
    *out = a->stats;
}
