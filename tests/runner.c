/* runner.c - the one CUnit runner: `v8a_tests [SUITE]` runs all suites or one.
 *
 * CUnit's CU_basic_run_tests() returns 0 even when tests fail, and a failed
 * suite setup leaves the failure counters at 0, so the exit status is taken
 * from the failure records and from the suites that could not run.
 */
#include "unit/suites.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>
#include <v8a/v8a.h>

typedef struct {
    const char *name;
    void (*add)(CU_pSuite s);
} suite_def;

static const suite_def suites[] = {
    /* one per line */
    {"utf8", suite_utf8},
    {"heap_reader", suite_heap_reader},
    {"heap_bad", suite_heap_bad},
    {"store", suite_store},
    {"alloc_faults", suite_alloc_faults},
    {"regex", suite_regex},
    {"analysis", suite_analysis},
    {"diff", suite_diff},
    {"profile", suite_profile},
    {"flame", suite_flame},
    {"profile_stats", suite_profile_stats},
    {"hostile", suite_hostile},
};

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    int found = 0;
    for (size_t i = 0; i < sizeof suites / sizeof *suites; i++) {
        if (only && strcmp(only, suites[i].name) != 0) continue;
        CU_pSuite s = CU_add_suite(suites[i].name, NULL, NULL);
        if (!s) return 2;
        suites[i].add(s);
        found++;
    }
    if (!found) {
        fprintf(stderr, "v8a_tests: no suite named '%s'\n", only);
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failure_records();
    unsigned inactive = CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    v8a_flame_global_cleanup(); /* Cairo's font caches, for the leak checker */
    return failures || inactive ? 1 : 0;
}
