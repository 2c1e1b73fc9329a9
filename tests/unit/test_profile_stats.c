/* test_profile_stats.c - flame top, blocking and diff on hand-built profiles
 * with exact numbers: recursion counted once in totals, by-line splits,
 * filters, blocking stretches with GC inside and idle splitting, diff
 * normalisation and thresholds, gate measures, allocation faults; insights
 * (plateau, GC, deopt, stall, deep, repeated) with exact scores and ranges. */
#include "suites.h"

#include "alloc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A call frame: name, url, 0-based line and column. */
#define CF(name, url, line, col)                                                                   \
    "\"callFrame\":{\"functionName\":\"" name "\",\"scriptId\":\"1\",\"url\":\"" url               \
    "\",\"lineNumber\":" #line ",\"columnNumber\":" #col "}"
#define SYN(name) CF(name, "", -1, -1)

static v8a_profile *from_text(const char *text)
{
    v8a_profile *p = NULL;
    int rc = v8a_profile_read_buffer(text, strlen(text), "mock", NULL, &p);
    if (rc < 0) fprintf(stderr, "\nmock: %s\n", v8a_error_last()->message);
    CU_ASSERT_FATAL(rc == 0);
    return p;
}

/* main (a.js:1:1) -> fib (a.js:10:5) -> fib: samples fib, fib', fib', main,
 * (idle), (gc) at 0, 1, 2, 4, 5, 6 ms: durations 1, 1, 2, 1, 1, 1 ms. */
static const char recursive[] =
    "{\"nodes\":["
    "{\"id\":1," SYN(
        "(root)") ",\"hitCount\":0,\"children\":[2,5,6]},"
                  "{\"id\":2," CF(
                      "main", "file:///a.js", 0,
                      0) ",\"hitCount\":1,\"children\":[3]},"
                         "{\"id\":3," CF(
                             "fib", "file:///a.js", 9,
                             4) ",\"hitCount\":1,\"children\":[4],"
                                "\"positionTicks\":[{\"line\":11,\"ticks\":1}]},"
                                "{\"id\":4," CF(
                                    "fib", "file:///a.js", 9,
                                    4) ",\"hitCount\":2,"
                                       "\"positionTicks\":[{\"line\":11,\"ticks\":1},{\"line\":12,"
                                       "\"ticks\":1}]},"
                                       "{\"id\":5," SYN(
                                           "(idle)") ",\"hitCount\":1},"
                                                     "{\"id\":6," SYN(
                                                         "(garbage collector)") ",\"hitCount\":1}],"
                                                                                "\"startTime\":0,"
                                                                                "\"endTime\":7100,"
                                                                                "\"samples\":[3,4,"
                                                                                "4,2,5,6],"
                                                                                "\"timeDeltas\":["
                                                                                "100,1000,1000,"
                                                                                "2000,1000,1000]}";

static const v8a_top_row *row_named(const v8a_top *t, const char *name, int32_t line)
{
    for (size_t i = 0; i < t->nrows; i++)
        if (strcmp(t->rows[i].name, name) == 0 && (line < 0 || t->rows[i].line == line))
            return &t->rows[i];
    return NULL;
}

static void test_top_recursion_once(void)
{
    v8a_profile *p = from_text(recursive);
    CU_ASSERT_EQUAL(p->duration_us, 7000);
    v8a_top *t = NULL;
    CU_ASSERT_FATAL(v8a_top_new(&t, p, NULL) == 0);
    CU_ASSERT_EQUAL(t->samples, 6);
    CU_ASSERT_EQUAL(t->time_us, 7000);
    CU_ASSERT_EQUAL(t->idle_us, 1000);
    CU_ASSERT_EQUAL(t->nrows, 4); /* fib, main, (idle), (gc); no (root) */
    const v8a_top_row *fib = &t->rows[0];
    CU_ASSERT_STRING_EQUAL(fib->name, "fib");
    CU_ASSERT_STRING_EQUAL(fib->url, "file:///a.js");
    CU_ASSERT_EQUAL(fib->line, 10);
    CU_ASSERT_EQUAL(fib->column, 5);
    CU_ASSERT_EQUAL(fib->self_us, 4000);
    CU_ASSERT_EQUAL(fib->self_samples, 3);
    CU_ASSERT_EQUAL(fib->total_us, 4000); /* not 7000: the inner fib is inside the outer */
    CU_ASSERT_EQUAL(fib->total_samples, 3);
    const v8a_top_row *m = row_named(t, "main", -1);
    CU_ASSERT_FATAL(m != NULL);
    CU_ASSERT_EQUAL(m->self_us, 1000);
    CU_ASSERT_EQUAL(m->total_us, 5000);
    CU_ASSERT_EQUAL(m->total_samples, 4);
    const v8a_top_row *gc = row_named(t, "(garbage collector)", -1);
    CU_ASSERT_FATAL(gc != NULL);
    CU_ASSERT_EQUAL(gc->self_us, 1000);
    CU_ASSERT_EQUAL(gc->total_us, 1000);
    v8a_top_free(t);
    v8a_profile_free(p);
}

static void test_top_by_line(void)
{
    v8a_profile *p = from_text(recursive);
    v8a_top_options o = {V8A_TOP_LINE, NULL, NULL};
    v8a_top *t = NULL;
    CU_ASSERT_FATAL(v8a_top_new(&t, p, &o) == 0);
    /* node 3: 1 ms on line 11; node 4: 3 ms split 1:1 over lines 11 and 12 */
    const v8a_top_row *l11 = row_named(t, "fib", 11), *l12 = row_named(t, "fib", 12);
    CU_ASSERT_FATAL(l11 && l12);
    CU_ASSERT_EQUAL(l11->self_us, 2500);
    CU_ASSERT_EQUAL(l11->self_samples, 2);
    CU_ASSERT_EQUAL(l12->self_us, 1500);
    CU_ASSERT_EQUAL(l12->self_samples, 1);
    CU_ASSERT_EQUAL(l11->total_us, l11->self_us);
    CU_ASSERT_PTR_EQUAL(l11, &t->rows[0]);
    const v8a_top_row *m = row_named(t, "main", 1); /* no ticks: the function's line */
    CU_ASSERT_FATAL(m != NULL);
    CU_ASSERT_EQUAL(m->self_us, 1000);
    int64_t sum = 0;
    for (size_t i = 0; i < t->nrows; i++) sum += t->rows[i].self_us;
    CU_ASSERT_EQUAL(sum, 7000);
    v8a_top_free(t);
    v8a_profile_free(p);
}

static void test_top_by_url_and_package(void)
{
    v8a_profile *p = from_text(recursive);
    v8a_top_options o = {V8A_TOP_URL, NULL, NULL};
    v8a_top *t = NULL;
    CU_ASSERT_FATAL(v8a_top_new(&t, p, &o) == 0);
    CU_ASSERT_EQUAL(t->nrows, 3); /* a.js, (idle), (garbage collector) */
    CU_ASSERT_STRING_EQUAL(t->rows[0].name, "file:///a.js");
    CU_ASSERT_EQUAL(t->rows[0].self_us, 5000);
    CU_ASSERT_EQUAL(t->rows[0].total_us, 5000);
    CU_ASSERT_EQUAL(t->rows[0].total_samples, 4);
    v8a_top_free(t);
    o.by = V8A_TOP_PACKAGE;
    CU_ASSERT_FATAL(v8a_top_new(&t, p, &o) == 0);
    CU_ASSERT_STRING_EQUAL(t->rows[0].name, "(app)");
    CU_ASSERT_EQUAL(t->rows[0].self_us, 5000);
    v8a_top_free(t);
    v8a_profile_free(p);
}

static void test_top_filters(void)
{
    v8a_profile *p = from_text(recursive);
    v8a_regex *inc = NULL, *exc = NULL;
    CU_ASSERT_FATAL(v8a_regex_new(&inc, "^fib$", "--include") == 0);
    CU_ASSERT_FATAL(v8a_regex_new(&exc, "^main$", "--exclude") == 0);
    v8a_top_options o = {V8A_TOP_FUNCTION, inc, NULL};
    v8a_top *t = NULL;
    CU_ASSERT_FATAL(v8a_top_new(&t, p, &o) == 0);
    CU_ASSERT_EQUAL(t->samples, 3);
    CU_ASSERT_EQUAL(t->time_us, 4000);
    CU_ASSERT_EQUAL(t->nrows, 2); /* fib and main (main is on the stacks through fib) */
    const v8a_top_row *m = row_named(t, "main", -1);
    CU_ASSERT_FATAL(m != NULL);
    CU_ASSERT_EQUAL(m->self_us, 0);
    CU_ASSERT_EQUAL(m->total_us, 4000);
    v8a_top_free(t);
    o.include = NULL;
    o.exclude = exc;
    CU_ASSERT_FATAL(v8a_top_new(&t, p, &o) == 0);
    CU_ASSERT_EQUAL(t->samples, 2); /* (idle) and (gc) */
    CU_ASSERT_EQUAL(t->time_us, 2000);
    v8a_top_free(t);
    v8a_regex_free(inc);
    v8a_regex_free(exc);
    v8a_profile_free(p);
}

/* Two tasks: A is (anonymous) -> work, B is listOnTimeout; 1 ms apart:
 *   0 work  1 work  2 gc  3 work  4 idle  5 B  6 B  7 program  8 work
 *   9 idle  10 gc  11 work */
static const char tasks[] =
    "{\"nodes\":["
    "{\"id\":1," SYN(
        "(root)") ",\"children\":[2,4,5,6,7]},"
                  "{\"id\":2," CF(
                      "", "file:///t.js", 0,
                      0) ",\"children\":[3]},"
                         "{\"id\":3," CF(
                             "work", "file:///t.js", 4,
                             2) "},"
                                "{\"id\":4," CF(
                                    "listOnTimeout", "node:internal/timers", 500,
                                    24) "},"
                                        "{\"id\":5," SYN(
                                            "(idle)") "},"
                                                      "{\"id\":6," SYN(
                                                          "(garbage collector)") "},"
                                                                                 "{\"id\":"
                                                                                 "7," SYN(
                                                                                     "(program"
                                                                                     ")") "}],"
                                                                                          "\"st"
                                                                                          "artT"
                                                                                          "ime"
                                                                                          "\":"
                                                                                          "0,"
                                                                                          "\"en"
                                                                                          "dTim"
                                                                                          "e\":"
                                                                                          "1200"
                                                                                          "0,"
                                                                                          "\"sa"
                                                                                          "mple"
                                                                                          "s\":"
                                                                                          "[3,"
                                                                                          "3,6,"
                                                                                          "3,5,"
                                                                                          "4,4,"
                                                                                          "7,3,"
                                                                                          "5,6,"
                                                                                          "3],"
                                                                                          "\"ti"
                                                                                          "meDe"
                                                                                          "ltas"
                                                                                          "\":["
                                                                                          "0,"
                                                                                          "1000"
                                                                                          ",100"
                                                                                          "0,"
                                                                                          "1000"
                                                                                          ",100"
                                                                                          "0,"
                                                                                          "1000"
                                                                                          ",100"
                                                                                          "0,"
                                                                                          "1000"
                                                                                          ",100"
                                                                                          "0,"
                                                                                          "1000"
                                                                                          ",100"
                                                                                          "0,"
                                                                                          "1000"
                                                                                          "]}";

static void test_blocking_stretches(void)
{
    v8a_profile *p = from_text(tasks);
    v8a_blocking *b = NULL;
    CU_ASSERT_FATAL(v8a_blocking_new(&b, p, 1500) == 0);
    CU_ASSERT_EQUAL(b->busy_us, 10000);
    CU_ASSERT_FATAL(b->nstretches == 3);
    const v8a_stretch *s = &b->stretches[0];
    CU_ASSERT_EQUAL(s->start_us, 0);
    CU_ASSERT_EQUAL(s->duration_us, 4000); /* GC inside the run counts */
    CU_ASSERT_EQUAL(s->gc_us, 1000);
    CU_ASSERT_EQUAL(s->first, 0);
    CU_ASSERT_EQUAL(s->count, 4);
    CU_ASSERT_STRING_EQUAL(v8a_profile_string(p, p->frames[p->nodes[s->heaviest].frame].name),
                           "work");
    CU_ASSERT_EQUAL(s->heaviest_us, 3000);
    CU_ASSERT_EQUAL(s->hot_line, 0); /* no positionTicks */
    s = &b->stretches[1];
    CU_ASSERT_EQUAL(s->start_us, 5000);    /* split from A by (idle) */
    CU_ASSERT_EQUAL(s->duration_us, 3000); /* (program) at 7 joins B; work at 8 is A again */
    CU_ASSERT_EQUAL(s->gc_us, 0);
    CU_ASSERT_STRING_EQUAL(v8a_profile_string(p, p->frames[p->nodes[s->task].frame].name),
                           "listOnTimeout");
    s = &b->stretches[2]; /* the gc at 10, after (idle), is the start of 11's task */
    CU_ASSERT_EQUAL(s->start_us, 10000);
    CU_ASSERT_EQUAL(s->first, 10);
    CU_ASSERT_EQUAL(s->count, 2);
    CU_ASSERT_EQUAL(s->duration_us, 2000);
    CU_ASSERT_EQUAL(s->gc_us, 1000);
    CU_ASSERT_STRING_EQUAL(v8a_profile_string(p, p->frames[p->nodes[s->heaviest].frame].name),
                           "work");
    CU_ASSERT_EQUAL(b->blocked_us, 9000);
    v8a_blocking_free(b);

    CU_ASSERT_FATAL(v8a_blocking_new(&b, p, 0) == 0);
    CU_ASSERT_EQUAL(b->nstretches, 4); /* 0-3, 5-7, 10-11, 8 */
    CU_ASSERT_EQUAL(b->stretches[2].start_us, 10000);
    CU_ASSERT_EQUAL(b->stretches[3].start_us, 8000);
    CU_ASSERT_EQUAL(b->stretches[3].duration_us, 1000);
    CU_ASSERT_EQUAL(b->blocked_us, 10000);
    v8a_blocking_free(b);
    CU_ASSERT_FATAL(v8a_blocking_new(&b, p, 4000) == 0); /* strictly longer */
    CU_ASSERT_EQUAL(b->nstretches, 0);
    v8a_blocking_free(b);
    v8a_profile_free(p);
}

/* base: f f g g; new: f f f g g h h h (1 ms each, no idle) */
#define DIFF_NODES(extra)                                                                          \
    "{\"nodes\":["                                                                                 \
    "{\"id\":1," SYN("(root)") ",\"children\":[2,3" extra "]},"                                    \
                               "{\"id\":2," CF("f", "file:///d.js", 0,                             \
                                               0) "},"                                             \
                                                  "{\"id\":3," CF("g", "file:///d.js", 4, 0) "}"
static const char base_text[] = DIFF_NODES("") "],\"startTime\":0,\"endTime\":4000,"
                                               "\"samples\":[2,2,3,3],"
                                               "\"timeDeltas\":[0,1000,1000,1000]}";
static const char new_text[] = DIFF_NODES(",4") ",{\"id\":4," CF(
    "h", "file:///d.js", 8, 0) "}],"
                               "\"startTime\":0,\"endTime\":8000,\"samples\":[2,2,2,3,3,4,4,4],"
                               "\"timeDeltas\":[0,1000,1000,1000,1000,1000,1000,1000]}";

static const v8a_pdiff_func *func_named(const v8a_pdiff *d, const char *name)
{
    for (size_t i = 0; i < d->nfuncs; i++)
        if (strcmp(d->funcs[i].name, name) == 0) return &d->funcs[i];
    return NULL;
}

static void test_diff_normalised(void)
{
    v8a_profile *b = from_text(base_text), *n = from_text(new_text);
    v8a_pdiff_options o;
    v8a_pdiff_options_init(&o);
    CU_ASSERT_EQUAL(o.min_delta_pct, 1.0);
    v8a_pdiff *d = NULL;
    CU_ASSERT_FATAL(v8a_pdiff_new(&d, b, n, &o) == 0);
    CU_ASSERT_EQUAL(d->base_busy_us, 4000);
    CU_ASSERT_EQUAL(d->new_busy_us, 8000);
    CU_ASSERT_DOUBLE_EQUAL(d->scale, 2.0, 1e-12);
    CU_ASSERT_EQUAL(d->nfuncs, 3);
    const v8a_pdiff_func *f = func_named(d, "f"), *h = func_named(d, "h");
    CU_ASSERT_FATAL(f && h);
    CU_ASSERT_DOUBLE_EQUAL(f->self_delta_us, -1000.0, 1e-9); /* 3 ms - 2 ms x 2 */
    CU_ASSERT_DOUBLE_EQUAL(f->base_self_pct, 50.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(f->new_self_pct, 37.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(h->self_delta_us, 3000.0, 1e-9);
    CU_ASSERT(!h->in_base && h->in_new);
    CU_ASSERT_EQUAL(d->nregressions, 1);
    CU_ASSERT_PTR_EQUAL(d->regressions[0], h);
    CU_ASSERT_FATAL(d->nimprovements == 2);
    CU_ASSERT_STRING_EQUAL(d->improvements[0]->name, "g"); /* -2 ms before -1 ms */
    CU_ASSERT_STRING_EQUAL(d->improvements[1]->name, "f");
    v8a_pdiff_free(d);

    o.min_delta_pct = 20; /* f moved 12.5 points: noise */
    CU_ASSERT_FATAL(v8a_pdiff_new(&d, b, n, &o) == 0);
    CU_ASSERT_EQUAL(d->nregressions, 1);
    CU_ASSERT_EQUAL(d->nimprovements, 1);
    CU_ASSERT_STRING_EQUAL(d->improvements[0]->name, "g");
    v8a_pdiff_free(d);
    v8a_profile_free(b);
    v8a_profile_free(n);
}

static void test_diff_absolute_threshold(void)
{
    v8a_profile *b = from_text(base_text), *n = from_text(new_text);
    v8a_pdiff_options o;
    v8a_pdiff_options_init(&o);
    o.absolute = 1;
    o.min_delta_pct = -1;
    o.min_delta_us = 1000;
    v8a_pdiff *d = NULL;
    CU_ASSERT_FATAL(v8a_pdiff_new(&d, b, n, &o) == 0);
    CU_ASSERT_DOUBLE_EQUAL(d->scale, 1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(func_named(d, "g")->self_delta_us, 0.0, 1e-9);
    CU_ASSERT_FATAL(d->nregressions == 2); /* h +3 ms, f +1 ms (at the threshold) */
    CU_ASSERT_STRING_EQUAL(d->regressions[0]->name, "h");
    CU_ASSERT_STRING_EQUAL(d->regressions[1]->name, "f");
    CU_ASSERT_EQUAL(d->nimprovements, 0);
    v8a_pdiff_free(d);
    o.min_delta_us = 1001;
    CU_ASSERT_FATAL(v8a_pdiff_new(&d, b, n, &o) == 0);
    CU_ASSERT_EQUAL(d->nregressions, 1);
    v8a_pdiff_free(d);
    v8a_profile_free(b);
    v8a_profile_free(n);
}

static void test_diff_gates(void)
{
    v8a_profile *b = from_text(base_text), *n = from_text(new_text);
    v8a_pdiff *d = NULL;
    CU_ASSERT_FATAL(v8a_pdiff_new(&d, b, n, NULL) == 0);
    double before, after, measured;
    v8a_gate *g = NULL;

    CU_ASSERT_FATAL(v8a_gate_parse(&g, "cpu>+15%") == 0);
    CU_ASSERT(v8a_pdiff_measure_get(d, V8A_PDIFF_CPU, NULL, NULL, &before, &after) == 0);
    CU_ASSERT_DOUBLE_EQUAL(before, 4000, 1e-9); /* never scaled */
    CU_ASSERT_DOUBLE_EQUAL(after, 8000, 1e-9);
    CU_ASSERT_EQUAL(v8a_gate_check(g, before, after, &measured), 1);
    CU_ASSERT_DOUBLE_EQUAL(measured, 100.0, 1e-9);
    v8a_gate_free(g);

    /* f's self: 2 ms scaled to 4 ms, now 3 ms: -25% */
    CU_ASSERT_FATAL(v8a_gate_parse(&g, "self:f>+10%") == 0);
    CU_ASSERT(v8a_pdiff_measure_get(d, V8A_PDIFF_SELF, "f", NULL, &before, &after) == 0);
    CU_ASSERT_DOUBLE_EQUAL(before, 4000, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(after, 3000, 1e-9);
    CU_ASSERT_EQUAL(v8a_gate_check(g, before, after, &measured), 0);
    CU_ASSERT_DOUBLE_EQUAL(measured, -25.0, 1e-9);
    v8a_gate_free(g);

    /* h is new: +inf% trips */
    v8a_regex *re = NULL;
    CU_ASSERT_FATAL(v8a_regex_new(&re, "^[gh]$", "--fail-on") == 0);
    CU_ASSERT_FATAL(v8a_gate_parse(&g, "total:/^[gh]$/>+20%") == 0);
    CU_ASSERT(v8a_pdiff_measure_get(d, V8A_PDIFF_TOTAL, NULL, re, &before, &after) == 0);
    CU_ASSERT_DOUBLE_EQUAL(before, 4000, 1e-9); /* g 2 ms x 2 */
    CU_ASSERT_DOUBLE_EQUAL(after, 5000, 1e-9);  /* g 2 ms + h 3 ms */
    CU_ASSERT_EQUAL(v8a_gate_check(g, before, after, &measured), 1);
    CU_ASSERT_DOUBLE_EQUAL(measured, 25.0, 1e-9);
    v8a_gate_free(g);
    v8a_regex_free(re);
    CU_ASSERT(v8a_pdiff_measure_get(d, V8A_PDIFF_SELF, "h", NULL, &before, &after) == 0);
    CU_ASSERT_DOUBLE_EQUAL(before, 0, 1e-9);
    CU_ASSERT_FATAL(v8a_gate_parse(&g, "self:h>+10%") == 0);
    CU_ASSERT_EQUAL(v8a_gate_check(g, before, after, &measured), 1);
    CU_ASSERT(isinf(measured));
    v8a_gate_free(g);
    v8a_pdiff_free(d);
    v8a_profile_free(b);
    v8a_profile_free(n);
}

static void test_heap_refused(void)
{
    v8a_profile *p = NULL;
    CU_ASSERT_FATAL(v8a_profile_read(fixture("hand/small.heapprofile"), NULL, &p) == 0);
    v8a_top *t = (v8a_top *)1;
    CU_ASSERT_EQUAL(v8a_top_new(&t, p, NULL), V8A_EUNSUPPORTED);
    CU_ASSERT_PTR_NULL(t);
    v8a_blocking *b = NULL;
    CU_ASSERT_EQUAL(v8a_blocking_new(&b, p, 0), V8A_EUNSUPPORTED);
    v8a_profile_free(p);
}

/* Every allocation may fail: V8A_ENOMEM, nothing leaked, NULL out. */
static void test_alloc_faults(void)
{
    v8a_profile *p = from_text(recursive), *q = from_text(tasks);
    v8a_top_options lines = {V8A_TOP_LINE, NULL, NULL};
    for (int what = 0; what < 4; what++) {
        int ok = 0;
        for (uint64_t n = 1; n < 200 && !ok; n++) {
            v8a__alloc_fail_at(n, 0);
            void *out = NULL;
            int rc;
            if (what == 0)
                rc = v8a_top_new((v8a_top **)&out, p, NULL);
            else if (what == 1)
                rc = v8a_top_new((v8a_top **)&out, p, &lines);
            else if (what == 2)
                rc = v8a_blocking_new((v8a_blocking **)&out, q, 0);
            else
                rc = v8a_pdiff_new((v8a_pdiff **)&out, p, q, NULL);
            v8a__alloc_fail_at(0, 0);
            if (rc == 0) {
                ok = 1;
                if (what < 2) v8a_top_free(out);
                if (what == 2) v8a_blocking_free(out);
                if (what == 3) v8a_pdiff_free(out);
            } else {
                CU_ASSERT_EQUAL(rc, V8A_ENOMEM);
                CU_ASSERT_PTR_NULL(out);
            }
        }
        CU_ASSERT(ok);
    }
    v8a_profile_free(p);
    v8a_profile_free(q);
}

/* ---- insights ---- */

/* main -> parse (ticks on line 12), main -> helper (not optimised); samples
 * parse, parse, (gc), parse, parse, (idle), helper, (idle): 1 ms each. */
static const char plateau_profile[] =
    "{\"nodes\":["
    "{\"id\":1," SYN(
        "(root)") ",\"children\":[2,5,6,7]},"
                  "{\"id\":2," CF(
                      "main", "file:///a.js", 0,
                      0) ",\"children\":[3,4]},"
                         "{\"id\":3," CF(
                             "parse", "file:///a.js", 9,
                             0) ","
                                "\"positionTicks\":[{\"line\":11,\"ticks\":1},{\"line\":12,"
                                "\"ticks\":3}]},"
                                "{\"id\":4," CF(
                                    "helper", "file:///a.js", 19,
                                    0) ",\"deoptReason\":\"bad shape\"},"
                                       "{\"id\":5," SYN(
                                           "(idle)") "},"
                                                     "{\"id\":6," SYN(
                                                         "(garbage collector)") "},"
                                                                                "{\"id\":"
                                                                                "7," SYN("(program"
                                                                                         ")") "}],"
                                                                                              "\"st"
                                                                                              "artT"
                                                                                              "ime"
                                                                                              "\":"
                                                                                              "0,"
                                                                                              "\"en"
                                                                                              "dTim"
                                                                                              "e\":"
                                                                                              "9000"
                                                                                              ","
                                                                                              "\"sa"
                                                                                              "mple"
                                                                                              "s\":"
                                                                                              "[3,"
                                                                                              "3,6,"
                                                                                              "3,3,"
                                                                                              "5,4,"
                                                                                              "5],"
                                                                                              "\"ti"
                                                                                              "meDe"
                                                                                              "ltas"
                                                                                              "\":["
                                                                                              "100,"
                                                                                              "1000"
                                                                                              ",100"
                                                                                              "0,"
                                                                                              "1000"
                                                                                              ",100"
                                                                                              "0,"
                                                                                              "1000"
                                                                                              ",100"
                                                                                              "0,"
                                                                                              "1000"
                                                                                              "]}";

static void test_insights_plateau_gc_deopt(void)
{
    v8a_profile *p = from_text(plateau_profile);
    v8a_insights_options o;
    v8a_insights_options_init(&o);
    CU_ASSERT_EQUAL(o.plateau_min_us, 50000);
    CU_ASSERT_EQUAL(o.deep_depth, 64);
    CU_ASSERT_EQUAL(o.min_bursts, 20);
    CU_ASSERT_EQUAL(o.max_burst_us, 2000);
    CU_ASSERT_DOUBLE_EQUAL(o.gc_min_pct, 10.0, 1e-12);
    CU_ASSERT_EQUAL(o.stall_min_us, 50000);
    CU_ASSERT_DOUBLE_EQUAL(o.min_share_pct, 1.0, 1e-12);
    o.plateau_min_us = 3000;
    o.stall_min_us = 1000;
    o.min_share_pct = 0;
    v8a_insights *in = NULL;
    CU_ASSERT_FATAL(v8a_insights_new(&in, p, &o) == 0);
    CU_ASSERT_EQUAL(in->time_us, 8000);
    CU_ASSERT_EQUAL(in->busy_us, 6000);
    CU_ASSERT_EQUAL(in->idle_us, 2000);
    CU_ASSERT_EQUAL(in->gc_us, 1000);
    CU_ASSERT_EQUAL(in->nstretches, 1); /* 5 ms; helper's 1 ms is not > 1 ms */
    CU_ASSERT_EQUAL(in->blocked_us, 5000);
    CU_ASSERT_EQUAL(in->blocked_gc_us, 1000);
    CU_ASSERT(in->has_longest);
    CU_ASSERT_EQUAL(in->longest.duration_us, 5000);
    CU_ASSERT_FATAL(in->nitems == 3); /* the stall is all explained */
    const v8a_insight *pl = &in->items[0], *dp = &in->items[1], *gc = &in->items[2];
    CU_ASSERT_EQUAL(pl->kind, V8A_INSIGHT_PLATEAU);
    CU_ASSERT_STRING_EQUAL(v8a_insight_kind_name(pl->kind), "plateau");
    CU_ASSERT_EQUAL(pl->score_us, 5000); /* the GC inside counts */
    CU_ASSERT_EQUAL(pl->time_us, 5000);
    CU_ASSERT_EQUAL(pl->gc_us, 1000);
    CU_ASSERT_EQUAL(pl->count, 5);
    CU_ASSERT_EQUAL(pl->line, 12);
    CU_ASSERT_DOUBLE_EQUAL(pl->share_pct, 500.0 / 6.0, 1e-9);
    CU_ASSERT_STRING_EQUAL(v8a_profile_string(p, p->frames[pl->frame].name), "parse");
    CU_ASSERT_FATAL(pl->nranges == 1);
    CU_ASSERT_EQUAL(pl->ranges[0].first, 0);
    CU_ASSERT_EQUAL(pl->ranges[0].count, 5);
    CU_ASSERT_EQUAL(pl->ranges[0].start_us, 0);
    CU_ASSERT_EQUAL(pl->ranges[0].duration_us, 5000);
    /* deopt and GC tie at 1 ms: the more specific cause first */
    CU_ASSERT_EQUAL(dp->kind, V8A_INSIGHT_DEOPT);
    CU_ASSERT_EQUAL(dp->score_us, 1000);
    CU_ASSERT_EQUAL(dp->count, 1);
    CU_ASSERT_STRING_EQUAL(v8a_profile_string(p, dp->reason), "bad shape");
    CU_ASSERT_STRING_EQUAL(v8a_profile_string(p, p->frames[dp->frame].name), "helper");
    CU_ASSERT_FATAL(dp->nranges == 1);
    CU_ASSERT_EQUAL(dp->ranges[0].start_us, 6000);
    CU_ASSERT_EQUAL(gc->kind, V8A_INSIGHT_GC);
    CU_ASSERT_EQUAL(gc->score_us, 1000);
    CU_ASSERT_EQUAL(gc->count, 1);
    CU_ASSERT_FATAL(gc->nculprits == 1);
    CU_ASSERT_EQUAL(gc->culprits[0].gc_us, 1000);
    CU_ASSERT_EQUAL(gc->culprits[0].node, pl->node);
    CU_ASSERT_FATAL(gc->nranges == 1);
    CU_ASSERT_EQUAL(gc->ranges[0].first, 2);
    CU_ASSERT_EQUAL(gc->ranges[0].start_us, 2000);
    CU_ASSERT_EQUAL(gc->ranges[0].duration_us, 1000);
    v8a_insights_free(in);

    /* defaults: no plateau (5 ms < 50 ms), no stall; GC 16.7% >= 10% */
    CU_ASSERT_FATAL(v8a_insights_new(&in, p, NULL) == 0);
    CU_ASSERT_EQUAL(in->nitems, 2);
    CU_ASSERT_EQUAL(in->items[0].kind, V8A_INSIGHT_DEOPT);
    CU_ASSERT_EQUAL(in->items[1].kind, V8A_INSIGHT_GC);
    v8a_insights_free(in);
    /* GC below the threshold */
    v8a_insights_options_init(&o);
    o.gc_min_pct = 20;
    CU_ASSERT_FATAL(v8a_insights_new(&in, p, &o) == 0);
    CU_ASSERT_EQUAL(in->nitems, 1);
    v8a_insights_free(in);
    /* the stall is reported when findings explain at most half of it */
    v8a_insights_options_init(&o);
    o.stall_min_us = 1000;
    o.gc_min_pct = 50;
    CU_ASSERT_FATAL(v8a_insights_new(&in, p, &o) == 0);
    CU_ASSERT_FATAL(in->nitems == 2);
    CU_ASSERT_EQUAL(in->items[0].kind, V8A_INSIGHT_STALL);
    CU_ASSERT_EQUAL(in->items[0].score_us, 5000);
    CU_ASSERT_EQUAL(in->items[0].time_us, 5000);
    CU_ASSERT_EQUAL(in->items[0].gc_us, 1000);
    CU_ASSERT_EQUAL(in->items[0].line, 12);
    v8a_insights_free(in);
    v8a_profile_free(p);
}

/* main -> f -> f -> f (recursion), main -> g (a small call from a loop in
 * main); samples f'', f'', f', main, g, main, g, main, g: 1 ms each. */
static const char deep_profile[] =
    "{\"nodes\":["
    "{\"id\":1," SYN(
        "(root)") ",\"children\":[2]},"
                  "{\"id\":2," CF("main", "file:///a.js", 0,
                                  0) ",\"children\":[3,6]},"
                                     "{\"id\":3," CF(
                                         "f", "file:///a.js", 4,
                                         0) ",\"children\":[4]},"
                                            "{\"id\":4," CF(
                                                "f", "file:///a.js", 4,
                                                0) ",\"children\":[5]},"
                                                   "{\"id\":5," CF(
                                                       "f", "file:///a.js", 4,
                                                       0) "},"
                                                          "{\"id\":6," CF(
                                                              "g", "file:///a.js", 8,
                                                              0) "}],"
                                                                 "\"startTime\":0,\"endTime\":9000,"
                                                                 "\"samples\":[5,5,4,2,6,2,6,2,6],"
                                                                 "\"timeDeltas\":[0,1000,1000,1000,"
                                                                 "1000,1000,1000,1000,1000]}";

static void test_insights_deep_repeated(void)
{
    v8a_profile *p = from_text(deep_profile);
    v8a_insights_options o;
    v8a_insights_options_init(&o);
    o.deep_depth = 3;
    o.min_bursts = 3;
    o.min_share_pct = 0;
    v8a_insights *in = NULL;
    CU_ASSERT_FATAL(v8a_insights_new(&in, p, &o) == 0);
    CU_ASSERT_EQUAL(in->busy_us, 9000);
    CU_ASSERT_FATAL(in->nitems == 2);
    const v8a_insight *d = &in->items[0], *r = &in->items[1];
    /* tie at 3 ms: deep before repeated */
    CU_ASSERT_EQUAL(d->kind, V8A_INSIGHT_DEEP);
    CU_ASSERT_EQUAL(d->score_us, 3000);
    CU_ASSERT_EQUAL(d->count, 3);
    CU_ASSERT_EQUAL(d->depth, 4);
    CU_ASSERT_DOUBLE_EQUAL(d->mean_depth, 11.0 / 3.0, 1e-9);
    CU_ASSERT_STRING_EQUAL(v8a_profile_string(p, p->frames[d->frame].name), "f");
    CU_ASSERT_EQUAL(p->nodes[d->node].depth, 4);
    CU_ASSERT_FATAL(d->nranges == 1);
    CU_ASSERT_EQUAL(d->ranges[0].count, 3);
    CU_ASSERT_EQUAL(d->ranges[0].duration_us, 3000);
    CU_ASSERT_EQUAL(r->kind, V8A_INSIGHT_REPEATED);
    CU_ASSERT_EQUAL(r->score_us, 3000);
    CU_ASSERT_EQUAL(r->count, 3);
    CU_ASSERT_STRING_EQUAL(v8a_profile_string(p, p->frames[r->frame].name), "g");
    CU_ASSERT_FATAL(r->nranges == 3);
    CU_ASSERT_EQUAL(r->ranges[0].start_us, 4000);
    CU_ASSERT_EQUAL(r->ranges[1].start_us, 6000);
    CU_ASSERT_EQUAL(r->ranges[2].start_us, 8000);
    CU_ASSERT_EQUAL(r->ranges[2].duration_us, 1000); /* the last lasts the median */
    v8a_insights_free(in);
    /* four bursts needed: no repeated pattern; bursts of 0.5 ms at most: none */
    o.min_bursts = 4;
    CU_ASSERT_FATAL(v8a_insights_new(&in, p, &o) == 0);
    CU_ASSERT_EQUAL(in->nitems, 1);
    v8a_insights_free(in);
    o.min_bursts = 3;
    o.max_burst_us = 500;
    CU_ASSERT_FATAL(v8a_insights_new(&in, p, &o) == 0);
    CU_ASSERT_EQUAL(in->nitems, 1);
    v8a_insights_free(in);
    /* deeper threshold: no deep finding */
    o.max_burst_us = 2000;
    o.deep_depth = 5;
    CU_ASSERT_FATAL(v8a_insights_new(&in, p, &o) == 0);
    CU_ASSERT_FATAL(in->nitems == 1);
    CU_ASSERT_EQUAL(in->items[0].kind, V8A_INSIGHT_REPEATED);
    v8a_insights_free(in);
    /* a heap profile is refused */
    v8a_profile *h = NULL;
    CU_ASSERT_FATAL(v8a_profile_read(fixture("hand/small.heapprofile"), NULL, &h) == 0);
    in = (v8a_insights *)1;
    CU_ASSERT_EQUAL(v8a_insights_new(&in, h, NULL), V8A_EUNSUPPORTED);
    CU_ASSERT_PTR_NULL(in);
    v8a_profile_free(h);
    v8a_profile_free(p);
}

static void test_insights_alloc_faults(void)
{
    v8a_profile *p = from_text(plateau_profile), *q = from_text(deep_profile);
    v8a_insights_options o;
    v8a_insights_options_init(&o);
    o.plateau_min_us = 3000;
    o.stall_min_us = 1000;
    o.deep_depth = 3;
    o.min_bursts = 3;
    o.min_share_pct = 0;
    for (int what = 0; what < 2; what++) {
        int ok = 0;
        for (uint64_t n = 1; n < 400 && !ok; n++) {
            v8a__alloc_fail_at(n, 0);
            v8a_insights *in = NULL;
            int rc = v8a_insights_new(&in, what ? q : p, &o);
            v8a__alloc_fail_at(0, 0);
            if (rc == 0) {
                ok = 1;
                v8a_insights_free(in);
            } else {
                CU_ASSERT_EQUAL(rc, V8A_ENOMEM);
                CU_ASSERT_PTR_NULL(in);
            }
        }
        CU_ASSERT(ok);
    }
    v8a_profile_free(p);
    v8a_profile_free(q);
}

void suite_profile_stats(CU_pSuite s)
{
    ADD(s, test_top_recursion_once);
    ADD(s, test_top_by_line);
    ADD(s, test_top_by_url_and_package);
    ADD(s, test_top_filters);
    ADD(s, test_blocking_stretches);
    ADD(s, test_diff_normalised);
    ADD(s, test_diff_absolute_threshold);
    ADD(s, test_diff_gates);
    ADD(s, test_heap_refused);
    ADD(s, test_alloc_faults);
    ADD(s, test_insights_plateau_gc_deopt);
    ADD(s, test_insights_deep_repeated);
    ADD(s, test_insights_alloc_faults);
}
