/* test_alloc_faults.c - every allocation of reading, storing, loading and
 * analysing a small snapshot, and of its retainer paths, is made to fail in
 * turn; each run must end in a clean V8A_ENOMEM (and, under the sanitizer
 * build, leak nothing). */
#include "suites.h"

#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail_each(const char *rel, int store)
{
    char db[512];
    snprintf(db, sizeof db, "%s/faults.v8adb", test_tmpdir());
    int ok = 0;
    for (uint64_t n = 1; n < 100000 && !ok; n++) {
        v8a_heap *h = NULL;
        v8a__alloc_fail_at(n, 0);
        int rc = v8a_heap_read(&h, fixture(rel), NULL);
        if (rc == 0 && store) rc = v8a_store_write_heap(h, db, NULL);
        v8a__alloc_fail_at(0, 0);
        v8a_heap_free(h);
        if (rc == 0)
            ok = 1;
        else if (rc != V8A_ENOMEM) {
            CU_FAIL("an injected allocation failure was not reported as V8A_ENOMEM");
            fprintf(stderr, "\n%s: allocation %llu: %d %s\n", rel, (unsigned long long)n, rc,
                    v8a_error_last()->message);
            return;
        }
    }
    CU_ASSERT(ok);
}

static void test_read_faults(void)
{
    fail_each("hand/seven-fields.heapsnapshot", 0);
    fail_each("hand/strings-unicode.heapsnapshot", 0);
}

static void test_store_faults(void)
{
    fail_each("hand/six-fields.heapsnapshot", 1);
}

/* Runs step(payload) with the nth allocation failing, for n = 1, 2, ...
 * until it succeeds; every failure must be V8A_ENOMEM. */
static void fail_each_step(const char *what, int (*step)(void *payload), void *payload)
{
    int ok = 0;
    for (uint64_t n = 1; n < 100000 && !ok; n++) {
        v8a__alloc_fail_at(n, 0);
        int rc = step(payload);
        v8a__alloc_fail_at(0, 0);
        if (rc == 0)
            ok = 1;
        else if (rc != V8A_ENOMEM) {
            CU_FAIL("an injected allocation failure was not reported as V8A_ENOMEM");
            fprintf(stderr, "\n%s: allocation %llu: %d %s\n", what, (unsigned long long)n, rc,
                    v8a_error_last()->message);
            return;
        }
    }
    CU_ASSERT(ok);
}

static int step_analyze(void *payload)
{
    v8a_analysis *a = NULL;
    int rc = v8a_analyze(&a, payload, NULL);
    v8a_analysis_free(a);
    return rc;
}

static void test_analysis_faults(void)
{
    const char *files[] = {"hand/six-fields.heapsnapshot", "hand/seven-fields.heapsnapshot"};
    for (int f = 0; f < 2; f++) {
        v8a_heap *h = NULL;
        CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture(files[f]), NULL), 0);
        fail_each_step(files[f], step_analyze, h);
        v8a_heap_free(h);
    }
}

/* Retainer paths to every node and the groups of all of them, with the nth
 * allocation after the analysis failing (the retainer graph is built on
 * first use, so each run gets a fresh analysis). */
static int paths_at(const v8a_heap *h, uint64_t n)
{
    v8a_analysis *a = NULL;
    if (v8a_analyze(&a, h, NULL) < 0) return -100;
    uint32_t count = v8a_heap_node_count(h);
    uint32_t *targets = malloc(count * sizeof *targets);
    for (uint32_t i = 0; i < count; i++) targets[i] = i;
    v8a__alloc_fail_at(n, 0);
    v8a_path *p = NULL;
    size_t np = 0;
    int rc = 0;
    for (uint32_t t = 0; t < count && rc == 0; t++) {
        rc = v8a_retainer_paths(&p, &np, a, t, 3);
        v8a_paths_free(p, np);
    }
    v8a_path_group *g = NULL;
    size_t ng = 0;
    if (rc == 0) rc = v8a_retainer_groups(&g, &ng, a, targets, count);
    v8a_path_groups_free(g, ng);
    v8a__alloc_fail_at(0, 0);
    v8a_analysis_free(a);
    free(targets);
    return rc;
}

static void test_paths_faults(void)
{
    v8a_heap *h = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture("hand/six-fields.heapsnapshot"), NULL), 0);
    int ok = 0;
    for (uint64_t n = 1; n < 100000 && !ok; n++) {
        int rc = paths_at(h, n);
        if (rc == 0)
            ok = 1;
        else if (rc != V8A_ENOMEM) {
            CU_FAIL("an injected allocation failure in the paths was not V8A_ENOMEM");
            fprintf(stderr, "\npaths: allocation %llu: %d\n", (unsigned long long)n, rc);
            break;
        }
    }
    CU_ASSERT(ok);
    v8a_heap_free(h);
}

static int step_load(void *payload)
{
    v8a_store *s = NULL;
    v8a_heap *h = NULL;
    v8a_analysis *a = NULL;
    int rc = v8a_store_open(&s, payload);
    if (rc == 0) rc = v8a_store_load_heap(s, &h);
    if (rc == 0) rc = v8a_store_load_analysis(s, h, &a);
    v8a_analysis_free(a);
    v8a_heap_free(h);
    v8a_store_close(s);
    return rc;
}

static void test_load_faults(void)
{
    char db[512];
    snprintf(db, sizeof db, "%s/load-faults.v8adb", test_tmpdir());
    CU_ASSERT_EQUAL_FATAL(v8a_store_import(fixture("hand/seven-fields.heapsnapshot"), db, NULL), 0);
    fail_each_step("load", step_load, db);
}

void suite_alloc_faults(CU_pSuite s)
{
    ADD(s, test_read_faults);
    ADD(s, test_store_faults);
    ADD(s, test_analysis_faults);
    ADD(s, test_paths_faults);
    ADD(s, test_load_faults);
}
