/* test_regex.c - PCRE2 patterns from users (lib/regex.c): matching, errors
 * with offsets, and limits that turn catastrophic patterns into errors. */
#include "suites.h"

#include <string.h>
#include <time.h>

static int m(v8a_regex *re, const char *s)
{
    return v8a_regex_match(re, s, strlen(s));
}

static void test_match(void)
{
    v8a_regex *re = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_regex_new(&re, "^Leak.*Record$", "--class"), 0);
    CU_ASSERT_EQUAL(m(re, "LeakRecord"), 1);
    CU_ASSERT_EQUAL(m(re, "LeakyRecords"), 0);
    CU_ASSERT_EQUAL(m(re, "xLeakRecord"), 0);
    v8a_regex_free(re);
    /* UTF-8 aware, and JavaScript's \u escapes */
    CU_ASSERT_EQUAL_FATAL(v8a_regex_new(&re, "^caf.$|\\u4e2d", "--class"), 0);
    CU_ASSERT_EQUAL(m(re, "caf\xc3\xa9"), 1);
    CU_ASSERT_EQUAL(m(re, "x\xe4\xb8\xadx"), 1);
    /* invalid UTF-8 in a subject is a barrier, not an error */
    CU_ASSERT_EQUAL(v8a_regex_match(re, "caf\xff", 4), 0);
    v8a_regex_free(re);
}

static void test_errors(void)
{
    v8a_regex *re = NULL;
    CU_ASSERT_EQUAL(v8a_regex_new(&re, "Leak(Record", "--class"), V8A_EINVAL);
    CU_ASSERT_PTR_NULL(re);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "--class: regex error at offset 11"));
    CU_ASSERT_EQUAL(v8a_regex_new(&re, "a\\Cb", "--ignore"), V8A_EINVAL);
    char big[70000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CU_ASSERT_EQUAL(v8a_regex_new(&re, big, "--class"), V8A_EINVAL);
}

static void test_catastrophic(void)
{
    v8a_regex *re = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_regex_new(&re, "(a+)+$", "--class"), 0);
    char subject[64];
    memset(subject, 'a', 40);
    strcpy(subject + 40, "!");
    clock_t t = clock();
    CU_ASSERT_EQUAL(m(re, subject), V8A_EINVAL);
    CU_ASSERT((double)(clock() - t) / CLOCKS_PER_SEC < 5.0);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "match limit"));
    v8a_regex_free(re);
}

void suite_regex(CU_pSuite s)
{
    ADD(s, test_match);
    ADD(s, test_errors);
    ADD(s, test_catastrophic);
}
