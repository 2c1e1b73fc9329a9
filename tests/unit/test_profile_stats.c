/* test_profile_stats.c - flame top, blocking and diff on hand-built profiles
 * with exact numbers: recursion counted once in totals, by-line splits,
 * filters, blocking stretches with GC inside and idle splitting, diff
 * normalisation and thresholds, gate measures, allocation faults. */
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
    CU_ASSERT_FATAL(b->nstretches == 2);
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
    CU_ASSERT_EQUAL(b->blocked_us, 7000);
    v8a_blocking_free(b);

    CU_ASSERT_FATAL(v8a_blocking_new(&b, p, 0) == 0);
    CU_ASSERT_EQUAL(b->nstretches, 4); /* 0-3, 5-7, 8, 11; the gc at 10 opens nothing */
    CU_ASSERT_EQUAL(b->stretches[2].start_us, 8000);
    CU_ASSERT_EQUAL(b->stretches[2].duration_us, 1000);
    CU_ASSERT_EQUAL(b->stretches[3].start_us, 11000);
    CU_ASSERT_EQUAL(b->blocked_us, 9000);
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
}
