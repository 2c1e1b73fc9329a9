/* test_diff.c - the Comparison engine (v8a/diff.h) and the --fail-on gate
 * grammar (v8a/gate.h). */
#include "suites.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const v8a_diff_class *find(const v8a_diff *d, const char *name)
{
    for (size_t i = 0; i < v8a_diff_class_count(d); i++)
        if (strcmp(v8a_diff_get_class(d, i)->name, name) == 0) return v8a_diff_get_class(d, i);
    return NULL;
}

static void load(const char *name, v8a_heap **h, v8a_analysis **a)
{
    *h = NULL;
    *a = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(h, fixture(name), NULL), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_analyze(a, *h, NULL), 0);
}

/* A snapshot against itself: nothing new, nothing deleted. */
static void test_self(void)
{
    v8a_heap *h;
    v8a_analysis *a;
    load("app-before.heapsnapshot.gz", &h, &a);
    v8a_diff_side *s = NULL;
    v8a_diff *d = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_diff_side_new(&s, h, a), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_diff_compare(&d, s, s), 0);
    CU_ASSERT_TRUE(v8a_diff_class_count(d) > 10);
    for (size_t i = 0; i < v8a_diff_class_count(d); i++) {
        const v8a_diff_class *c = v8a_diff_get_class(d, i);
        CU_ASSERT_FALSE(c->in_devtools);
        CU_ASSERT_EQUAL(c->new_count + c->deleted_count + c->resized_count, 0);
        CU_ASSERT_EQUAL(c->count_before, c->count_after);
    }
    v8a_diff_free(d);
    v8a_diff_side_free(s);
    v8a_analysis_free(a);
    v8a_heap_free(h);
}

/* The fixture pair: DevTools' numbers (tests/conformance/diff.sh checks every
 * class; these are the planted ones), and the sort order. */
static void test_pair(void)
{
    v8a_heap *hb, *ha;
    v8a_analysis *b, *a;
    load("app-before.heapsnapshot.gz", &hb, &b);
    load("app-after.heapsnapshot.gz", &ha, &a);
    CU_ASSERT_EQUAL(v8a_analysis_apply_interfaces(b, v8a_analysis_get_interfaces(a)), 0);
    v8a_diff_side *sb = NULL, *sa = NULL;
    v8a_diff *d = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_diff_side_new(&sb, hb, b), 0);
    v8a_analysis_free(b);
    v8a_heap_free(hb); /* a side outlives its heap */
    CU_ASSERT_EQUAL_FATAL(v8a_diff_side_new(&sa, ha, a), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_diff_compare(&d, sb, sa), 0);
    const v8a_diff_class *c = find(d, "LeakRecord");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(c->key, "82,49,13,LeakRecord");
    CU_ASSERT_EQUAL(c->new_count, 2000);
    CU_ASSERT_EQUAL(c->deleted_count, 0);
    CU_ASSERT_EQUAL(c->alloc_size, 96000);
    CU_ASSERT_EQUAL(c->size_delta, 96000);
    CU_ASSERT_TRUE(c->in_devtools);
    size_t n = 0;
    const uint32_t *o = v8a_diff_new_objects(d, (size_t)(c - v8a_diff_get_class(d, 0)), &n);
    CU_ASSERT_EQUAL(n, 2000);
    for (size_t i = 1; i < n; i++)
        CU_ASSERT_TRUE(v8a_heap_node_id(ha, o[i - 1]) < v8a_heap_node_id(ha, o[i]));
    c = find(d, "system / JSArrayBufferData");
    CU_ASSERT_TRUE(c && c->new_count == 2201 && c->deleted_count == 1 && c->freed_size == 2);
    for (size_t i = 1; i < v8a_diff_class_count(d); i++)
        CU_ASSERT_TRUE(v8a_diff_get_class(d, i - 1)->size_delta >=
                       v8a_diff_get_class(d, i)->size_delta);
    v8a_diff_free(d);
    v8a_diff_side_free(sb);
    v8a_diff_side_free(sa);
    v8a_analysis_free(a);
    v8a_heap_free(ha);
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* memlab's set algebra on ids. */
static void test_leaked(void)
{
    v8a_heap *h;
    v8a_analysis *a;
    load("app-after.heapsnapshot.gz", &h, &a);
    uint32_t n = v8a_heap_node_count(h);
    uint64_t *all = malloc(n * sizeof *all), *half = malloc(n * sizeof *half);
    CU_ASSERT_PTR_NOT_NULL_FATAL(all);
    CU_ASSERT_PTR_NOT_NULL_FATAL(half);
    size_t nh = 0;
    for (uint32_t i = 0; i < n; i++) {
        all[i] = v8a_heap_node_id(h, i);
        if (i % 2) half[nh++] = all[i];
    }
    qsort(all, n, sizeof *all, cmp_u64);
    qsort(half, nh, sizeof *half, cmp_u64);
    uint32_t *o = NULL;
    size_t k = 0;
    /* everything in the baseline: nothing leaked */
    CU_ASSERT_EQUAL(v8a_diff_leaked(&o, &k, all, n, all, n, h), 0);
    CU_ASSERT_EQUAL(k, 0);
    v8a_free(o);
    /* half in the baseline: only the other half, minus trivial nodes */
    CU_ASSERT_EQUAL(v8a_diff_leaked(&o, &k, half, nh, all, n, h), 0);
    CU_ASSERT_TRUE(k > 0 && k <= n - nh);
    for (size_t i = 0; i < k; i++) CU_ASSERT_EQUAL(o[i] % 2, 0);
    v8a_free(o);
    /* unsorted ids are the caller's bug */
    uint64_t bad[2] = {5, 3};
    CU_ASSERT_EQUAL(v8a_diff_leaked(&o, &k, bad, 2, all, n, h), V8A_EINVAL);
    free(all);
    free(half);
    v8a_analysis_free(a);
    v8a_heap_free(h);
}

static void test_gate_parse(void)
{
    v8a_gate *g = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_gate_parse(&g, "class:/Cache.*/.size>+1MB"), 0);
    CU_ASSERT_STRING_EQUAL(g->subject, "class");
    CU_ASSERT_STRING_EQUAL(g->target, "Cache.*");
    CU_ASSERT_TRUE(g->target_is_regex);
    CU_ASSERT_STRING_EQUAL(g->field, "size");
    CU_ASSERT_EQUAL(g->op, V8A_GATE_GT);
    CU_ASSERT_EQUAL(g->unit, V8A_UNIT_BYTES);
    CU_ASSERT_DOUBLE_EQUAL(g->value, 1e6, 0.5);
    CU_ASSERT_TRUE(g->change);
    v8a_gate_free(g);

    CU_ASSERT_EQUAL_FATAL(v8a_gate_parse(&g, "class:\"Detached <div>\".count>=10"), 0);
    CU_ASSERT_STRING_EQUAL(g->target, "Detached <div>");
    CU_ASSERT_FALSE(g->change);
    CU_ASSERT_EQUAL(g->op, V8A_GATE_GE);
    CU_ASSERT_EQUAL(g->unit, V8A_UNIT_COUNT);
    v8a_gate_free(g);

    CU_ASSERT_EQUAL_FATAL(v8a_gate_parse(&g, "max>100ms"), 0);
    CU_ASSERT_EQUAL(g->unit, V8A_UNIT_TIME);
    CU_ASSERT_DOUBLE_EQUAL(g->value, 100000, 0.5);
    CU_ASSERT_PTR_NULL(g->target);
    CU_ASSERT_PTR_NULL(g->field);
    v8a_gate_free(g);

    CU_ASSERT_EQUAL_FATAL(v8a_gate_parse(&g, "heap<=-1.5KiB"), 0);
    CU_ASSERT_DOUBLE_EQUAL(g->value, -1536, 0.01);
    CU_ASSERT_EQUAL(g->op, V8A_GATE_LE);
    v8a_gate_free(g);

    static const struct {
        const char *expr, *msg;
    } bad[] = {
        {"", "'': column 1: expected a measure such as 'total' or 'class:NAME'"},
        {"total", "'total': column 6: expected a comparison: >, >=, < or <="},
        {"total>+", "'total>+': column 8: expected a number"},
        {"total>5 MB", "'total>5 MB': column 8: unexpected text after the value"},
        {"class:\"x>1", "'class:\\\"x>1': column 11: the quoted name has no closing '\"'"},
        {"Total>1", "'Total>1': column 1: expected a measure such as 'total' or 'class:NAME'"},
        {"total.>1", "'total.>1': column 7: expected a field name after '.'"},
        {"total>1e9",
         "'total>1e9': column 8: unknown unit (B, KB, MB, GB, KiB, MiB, GiB, us, ms, s or %)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        g = NULL;
        CU_ASSERT_EQUAL(v8a_gate_parse(&g, bad[i].expr), V8A_EINVAL);
        CU_ASSERT_PTR_NULL(g);
        CU_ASSERT_STRING_EQUAL(v8a_error_last()->message, bad[i].msg);
    }
}

static void test_gate_check(void)
{
    v8a_gate *g = NULL;
    double m;
    CU_ASSERT_EQUAL_FATAL(v8a_gate_parse(&g, "total>+10%"), 0);
    CU_ASSERT_EQUAL(v8a_gate_check(g, 100, 111, &m), 1);
    CU_ASSERT_DOUBLE_EQUAL(m, 11, 1e-9);
    CU_ASSERT_EQUAL(v8a_gate_check(g, 100, 110, &m), 0);
    CU_ASSERT_EQUAL(v8a_gate_check(g, 0, 1, &m), 1);
    CU_ASSERT_TRUE(isinf(m));
    CU_ASSERT_EQUAL(v8a_gate_check(g, 0, 0, &m), 0);
    v8a_gate_free(g);
    CU_ASSERT_EQUAL_FATAL(v8a_gate_parse(&g, "total>+5MB"), 0);
    CU_ASSERT_EQUAL(v8a_gate_check(g, 1e9, 1e9 + 5e6, &m), 0);
    CU_ASSERT_EQUAL(v8a_gate_check(g, 1e9, 1e9 + 5e6 + 1, &m), 1);
    v8a_gate_free(g);
    CU_ASSERT_EQUAL_FATAL(v8a_gate_parse(&g, "total<100"), 0); /* the value after */
    CU_ASSERT_EQUAL(v8a_gate_check(g, 1000, 99, &m), 1);
    CU_ASSERT_DOUBLE_EQUAL(m, 99, 1e-9);
    v8a_gate_free(g);
}

void suite_diff(CU_pSuite s)
{
    ADD(s, test_self);
    ADD(s, test_pair);
    ADD(s, test_leaked);
    ADD(s, test_gate_parse);
    ADD(s, test_gate_check);
}
