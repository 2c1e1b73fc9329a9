/* test_flame.c - flame layout, colours and writers on hand-built profiles.
 *
 * Models are built here from small tables (frames, nodes as frame+parent,
 * samples as node+duration) so the numbers can be worked out by hand.
 */
#include "alloc.h"
#include "flame_internal.h"
#include "suites.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name, *url, *package;
    uint32_t category;
} fdef;

/* Builds a CPU profile: frames fr[nf], nodes (frame, parent) with node 0 the
 * root, samples (node, duration). */
static v8a_profile *mk(size_t nf, const fdef *fr, size_t nn, const uint32_t (*nd)[2], size_t ns,
                       const uint32_t *snode, const int64_t *sdur)
{
    v8a_profile *p = v8a__calloc(1, sizeof *p);
    p->kind = V8A_PROFILE_CPU;
    p->nstrings = (uint32_t)(1 + 3 * nf);
    p->strings = v8a__calloc(p->nstrings, sizeof *p->strings);
    p->strings[0] = v8a__strdup("");
    p->nframes = (uint32_t)nf;
    p->frames = v8a__calloc(nf, sizeof *p->frames);
    for (size_t i = 0; i < nf; i++) {
        uint32_t s = (uint32_t)(1 + 3 * i);
        p->strings[s] = v8a__strdup(fr[i].name);
        p->strings[s + 1] = v8a__strdup(fr[i].url ? fr[i].url : "");
        p->strings[s + 2] = v8a__strdup(fr[i].package ? fr[i].package : "");
        p->frames[i].name = s;
        p->frames[i].url = fr[i].url ? s + 1 : 0;
        p->frames[i].package = fr[i].package ? s + 2 : 0;
        p->frames[i].line = fr[i].url ? 3 : 0;
        p->frames[i].column = fr[i].url ? 7 : 0;
        p->frames[i].category = fr[i].category;
    }
    p->nnodes = (uint32_t)nn;
    p->nodes = v8a__calloc(nn, sizeof *p->nodes);
    for (size_t i = 0; i < nn; i++) {
        p->nodes[i].frame = nd[i][0];
        p->nodes[i].parent = i ? nd[i][1] : V8A_PROFILE_NONE;
        p->nodes[i].depth = i ? p->nodes[nd[i][1]].depth + 1 : 0;
        p->nodes[i].id = (uint32_t)i + 1;
    }
    p->nsamples = ns;
    p->sample_node = v8a__calloc(ns ? ns : 1, sizeof *p->sample_node);
    p->sample_time = v8a__calloc(ns ? ns : 1, sizeof *p->sample_time);
    p->sample_duration = v8a__calloc(ns ? ns : 1, sizeof *p->sample_duration);
    int64_t t = 0;
    for (size_t i = 0; i < ns; i++) {
        p->sample_node[i] = snode[i];
        p->sample_time[i] = t;
        p->sample_duration[i] = sdur ? sdur[i] : 10;
        t += p->sample_duration[i];
        p->nodes[snode[i]].hit_count++;
    }
    p->duration_us = t;
    p->end_time_us = t;
    p->interval_us = 10;
    return p;
}

#define N(a) (sizeof(a) / sizeof *(a))

/* root -> a -> b ; root -> a(again) -> c ; root -> d ; a(node 3) has self */
static const fdef merge_frames[] = {{"(root)", NULL, NULL, V8A_CAT_ROOT},
                                    {"a", "file:///app/a.js", NULL, V8A_CAT_APP},
                                    {"b", "file:///app/b.js", NULL, V8A_CAT_APP},
                                    {"c", "node:fs", NULL, V8A_CAT_CORE},
                                    {"d", "file:///app/node_modules/x/d.js", "x", V8A_CAT_PACKAGE}};
static const uint32_t merge_nodes[][2] = {{0, 0}, {1, 0}, {2, 1}, {1, 0}, {3, 3}, {4, 0}};
static const uint32_t merge_samples[] = {2, 2, 2, 4, 4, 5, 3};

static v8a_profile *merge_model(void)
{
    return mk(N(merge_frames), merge_frames, N(merge_nodes), merge_nodes, N(merge_samples),
              merge_samples, NULL);
}

static void check_rect(const v8a_flame_layout *l, size_t i, uint32_t frame, uint32_t depth,
                       int64_t x, int64_t w, int64_t self)
{
    CU_ASSERT_FATAL(i < l->nrects);
    const v8a_flame_rect *r = &l->rects[i];
    CU_ASSERT_EQUAL(r->frame, frame);
    CU_ASSERT_EQUAL(r->depth, depth);
    CU_ASSERT_EQUAL(r->x, x);
    CU_ASSERT_EQUAL(r->width, w);
    CU_ASSERT_EQUAL(r->self, self);
}

static void test_graph_merge(void)
{
    v8a_profile *p = merge_model();
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, NULL), 0);
    CU_ASSERT_EQUAL(l->total, 70);
    CU_ASSERT_EQUAL(l->nrects, 5);
    CU_ASSERT_EQUAL(l->depth, 3);
    check_rect(l, 0, 0, 0, 0, 70, 0);   /* root */
    check_rect(l, 1, 1, 1, 0, 60, 10);  /* a, both nodes merged */
    check_rect(l, 2, 2, 2, 0, 30, 30);  /* b */
    check_rect(l, 3, 3, 2, 30, 20, 20); /* c */
    check_rect(l, 4, 4, 1, 60, 10, 10); /* d */
    CU_ASSERT_EQUAL(l->rects[2].parent, 1);
    CU_ASSERT_EQUAL(l->rects[4].parent, 0);
    CU_ASSERT_STRING_EQUAL(l->unit, "us");
    v8a_flame_layout_free(l);

    v8a_flame_options o;
    v8a_flame_options_init(&o);
    o.weight = V8A_WEIGHT_SAMPLES;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->total, 7);
    check_rect(l, 1, 1, 1, 0, 6, 1);
    CU_ASSERT_STRING_EQUAL(l->unit, "samples");
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

static void test_graph_sort(void)
{
    static const fdef fr[] = {{"(root)", NULL, NULL, V8A_CAT_ROOT},
                              {"alpha", NULL, NULL, V8A_CAT_APP},
                              {"beta", NULL, NULL, V8A_CAT_APP},
                              {"gamma", NULL, NULL, V8A_CAT_APP}};
    /* children of root in file order: gamma, beta, alpha */
    static const uint32_t nd[][2] = {{0, 0}, {3, 0}, {2, 0}, {1, 0}};
    static const uint32_t s[] = {3, 2, 2, 2, 1, 1};
    v8a_profile *p = mk(N(fr), fr, N(nd), nd, N(s), s, NULL);
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, NULL), 0);
    check_rect(l, 1, 1, 1, 0, 10, 10);  /* alpha */
    check_rect(l, 2, 2, 1, 10, 30, 30); /* beta */
    check_rect(l, 3, 3, 1, 40, 20, 20); /* gamma */
    v8a_flame_layout_free(l);
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    o.sort = V8A_FLAME_SORT_WEIGHT;
    o.mode = V8A_FLAME_ICICLE;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    check_rect(l, 1, 2, 1, 0, 30, 30);  /* beta, heaviest */
    check_rect(l, 2, 3, 1, 30, 20, 20); /* gamma */
    check_rect(l, 3, 1, 1, 50, 10, 10); /* alpha */
    v8a__flame_geom g;
    v8a__flame_geometry(l, UINT32_MAX, &g);
    CU_ASSERT(v8a__flame_row_y(&g, 0) < v8a__flame_row_y(&g, 1)); /* root at the top */
    v8a_flame_layout_free(l);
    o.mode = V8A_FLAME_GRAPH;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    v8a__flame_geometry(l, UINT32_MAX, &g);
    CU_ASSERT(v8a__flame_row_y(&g, 0) > v8a__flame_row_y(&g, 1)); /* root at the bottom */
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

/* root -> main -> foo ; main -> bar ; root -> (garbage collector) ; root -> (idle) */
static const fdef chart_frames[] = {{"(root)", NULL, NULL, V8A_CAT_ROOT},
                                    {"main", "file:///m.js", NULL, V8A_CAT_APP},
                                    {"foo", "file:///m.js", NULL, V8A_CAT_APP},
                                    {"bar", "file:///m.js", NULL, V8A_CAT_APP},
                                    {"(garbage collector)", NULL, NULL, V8A_CAT_GC},
                                    {"(idle)", NULL, NULL, V8A_CAT_IDLE}};
static const uint32_t chart_nodes[][2] = {{0, 0}, {1, 0}, {2, 1}, {3, 1}, {4, 0}, {5, 0}};

static void test_chart_gc(void)
{
    /* foo foo GC bar bar idle GC foo */
    static const uint32_t s[] = {2, 2, 4, 3, 3, 5, 4, 2};
    v8a_profile *p = mk(N(chart_frames), chart_frames, N(chart_nodes), chart_nodes, N(s), s, NULL);
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    o.mode = V8A_FLAME_CHART;
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->total, 80);
    CU_ASSERT_EQUAL_FATAL(l->nrects, 8);
    check_rect(l, 0, 1, 0, 0, 50, 0);   /* main: foo foo GC bar bar */
    check_rect(l, 1, 2, 1, 0, 30, 20);  /* foo, with GC on top */
    check_rect(l, 2, 4, 2, 20, 10, 10); /* GC on foo's stack */
    check_rect(l, 3, 3, 1, 30, 20, 20); /* bar */
    check_rect(l, 4, 5, 0, 50, 20, 10); /* idle, shown in chart mode by default */
    check_rect(l, 5, 4, 1, 60, 10, 10); /* GC on idle's stack */
    check_rect(l, 6, 1, 0, 70, 10, 0);  /* main again */
    check_rect(l, 7, 2, 1, 70, 10, 10);
    CU_ASSERT_EQUAL(l->rects[2].parent, 1);
    CU_ASSERT_EQUAL(l->rects[5].parent, 4);
    CU_ASSERT_EQUAL(l->depth, 3);
    v8a_flame_layout_free(l);

    /* hidden idle leaves a gap; the GC after it stands on its own at depth 0 */
    o.idle = V8A_FLAME_IDLE_HIDE;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->total, 80);
    CU_ASSERT_EQUAL_FATAL(l->nrects, 7);
    check_rect(l, 4, 4, 0, 60, 10, 10);
    v8a_flame_layout_free(l);

    /* samples as the unit: one per sample */
    o.idle = V8A_FLAME_IDLE_AUTO;
    o.weight = V8A_WEIGHT_SAMPLES;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->total, 8);
    check_rect(l, 0, 1, 0, 0, 5, 0);
    v8a_flame_layout_free(l);

    /* graph mode hides idle by default */
    o.mode = V8A_FLAME_GRAPH;
    o.weight = V8A_WEIGHT_TIME;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->total, 70);
    CU_ASSERT_EQUAL(l->unfiltered, 80);
    v8a_flame_layout_free(l);
    o.idle = V8A_FLAME_IDLE_SHOW;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->total, 80);
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

static void test_chart_no_samples(void)
{
    v8a_profile *p = mk(N(chart_frames), chart_frames, N(chart_nodes), chart_nodes, 0, NULL, NULL);
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    o.mode = V8A_FLAME_CHART;
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL(v8a_flame_layout_new(&l, p, &o), V8A_EUNSUPPORTED);
    CU_ASSERT_PTR_NULL(l);
    /* a graph of nothing is an empty picture, not an error */
    o.mode = V8A_FLAME_GRAPH;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->nrects, 0);
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

static void test_prune(void)
{
    static const fdef fr[] = {{"(root)", NULL, NULL, V8A_CAT_ROOT},
                              {"big", NULL, NULL, V8A_CAT_APP},
                              {"tiny", NULL, NULL, V8A_CAT_APP},
                              {"under", NULL, NULL, V8A_CAT_APP}};
    static const uint32_t nd[][2] = {{0, 0}, {1, 0}, {2, 1}, {3, 2}};
    static const uint32_t s[] = {1, 3};
    static const int64_t d[] = {1000, 2};
    v8a_profile *p = mk(N(fr), fr, N(nd), nd, N(s), s, d);
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->nrects, 4); /* 2/1002 of 1180 px is 2.4 px: kept */
    v8a_flame_layout_free(l);
    o.min_width = 3; /* now tiny (and under, inside it) go */
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->nrects, 2);
    CU_ASSERT_EQUAL(l->pruned, 1);
    check_rect(l, 1, 1, 1, 0, 1002, 1000); /* big keeps its total */
    CU_ASSERT_EQUAL(l->depth, 2);
    v8a_flame_layout_free(l);
    o.min_width = 0.1;
    o.min_width_percent = 0.5; /* 0.2% < 0.5% */
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->nrects, 2);
    v8a_flame_layout_free(l);
    o.min_width_percent = 0;
    o.max_depth = 3;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->nrects, 3);
    CU_ASSERT_EQUAL(l->cut_by_depth, 1);
    CU_ASSERT_EQUAL(l->depth, 3);
    CU_ASSERT_EQUAL(l->max_depth, 4);
    v8a_flame_layout_free(l);
    /* the same in chart mode */
    o.mode = V8A_FLAME_CHART;
    o.max_depth = 0;
    o.min_width = 3;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL_FATAL(l->nrects, 1);
    check_rect(l, 0, 1, 0, 0, 1002, 1000);
    v8a_flame_layout_free(l);
    o.min_width = 0.1;
    o.max_depth = 2;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->nrects, 2);
    CU_ASSERT_EQUAL(l->depth, 2);
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

static void test_focus_exclude(void)
{
    v8a_profile *p = merge_model();
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    v8a_flame_layout *l = NULL;
    o.exclude = "^b$";
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->total, 40);
    CU_ASSERT_EQUAL(l->unfiltered, 70);
    CU_ASSERT_EQUAL(l->nrects, 4);
    v8a_flame_layout_free(l);
    o.exclude = NULL;
    o.include = "node:fs"; /* urls match too */
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->total, 20);
    CU_ASSERT_EQUAL(l->nrects, 3); /* root, a, c */
    v8a_flame_layout_free(l);
    o.include = NULL;
    const char **fields[] = {&o.include, &o.exclude, &o.focus, &o.hide};
    const char *names[] = {"--include", "--exclude", "--focus", "--hide"};
    for (int k = 0; k < 4; k++) {
        *fields[k] = "(unclosed";
        CU_ASSERT_EQUAL(v8a_flame_layout_new(&l, p, &o), V8A_EINVAL);
        CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, names[k]));
        *fields[k] = NULL;
    }
    o.width = 5;
    CU_ASSERT_EQUAL(v8a_flame_layout_new(&l, p, &o), V8A_EINVAL);
    v8a_profile_free(p);
}

/* The filter model (durations 10 each):
 *   main;b;b;b;c x2   main;b;b;b   main;b   main;a;lib
 *   main;a;lib;b;a;d x2   main;a;lib;b;a   d            total 90 */
static const fdef filt_frames[] = {{"(root)", NULL, NULL, V8A_CAT_ROOT},
                                   {"main", "file:///app/m.js", NULL, V8A_CAT_APP},
                                   {"a", "file:///app/m.js", NULL, V8A_CAT_APP},
                                   {"b", "file:///app/m.js", NULL, V8A_CAT_APP},
                                   {"c", "file:///app/m.js", NULL, V8A_CAT_APP},
                                   {"lib", "node:internal/lib", NULL, V8A_CAT_CORE},
                                   {"d", NULL, NULL, V8A_CAT_NATIVE}};
static const uint32_t filt_nodes[][2] = {{0, 0}, {1, 0}, {3, 1}, {3, 2}, {3, 3}, {4, 4},
                                         {2, 1}, {5, 6}, {3, 7}, {2, 8}, {6, 9}, {6, 0}};
static const uint32_t filt_samples[] = {5, 5, 4, 2, 7, 10, 10, 9, 11};

static v8a_profile *filt_model(void)
{
    return mk(N(filt_frames), filt_frames, N(filt_nodes), filt_nodes, N(filt_samples), filt_samples,
              NULL);
}

/* Every sample lands once: the selfs add up to the total. */
static void check_sum(const v8a_flame_layout *l)
{
    int64_t s = 0;
    for (size_t i = 0; i < l->nrects; i++) s += l->rects[i].self;
    CU_ASSERT_EQUAL(s, l->total);
}

static v8a_flame_layout *filt_layout(const v8a_profile *p, const char *inc, const char *exc,
                                     const char *focus, const char *hide, v8a_flame_recursion r)
{
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    o.include = inc;
    o.exclude = exc;
    o.focus = focus;
    o.hide = hide;
    o.recursion = r;
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL(v8a_flame_layout_new(&l, p, &o), 0);
    if (l) check_sum(l);
    return l;
}

static void test_include_exclude(void)
{
    v8a_profile *p = filt_model();
    v8a_flame_layout *l = filt_layout(p, "^c$", NULL, NULL, NULL, V8A_RECURSION_KEEP);
    CU_ASSERT_EQUAL(l->total, 20);
    CU_ASSERT_EQUAL(l->unfiltered, 90);
    CU_ASSERT_EQUAL(l->nrects, 6); /* root main b b b c */
    check_rect(l, 5, 4, 5, 0, 20, 20);
    v8a_flame_layout_free(l);
    l = filt_layout(p, NULL, "^b$", NULL, NULL, V8A_RECURSION_KEEP);
    CU_ASSERT_EQUAL(l->total, 20); /* main;a;lib and d */
    CU_ASSERT_EQUAL(l->nrects, 5);
    v8a_flame_layout_free(l);
    l = filt_layout(p, "^a$", "^d$", NULL, NULL, V8A_RECURSION_KEEP);
    CU_ASSERT_EQUAL(l->total, 20); /* main;a;lib and main;a;lib;b;a */
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

static void test_focus_reroot(void)
{
    v8a_profile *p = filt_model();
    v8a_flame_layout *l = filt_layout(p, NULL, NULL, "^b$", NULL, V8A_RECURSION_KEEP);
    CU_ASSERT_EQUAL(l->total, 70);
    CU_ASSERT_EQUAL(l->unfiltered, 90);
    CU_ASSERT_EQUAL_FATAL(l->nrects, 7);
    check_rect(l, 0, 0, 0, 0, 70, 0);
    check_rect(l, 1, 3, 1, 0, 70, 10);  /* b: both first b's merged at the root */
    check_rect(l, 2, 2, 2, 0, 30, 10);  /* b;a */
    check_rect(l, 3, 6, 3, 0, 20, 20);  /* b;a;d */
    check_rect(l, 4, 3, 2, 30, 30, 0);  /* b;b */
    check_rect(l, 5, 3, 3, 30, 30, 10); /* b;b;b */
    check_rect(l, 6, 4, 4, 30, 20, 20); /* b;b;b;c */
    v8a_flame_layout_free(l);
    /* several frames match: each stack starts at its first */
    l = filt_layout(p, NULL, NULL, "^(a|d)$", NULL, V8A_RECURSION_KEEP);
    CU_ASSERT_EQUAL(l->total, 50); /* main;a;... 40 and d 10 */
    CU_ASSERT_EQUAL(l->rects[1].frame, 2);
    CU_ASSERT_EQUAL(l->rects[1].width, 40);
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

static void test_hide(void)
{
    v8a_profile *p = filt_model();
    v8a_flame_layout *l = filt_layout(p, NULL, NULL, NULL, "^lib$", V8A_RECURSION_KEEP);
    CU_ASSERT_EQUAL(l->total, 90);
    /* root, d, main, a (40, self 10 from main;a;lib), b, a, d, then main;b... */
    check_rect(l, 3, 2, 2, 10, 40, 10);
    check_rect(l, 4, 3, 3, 10, 30, 0);
    check_rect(l, 5, 2, 4, 10, 30, 10);
    check_rect(l, 6, 6, 5, 10, 20, 20);
    v8a_flame_layout_free(l);
    /* hiding everything but the root leaves the weight on the root */
    l = filt_layout(p, NULL, NULL, NULL, ".", V8A_RECURSION_KEEP);
    CU_ASSERT_EQUAL(l->total, 90);
    CU_ASSERT_EQUAL(l->nrects, 1);
    CU_ASSERT_EQUAL(l->rects[0].self, 90);
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

static void test_recursion(void)
{
    v8a_profile *p = filt_model();
    v8a_flame_layout *l = filt_layout(p, NULL, NULL, NULL, NULL, V8A_RECURSION_DIRECT);
    CU_ASSERT_EQUAL(l->total, 90);
    /* root d main a lib b a d | b c */
    CU_ASSERT_EQUAL_FATAL(l->nrects, 10);
    check_rect(l, 8, 3, 2, 50, 40, 20); /* main;b: b;b;b folded into one */
    check_rect(l, 9, 4, 3, 50, 20, 20); /* main;b;c */
    check_rect(l, 6, 2, 5, 10, 30, 10); /* indirect a;lib;b;a kept */
    v8a_flame_layout_free(l);
    l = filt_layout(p, NULL, NULL, NULL, NULL, V8A_RECURSION_ALL);
    CU_ASSERT_EQUAL(l->total, 90);
    /* root d main a lib b d | b c: the inner a is dropped */
    CU_ASSERT_EQUAL_FATAL(l->nrects, 9);
    check_rect(l, 5, 3, 4, 10, 30, 10); /* main;a;lib;b takes the inner a's self */
    check_rect(l, 6, 6, 5, 10, 20, 20); /* main;a;lib;b;d */
    v8a_flame_layout_free(l);
    /* hide then collapse: a;lib;b;a loses lib but is not direct */
    l = filt_layout(p, NULL, NULL, "^main$", "^lib$", V8A_RECURSION_DIRECT);
    CU_ASSERT_EQUAL(l->total, 80);
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

static void test_chart_transforms(void)
{
    v8a_profile *p = filt_model();
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    o.mode = V8A_FLAME_CHART;
    o.recursion = V8A_RECURSION_DIRECT;
    o.hide = "^lib$";
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    /* main b c | a b a d | d */
    CU_ASSERT_EQUAL_FATAL(l->nrects, 8);
    check_rect(l, 0, 1, 0, 0, 80, 0);
    check_rect(l, 1, 3, 1, 0, 40, 20); /* b;b;b;c, b;b;b, b: one span */
    check_rect(l, 2, 4, 2, 0, 20, 20);
    check_rect(l, 3, 2, 1, 40, 40, 10); /* a, with lib hidden */
    check_rect(l, 6, 6, 4, 50, 20, 20); /* main;a;b;a;d */
    check_rect(l, 7, 6, 0, 80, 10, 10);
    v8a_flame_layout_free(l);
    o.hide = NULL;
    o.recursion = V8A_RECURSION_KEEP;
    o.focus = "^b$";
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
    CU_ASSERT_EQUAL(l->total, 90); /* the time axis stays whole */
    check_rect(l, 0, 3, 0, 0, 40, 10);
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

typedef struct {
    char *data;
    size_t len;
} text_buf;

static int text_write(void *payload, const void *data, size_t len)
{
    text_buf *t = payload;
    char *n = realloc(t->data, t->len + len + 1);
    if (!n) return -1;
    memcpy(n + t->len, data, len);
    t->data = n;
    t->len += len;
    n[t->len] = '\0';
    return 0;
}

static void test_fold(void)
{
    v8a_profile *p = filt_model();
    text_buf t = {NULL, 0};
    CU_ASSERT_EQUAL_FATAL(v8a_flame_fold(p, NULL, text_write, &t), 0);
    CU_ASSERT_STRING_EQUAL(t.data, "d 1\n"
                                   "main [file:///app/m.js:3];a [file:///app/m.js:3];"
                                   "lib [node:internal/lib:3] 1\n"
                                   "main [file:///app/m.js:3];a [file:///app/m.js:3];"
                                   "lib [node:internal/lib:3];b [file:///app/m.js:3];"
                                   "a [file:///app/m.js:3] 1\n"
                                   "main [file:///app/m.js:3];a [file:///app/m.js:3];"
                                   "lib [node:internal/lib:3];b [file:///app/m.js:3];"
                                   "a [file:///app/m.js:3];d 2\n"
                                   "main [file:///app/m.js:3];b [file:///app/m.js:3] 1\n"
                                   "main [file:///app/m.js:3];b [file:///app/m.js:3];"
                                   "b [file:///app/m.js:3];b [file:///app/m.js:3] 1\n"
                                   "main [file:///app/m.js:3];b [file:///app/m.js:3];"
                                   "b [file:///app/m.js:3];b [file:///app/m.js:3];"
                                   "c [file:///app/m.js:3] 2\n");
    free(t.data);
    t.data = NULL;
    t.len = 0;
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    o.weight = V8A_WEIGHT_TIME;
    o.focus = "^b$";
    o.hide = "^a$";
    o.recursion = V8A_RECURSION_DIRECT;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_fold(p, &o, text_write, &t), 0);
    CU_ASSERT_STRING_EQUAL(t.data, "b [file:///app/m.js:3] 30\n"
                                   "b [file:///app/m.js:3];c [file:///app/m.js:3] 20\n"
                                   "b [file:///app/m.js:3];d 20\n");
    free(t.data);
    /* read back: the same stacks, counts as weights, url and line restored */
    const char *folded = "main [file:///app/m.js:3];b [file:///app/m.js:3] 7\n"
                         "\n"
                         "main [file:///app/m.js:3];fs [node:fs] 2\r\n"
                         "  main [file:///app/m.js:3]\t1\n";
    v8a_profile *q = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_profile_read_buffer(folded, strlen(folded), "x.folded", NULL, &q), 0);
    CU_ASSERT_EQUAL(q->format, V8A_PROFILE_FORMAT_FOLDED);
    CU_ASSERT_EQUAL(q->nsamples, 3);
    CU_ASSERT_EQUAL(q->nnodes, 4);
    CU_ASSERT_EQUAL(q->duration_us, 10);
    CU_ASSERT_EQUAL(q->sample_duration[0], 7);
    CU_ASSERT_EQUAL(q->sample_time[2], 9);
    uint32_t fs = q->nodes[q->sample_node[1]].frame;
    CU_ASSERT_STRING_EQUAL(v8a_profile_string(q, q->frames[fs].name), "fs");
    CU_ASSERT_STRING_EQUAL(v8a_profile_string(q, q->frames[fs].url), "node:fs");
    CU_ASSERT_EQUAL(q->frames[fs].category, V8A_CAT_CORE);
    uint32_t mf = q->nodes[q->sample_node[2]].frame;
    CU_ASSERT_EQUAL(q->frames[mf].line, 3);
    CU_ASSERT_EQUAL(q->nodes[q->sample_node[2]].hit_count, 1);
    int64_t self[4];
    CU_ASSERT_EQUAL(v8a_profile_self_weights(q, V8A_WEIGHT_SAMPLES, self), 0);
    CU_ASSERT_EQUAL(self[q->sample_node[0]], 7);
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, q, NULL), 0);
    CU_ASSERT_EQUAL(l->total, 10);
    CU_ASSERT_STRING_EQUAL(l->unit, "samples");
    v8a_flame_layout_free(l);
    v8a_profile_free(q);
    static const struct {
        const char *text, *msg;
    } bad[] = {{"a;b 1\nfoo\n", "x:2: expected"},
               {"a;;b 1\n", "x:1: an empty frame"},
               {"a;b 1 2\n", "x:1: two counts"},
               {"a;b 12345678901234567\n", "x:1: the count is too large"},
               {" 5\n", "x:1: expected"},
               {"a\xff 1\n", "x:1: not valid UTF-8"},
               {"a 0\n\n", "x: no stacks"}};
    for (size_t i = 0; i < N(bad); i++) {
        for (size_t chunk = 0; chunk < 3; chunk++) {
            v8a_profile_options po;
            memset(&po, 0, sizeof po);
            po.chunk_size = chunk;
            q = NULL;
            CU_ASSERT_EQUAL(v8a_profile_read_buffer(bad[i].text, strlen(bad[i].text), "x", &po, &q),
                            V8A_EFORMAT);
            CU_ASSERT_PTR_NULL(q);
            CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, bad[i].msg));
        }
    }
    v8a_profile_free(p);
}

static void test_colors(void)
{
    v8a_profile *p = merge_model();
    static const fdef fr[] = {{"(root)", NULL, NULL, V8A_CAT_ROOT},
                              {"zzz", NULL, NULL, V8A_CAT_APP},
                              {"b", "file:///elsewhere.js", NULL, V8A_CAT_APP}};
    static const uint32_t nd[][2] = {{0, 0}, {1, 0}, {2, 1}};
    v8a_profile *q = mk(N(fr), fr, N(nd), nd, 0, NULL, NULL);
    for (int pal = 0; pal < 3; pal++) {
        uint32_t c1 = v8a_flame_color(p, 2, (v8a_flame_palette)pal);
        CU_ASSERT_EQUAL(c1, v8a_flame_color(p, 2, (v8a_flame_palette)pal));
        if (pal != V8A_PALETTE_PACKAGE) /* same name and category, another profile */
            CU_ASSERT_EQUAL(c1, v8a_flame_color(q, 2, (v8a_flame_palette)pal));
    }
    /* fixed values: a change of hash or palette shows up here */
    CU_ASSERT_EQUAL(v8a_flame_color(p, 0, V8A_PALETTE_CATEGORY), 0xd9d3c7);
    uint32_t app = v8a_flame_color(p, 1, V8A_PALETTE_CATEGORY);
    CU_ASSERT((app >> 16) > ((app >> 8) & 0xff)); /* warm: more red than green */
    CU_ASSERT((app >> 16) > (app & 0xff));
    uint32_t core = v8a_flame_color(p, 3, V8A_PALETTE_CATEGORY);
    CU_ASSERT((core & 0xff) > (core >> 16)); /* blue */
    CU_ASSERT_NOT_EQUAL(v8a_flame_color(p, 1, V8A_PALETTE_HOT),
                        v8a_flame_color(p, 2, V8A_PALETTE_HOT));
    /* the legend names the categories drawn, heaviest first */
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, NULL), 0);
    v8a__flame_legend leg[8];
    size_t n = v8a__flame_legend_of(l, leg, 8);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_STRING_EQUAL(leg[0].label, "app");
    CU_ASSERT_STRING_EQUAL(leg[1].label, "node core");
    CU_ASSERT_STRING_EQUAL(leg[2].label, "x");
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
    v8a_profile_free(q);
}

static void test_ellipsis(void)
{
    char out[64];
    const char *s = "h\xc3\xa9llo w\xc3\xb6rld"; /* héllo wörld: 11 code points */
    CU_ASSERT_EQUAL(v8a__utf8_count(s), 11);
    v8a__flame_ellipsis(s, 3, V8A_TRUNCATE_RIGHT, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "h\xc3\xa9l\xe2\x80\xa6");
    v8a__flame_ellipsis(s, 4, V8A_TRUNCATE_LEFT, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "\xe2\x80\xa6\xc3\xb6rld");
    v8a__flame_ellipsis(s, 11, V8A_TRUNCATE_RIGHT, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, s);
    /* a small buffer never splits a sequence */
    v8a__flame_ellipsis(s, 11, V8A_TRUNCATE_RIGHT, out, 3);
    CU_ASSERT_STRING_EQUAL(out, "h");
    v8a__flame_ellipsis(s, 11, V8A_TRUNCATE_RIGHT, out, 4);
    CU_ASSERT_STRING_EQUAL(out, "h\xc3\xa9");
    char *c = v8a__flame_clean("a\x01"
                               "b\x1b[31m\xff\xe2\x82"
                               "c\x7f\xef\xbf\xbe");
    /* \xff, then \xe2 (its sequence broken by 'c'), then the lone \x82 */
    CU_ASSERT_STRING_EQUAL(c, "ab[31m\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                              "c\xef\xbf\xbd");
    v8a__free(c);
}

/* ---- writers ---- */

typedef struct {
    unsigned char *data;
    size_t len, cap;
    int fail_after; /* fail once this many bytes were taken; -1 never */
} mem;

static int mem_write(void *payload, const void *d, size_t n)
{
    mem *m = payload;
    if (m->fail_after >= 0 && m->len + n > (size_t)m->fail_after) return -1;
    if (m->len + n + 1 > m->cap) {
        m->cap = (m->len + n + 1) * 2;
        m->data = realloc(m->data, m->cap);
    }
    memcpy(m->data + m->len, d, n);
    m->len += n;
    m->data[m->len] = 0;
    return 0;
}

static v8a_profile *hostile_model(void)
{
    static const fdef fr[] = {
        {"(root)", NULL, NULL, V8A_CAT_ROOT},
        {"<script>alert(\"x\")</script>", "file:///a&b.js", NULL, V8A_CAT_APP},
        {"quote's & \"dq\" \x01\x1b[0m\x7f", NULL, NULL, V8A_CAT_NATIVE},
        {"bad \xff\xfe utf8 \xe2\x82", NULL, "pkg<x>", V8A_CAT_PACKAGE},
        {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe9\x95\xb7\xe3\x81\x84\xe5\x90\x8d"
         "\xe5\x89\x8d\xe3\x82\x92\xe6\x8c\x81\xe3\x81\xa4\xe9\x96\xa2\xe6\x95\xb0"
         "_with_a_very_long_tail_that_will_not_fit_anywhere_at_all",
         NULL, NULL, V8A_CAT_APP}};
    static const uint32_t nd[][2] = {{0, 0}, {1, 0}, {2, 1}, {3, 0}, {4, 0}};
    static const uint32_t s[] = {1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4};
    return mk(N(fr), fr, N(nd), nd, N(s), s, NULL);
}

static void test_svg_escaping(void)
{
    v8a_profile *p = hostile_model();
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    o.width = 400;
    o.title = "Title </text><script>";
    for (int st = 0; st < 2; st++) {
        o.static_svg = st;
        v8a_flame_layout *l = NULL;
        CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
        mem m = {NULL, 0, 0, -1};
        CU_ASSERT_EQUAL_FATAL(v8a_flame_render(l, V8A_FLAME_SVG, mem_write, &m), 0);
        const char *svg = (const char *)m.data;
        CU_ASSERT(strncmp(svg, "<?xml", 5) == 0);
        CU_ASSERT(strcmp(svg + m.len - 7, "</svg>\n") == 0);
        CU_ASSERT_EQUAL(v8a__utf8_valid_prefix(m.data, m.len), m.len);
        for (size_t i = 0; i < m.len; i++) {
            unsigned char c = m.data[i];
            if ((c < 0x20 && c != '\n') || c == 0x7f) {
                CU_FAIL("control character in the SVG");
                break;
            }
        }
        CU_ASSERT_PTR_NOT_NULL(strstr(svg, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        CU_ASSERT_PTR_NOT_NULL(strstr(svg, "quote&#39;s &amp; &quot;dq&quot; [0m"));
        CU_ASSERT_PTR_NOT_NULL(strstr(svg, "file:///a&amp;b.js:3:7"));
        CU_ASSERT_PTR_NOT_NULL(strstr(svg, "Title &lt;/text&gt;&lt;script&gt;"));
        CU_ASSERT_PTR_NOT_NULL(strstr(svg, "\xe2\x80\xa6</text>")); /* a label cut */
        /* our own script is the only one, and only when interactive */
        const char *sc = strstr(svg, "<script");
        if (st) {
            CU_ASSERT_PTR_NULL(sc);
        } else {
            CU_ASSERT(sc && strncmp(sc, "<script><![CDATA[", 17) == 0 &&
                      !strstr(sc + 1, "<script"));
        }
        /* one <g fg:x=...> per rectangle */
        size_t groups = 0;
        for (const char *q = svg; (q = strstr(q, "<g fg:x=\"")); q++) groups++;
        CU_ASSERT_EQUAL(groups, l->nrects);
        free(m.data);
        v8a_flame_layout_free(l);
    }
    v8a_profile_free(p);
}

static void test_svg_attributes(void)
{
    v8a_profile *p = merge_model();
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, NULL), 0);
    mem m = {NULL, 0, 0, -1};
    CU_ASSERT_EQUAL_FATAL(v8a_flame_render(l, V8A_FLAME_SVG, mem_write, &m), 0);
    const char *svg = (const char *)m.data;
    CU_ASSERT_PTR_NOT_NULL(strstr(svg, "fg:total=\"70\""));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(svg, "<g fg:x=\"30\" fg:w=\"20\" fg:s=\"20\"><title>c&#10;node:fs"));
    CU_ASSERT_PTR_NULL(strstr(svg, "style=\"fill")); /* colours are classes */
    free(m.data);
    /* a failing writer is V8A_EIO, early or late */
    for (int at = 0; at < 2; at++) {
        mem f = {NULL, 0, 0, at ? 100 : 0};
        CU_ASSERT_EQUAL(v8a_flame_render(l, V8A_FLAME_SVG, mem_write, &f), V8A_EIO);
        free(f.data);
    }
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void test_png_pdf(void)
{
    v8a_profile *p = hostile_model();
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, NULL), 0);
    mem m = {NULL, 0, 0, -1};
    CU_ASSERT_EQUAL_FATAL(v8a_flame_render(l, V8A_FLAME_PNG, mem_write, &m), 0);
    CU_ASSERT_FATAL(m.len > 24);
    CU_ASSERT(memcmp(m.data, "\x89PNG\r\n\x1a\n", 8) == 0);
    CU_ASSERT_EQUAL(be32(m.data + 16), 1200);
    free(m.data);
    mem d = {NULL, 0, 0, -1};
    CU_ASSERT_EQUAL_FATAL(v8a_flame_render(l, V8A_FLAME_PDF, mem_write, &d), 0);
    CU_ASSERT(d.len > 5 && memcmp(d.data, "%PDF-", 5) == 0);
    free(d.data);
    mem f = {NULL, 0, 0, 10};
    CU_ASSERT_EQUAL(v8a_flame_render(l, V8A_FLAME_PNG, mem_write, &f), V8A_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "write error"));
    free(f.data);
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
}

static void test_png_deep(void)
{
    /* a chain 3000 deep: 3001 rows of 16 px would be 48016 px */
    enum { DEPTH = 3000 };
    static fdef fr[2] = {{"(root)", NULL, NULL, V8A_CAT_ROOT}, {"recurse", NULL, NULL, 0}};
    uint32_t(*nd)[2] = calloc(DEPTH + 1, sizeof *nd);
    for (uint32_t i = 1; i <= DEPTH; i++) {
        nd[i][0] = 1;
        nd[i][1] = i - 1;
    }
    uint32_t s[1] = {DEPTH};
    v8a_profile *p = mk(2, fr, DEPTH + 1, (const uint32_t(*)[2])nd, 1, s, NULL);
    for (int mode = 0; mode < 3; mode++) {
        v8a_flame_options o;
        v8a_flame_options_init(&o);
        o.mode = (v8a_flame_mode)mode;
        o.width = 300; /* keeps the 32767-row image cheap */
        v8a_flame_layout *l = NULL;
        CU_ASSERT_EQUAL_FATAL(v8a_flame_layout_new(&l, p, &o), 0);
        CU_ASSERT(l->depth >= DEPTH);
        v8a__flame_geom g;
        v8a__flame_geometry(l, V8A_FLAME_MAX_HEIGHT, &g);
        CU_ASSERT(g.cut > 0 && g.height <= 32767);
        mem m = {NULL, 0, 0, -1};
        CU_ASSERT_EQUAL_FATAL(v8a_flame_render(l, V8A_FLAME_PNG, mem_write, &m), 0);
        CU_ASSERT(memcmp(m.data, "\x89PNG", 4) == 0);
        uint32_t h = be32(m.data + 20);
        CU_ASSERT(h <= 32767 && h > 30000);
        free(m.data);
        v8a_flame_layout_free(l);
    }
    v8a_profile_free(p);
    free(nd);
}

static void test_alloc_failures(void)
{
    v8a_profile *p = hostile_model();
    for (int mode = 0; mode < 3; mode++) {
        v8a_flame_options o;
        v8a_flame_options_init(&o);
        o.mode = (v8a_flame_mode)mode;
        o.include = ".";
        o.focus = ".";
        o.hide = "^x$";
        o.recursion = V8A_RECURSION_ALL;
        int done = 0;
        for (uint64_t n = 1; n < 500 && !done; n++) {
            v8a_flame_layout *l = NULL;
            mem m = {NULL, 0, 0, -1};
            v8a__alloc_fail_at(n, 1);
            int rc = v8a_flame_layout_new(&l, p, &o);
            if (rc == 0) rc = v8a_flame_render(l, V8A_FLAME_SVG, mem_write, &m);
            v8a__alloc_fail_at(0, 0);
            if (rc == 0) {
                done = 1;
            } else {
                CU_ASSERT_EQUAL(rc, V8A_ENOMEM);
            }
            v8a_flame_layout_free(l);
            free(m.data);
        }
        CU_ASSERT(done);
    }
    v8a_profile_free(p);
}

static void test_diff(void)
{
    static const uint32_t later[] = {5, 5, 5, 2, 7, 11, 11};
    v8a_profile *base = filt_model();
    v8a_profile *newp =
        mk(N(filt_frames), filt_frames, N(filt_nodes), filt_nodes, N(later), later, NULL);
    v8a_flame_layout *l = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_diff_layout_new(&l, base, newp, NULL), 0);
    CU_ASSERT_EQUAL(l->total, 70);
    CU_ASSERT_EQUAL(l->base_total, 90);
    CU_ASSERT_EQUAL_FATAL(l->nmain, 9);
    CU_ASSERT_EQUAL_FATAL(l->nrects, 16);
    CU_ASSERT_EQUAL(l->rects[0].delta, -20);
    check_rect(l, 1, 6, 1, 0, 20, 20);
    CU_ASSERT_EQUAL(l->rects[1].delta, 10);  /* d */
    CU_ASSERT_EQUAL(l->rects[3].delta, -30); /* main;a */
    CU_ASSERT_EQUAL(l->rects[5].delta, 0);   /* main;b */
    CU_ASSERT_EQUAL(l->max_delta, 30);
    for (size_t i = 0; i < l->nmain; i++) CU_ASSERT_EQUAL(l->rects[i].flags, 0);
    CU_ASSERT_EQUAL(l->strip_depth, 7);
    CU_ASSERT_EQUAL(l->depth, 14);
    check_rect(l, 9, 0, 7, 0, 30, 0); /* the strip: base's (root) over what vanished */
    check_rect(l, 14, 2, 12, 0, 30, 10);
    check_rect(l, 15, 6, 13, 0, 20, 20);
    CU_ASSERT_EQUAL(l->rects[15].flags, V8A_FLAME_RECT_BASE_ONLY);
    CU_ASSERT_EQUAL(l->rects[10].parent, 9);
    mem m = {NULL, 0, 0, -1};
    CU_ASSERT_EQUAL(v8a_flame_render(l, V8A_FLAME_SVG, mem_write, &m), 0);
    CU_ASSERT_PTR_NOT_NULL(m.data && strstr((const char *)m.data, "only in base"));
    CU_ASSERT_PTR_NOT_NULL(m.data && strstr((const char *)m.data, "&#10;+10 \xc2\xb5s"));
    free(m.data);
    mem m2 = {NULL, 0, 0, -1};
    m = m2;
    CU_ASSERT_EQUAL(v8a_flame_render(l, V8A_FLAME_PNG, mem_write, &m), 0);
    free(m.data);
    v8a_flame_layout_free(l);
    /* the other way round: the stacks only the new one has are marked new */
    CU_ASSERT_EQUAL_FATAL(v8a_flame_diff_layout_new(&l, newp, base, NULL), 0);
    size_t marked = 0;
    for (size_t i = 0; i < l->nmain; i++) marked += l->rects[i].flags == V8A_FLAME_RECT_NEW;
    CU_ASSERT_EQUAL(marked, 3);           /* main;a;lib;b, ...;a, ...;a;d */
    CU_ASSERT_EQUAL(l->nrects, l->nmain); /* nothing vanished */
    v8a_flame_layout_free(l);
    /* normalised: base scaled to 70 */
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    o.diff_normalize = 1;
    CU_ASSERT_EQUAL_FATAL(v8a_flame_diff_layout_new(&l, base, newp, &o), 0);
    CU_ASSERT_EQUAL(l->rects[0].delta, 0);
    CU_ASSERT_EQUAL(l->rects[1].delta, 20 - 8); /* 10 * 70 / 90 rounded */
    v8a_flame_layout_free(l);
    o.mode = V8A_FLAME_CHART;
    CU_ASSERT_EQUAL(v8a_flame_diff_layout_new(&l, base, newp, &o), V8A_EUNSUPPORTED);
    CU_ASSERT_PTR_NULL(l);
    v8a_profile_free(base);
    v8a_profile_free(newp);
}

void suite_flame(CU_pSuite s)
{
    ADD(s, test_graph_merge);
    ADD(s, test_graph_sort);
    ADD(s, test_chart_gc);
    ADD(s, test_chart_no_samples);
    ADD(s, test_prune);
    ADD(s, test_focus_exclude);
    ADD(s, test_include_exclude);
    ADD(s, test_focus_reroot);
    ADD(s, test_hide);
    ADD(s, test_recursion);
    ADD(s, test_chart_transforms);
    ADD(s, test_fold);
    ADD(s, test_diff);
    ADD(s, test_colors);
    ADD(s, test_ellipsis);
    ADD(s, test_svg_escaping);
    ADD(s, test_svg_attributes);
    ADD(s, test_png_pdf);
    ADD(s, test_png_deep);
    ADD(s, test_alloc_failures);
}
