/* test_alloc_faults.c - every allocation of reading, storing, loading and
 * analysing a small snapshot, and of its retainer paths, is made to fail in
 * turn.
 *
 * A clean run first counts the allocations an operation makes (M); then for
 * each n in 1..M the nth fails. Each run must end in V8A_ENOMEM, or succeed
 * when the library recovered (the split parse falls back to one pass), and
 * must leave no block behind: the allocator's count of live blocks is
 * checked after every run, so leaks show up without a sanitizer too (and
 * the sanitizer build checks everything else).
 */
#include "suites.h"

#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*step_fn)(void *payload);

/* Runs step, which returns `want` when nothing fails, with each of its
 * allocations failing in turn. */
static void every_allocation_want(const char *what, step_fn step, void *payload, int want)
{
    v8a__alloc_fail_at(0, 0);
    int64_t live = v8a__alloc_live();
    CU_ASSERT_EQUAL_FATAL(step(payload), want);
    uint64_t total = v8a__alloc_fail_at(0, 0);
    CU_ASSERT_EQUAL(v8a__alloc_live(), live);
    CU_ASSERT(total > 0);
    for (uint64_t n = 1; n <= total; n++) {
        live = v8a__alloc_live();
        v8a__alloc_fail_at(n, 0);
        int rc = step(payload);
        v8a__alloc_fail_at(0, 0);
        if (rc != want && rc != V8A_ENOMEM) {
            CU_FAIL("an injected allocation failure was not reported as V8A_ENOMEM");
            fprintf(stderr, "\n%s: allocation %llu of %llu: %d %s\n", what, (unsigned long long)n,
                    (unsigned long long)total, rc, v8a_error_last()->message);
            return;
        }
        if (v8a__alloc_live() != live) {
            CU_FAIL("blocks leaked after an injected allocation failure");
            fprintf(stderr, "\n%s: allocation %llu of %llu: %lld blocks leaked\n", what,
                    (unsigned long long)n, (unsigned long long)total,
                    (long long)(v8a__alloc_live() - live));
            return;
        }
    }
}

static void every_allocation(const char *what, step_fn step, void *payload)
{
    every_allocation_want(what, step, payload, 0);
}

typedef struct {
    const char *path;
    int store;   /* write the heap to a database too */
    int no_mmap; /* read as a stream in small chunks */
    char db[512];
} read_job;

static int step_read(void *payload)
{
    read_job *j = payload;
    v8a_read_options o;
    v8a_read_options_init(&o);
    o.no_mmap = j->no_mmap;
    o.chunk_size = j->no_mmap ? 97 : 0;
    v8a_heap *h = NULL;
    int rc = v8a_heap_read(&h, j->path, &o);
    if (rc == 0 && j->store) rc = v8a_store_write_heap(h, j->db, NULL);
    v8a_heap_free(h);
    return rc;
}

static void fail_each(const char *rel, int store, int no_mmap)
{
    read_job j = {fixture(rel), store, no_mmap, ""};
    j.path = strdup(j.path);
    snprintf(j.db, sizeof j.db, "%s/faults.v8adb", test_tmpdir());
    every_allocation(rel, step_read, &j);
    free((void *)j.path);
}

static void test_read_faults(void)
{
    fail_each("hand/seven-fields.heapsnapshot", 0, 0);
    fail_each("hand/seven-fields.heapsnapshot", 0, 1);
    fail_each("hand/strings-unicode.heapsnapshot", 0, 0);
}

/* Malformed input: the error paths (yajl renders its message outside a
 * parse call, where a failed allocation has nowhere to jump) must cope too. */
static void test_bad_input_faults(void)
{
    const char *files[] = {"bad/trunc-strings.heapsnapshot", "bad/trailing-garbage.heapsnapshot",
                           "bad/hostile-bad-escape-in-string.heapsnapshot",
                           "bad/edge-sum-mismatch.heapsnapshot"};
    for (int f = 0; f < 4; f++)
        for (int stream = 0; stream < 2; stream++) {
            read_job j = {fixture(files[f]), 0, stream, ""};
            j.path = strdup(j.path);
            every_allocation_want(files[f], step_read, &j, V8A_EFORMAT);
            free((void *)j.path);
        }
}

static void test_store_faults(void)
{
    fail_each("hand/six-fields.heapsnapshot", 1, 0);
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
        every_allocation(files[f], step_analyze, h);
        v8a_heap_free(h);
    }
}

/* Retainer paths to every node and the groups of all of them, on a fresh
 * analysis each time (the retainer graph is built on first use). */
static int step_paths(void *payload)
{
    const v8a_heap *h = payload;
    v8a_analysis *a = NULL;
    int rc = v8a_analyze(&a, h, NULL);
    if (rc < 0) return rc;
    uint32_t count = v8a_heap_node_count(h);
    uint32_t targets[64];
    for (uint32_t i = 0; i < count && i < 64; i++) targets[i] = i;
    for (uint32_t t = 0; t < count && rc == 0; t++) {
        v8a_path *p = NULL;
        size_t np = 0;
        rc = v8a_retainer_paths(&p, &np, a, t, 3);
        v8a_paths_free(p, np);
    }
    if (rc == 0) {
        v8a_path_group *g = NULL;
        size_t ng = 0;
        rc = v8a_retainer_groups(&g, &ng, a, targets, count < 64 ? count : 64);
        v8a_path_groups_free(g, ng);
    }
    v8a_analysis_free(a);
    return rc;
}

static void test_paths_faults(void)
{
    v8a_heap *h = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture("hand/six-fields.heapsnapshot"), NULL), 0);
    every_allocation("paths", step_paths, h);
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
    every_allocation("load", step_load, db);
}

void suite_alloc_faults(CU_pSuite s)
{
    ADD(s, test_read_faults);
    ADD(s, test_bad_input_faults);
    ADD(s, test_store_faults);
    ADD(s, test_analysis_faults);
    ADD(s, test_paths_faults);
    ADD(s, test_load_faults);
}
