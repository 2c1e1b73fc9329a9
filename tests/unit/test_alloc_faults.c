/* test_alloc_faults.c - every allocation of reading and storing a small
 * snapshot is made to fail in turn; each run must end in a clean V8A_ENOMEM
 * (and, under the sanitizer build, leak nothing). */
#include "suites.h"

#include "alloc.h"

#include <stdio.h>
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

void suite_alloc_faults(CU_pSuite s)
{
    ADD(s, test_read_faults);
    ADD(s, test_store_faults);
}
