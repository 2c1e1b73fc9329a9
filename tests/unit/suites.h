/* suites.h - the CUnit suites and the helpers they share. */
#ifndef V8A_TEST_SUITES_H
#define V8A_TEST_SUITES_H

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdint.h>
#include <v8a/v8a.h>

void suite_utf8(CU_pSuite s);
void suite_heap_reader(CU_pSuite s);
void suite_heap_bad(CU_pSuite s);
void suite_store(CU_pSuite s);
void suite_alloc_faults(CU_pSuite s);
void suite_regex(CU_pSuite s);
void suite_analysis(CU_pSuite s);
void suite_diff(CU_pSuite s);
void suite_profile(CU_pSuite s);
void suite_flame(CU_pSuite s);
void suite_profile_stats(CU_pSuite s);
void suite_hostile(CU_pSuite s);

/* Adds a test by function name. */
#define ADD(s, f) CU_add_test((s), #f, (f))

/* Path of a fixture (static buffer, valid until the next call). */
const char *fixture(const char *rel);

/* Reads a whole file, gunzipping .gz; returns a malloc'd buffer or NULL. */
unsigned char *slurp(const char *path, size_t *len);

/* A digest of everything a heap holds: counts, arrays, strings, layout. Two
 * reads of the same input must give the same digest. */
uint64_t heap_digest(const v8a_heap *h);

/* A fresh temporary directory for the test (removed by rm -rf at exit). */
const char *test_tmpdir(void);

#endif
