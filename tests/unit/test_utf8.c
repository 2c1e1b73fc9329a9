/* test_utf8.c - strict UTF-8 validation and JSON string decoding (lib/utf8.c),
 * and the decoding policy end to end on hand/strings-unicode.heapsnapshot. */
#include "suites.h"

#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t vp(const char *s)
{
    return v8a__utf8_valid_prefix((const unsigned char *)s, strlen(s));
}

static void test_valid_prefix(void)
{
    CU_ASSERT_EQUAL(vp("plain ascii text, longer than eight"), 35);
    CU_ASSERT_EQUAL(vp("caf\xc3\xa9"), 5);
    CU_ASSERT_EQUAL(vp("\xe4\xb8\xad\xf0\x9f\x98\x80"), 7);
    CU_ASSERT_EQUAL(vp("ab\xc0\x80"), 2);         /* overlong NUL */
    CU_ASSERT_EQUAL(vp("ab\xed\xa0\x80"), 2);     /* encoded surrogate */
    CU_ASSERT_EQUAL(vp("ab\xf4\x90\x80\x80"), 2); /* above U+10FFFF */
    CU_ASSERT_EQUAL(vp("ab\xe0\x80\xaf"), 2);     /* overlong 3-byte */
    CU_ASSERT_EQUAL(vp("ab\xf0\x8f\xbf\xbf"), 2); /* overlong 4-byte */
    CU_ASSERT_EQUAL(vp("abc\xe4\xb8"), 3);        /* truncated */
    CU_ASSERT_EQUAL(vp("\xff"), 0);
    CU_ASSERT_EQUAL(vp("12345678\x80"), 8);
}

static int dec(const char *raw, char *out, size_t *n, size_t *bad)
{
    return v8a__json_string_decode((const unsigned char *)raw, strlen(raw), out, n, bad);
}

static void test_decode(void)
{
    char out[64];
    size_t n, bad;
    CU_ASSERT_EQUAL(dec("a\\\"b\\\\c\\/d\\n", out, &n, &bad), 0);
    CU_ASSERT_EQUAL(n, 8);
    CU_ASSERT_NSTRING_EQUAL(out, "a\"b\\c/d\n", 8);
    CU_ASSERT_EQUAL(dec("\\uD83D\\uDE00", out, &n, &bad), 0);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_NSTRING_EQUAL(out, "\xf0\x9f\x98\x80", 4);
    CU_ASSERT_EQUAL(dec("\\uD800", out, &n, &bad), 0); /* lone high */
    CU_ASSERT_NSTRING_EQUAL(out, "\xef\xbf\xbd", 3);
    CU_ASSERT_EQUAL(dec("\\uDC00x", out, &n, &bad), 0); /* lone low */
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_NSTRING_EQUAL(out, "\xef\xbf\xbdx", 4);
    CU_ASSERT_EQUAL(dec("\\uD800\\u0041", out, &n, &bad), 0); /* mis-paired */
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_NSTRING_EQUAL(out,
                            "\xef\xbf\xbd"
                            "A",
                            4);
    CU_ASSERT_EQUAL(dec("a\\u0000b", out, &n, &bad), 0); /* NUL */
    CU_ASSERT_NSTRING_EQUAL(out,
                            "a\xef\xbf\xbd"
                            "b",
                            5);
    CU_ASSERT_EQUAL(dec("ok\xc0\x80", out, &n, &bad), -1);
    CU_ASSERT_EQUAL(bad, 2);
    CU_ASSERT_EQUAL(dec("\\x", out, &n, &bad), -1);
    CU_ASSERT_EQUAL(dec("\\u12", out, &n, &bad), -1);
}

static int hexval(int c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Every string of the fixture decodes to the bytes its sidecar lists. */
static void test_fixture_policy(void)
{
    v8a_heap *h = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture("hand/strings-unicode.heapsnapshot"), NULL), 0);
    FILE *f = fopen(fixture("hand/strings-unicode.expected.txt"), "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char line[4096];
    int checked = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strrchr(line, '\t') : NULL;
        if (!tab1 || tab2 == tab1) continue;
        unsigned idx = (unsigned)atoi(line);
        char *hex = tab2 + 1;
        hex[strcspn(hex, "\r\n")] = '\0';
        unsigned char want[1024];
        size_t wn = 0;
        if (strcmp(hex, "-") != 0)
            for (size_t i = 0; hex[i] && hex[i + 1] && wn < sizeof want; i += 2)
                want[wn++] = (unsigned char)(hexval(hex[i]) * 16 + hexval(hex[i + 1]));
        size_t gn;
        const char *got = v8a_heap_string(h, idx, &gn);
        CU_ASSERT_EQUAL(gn, wn);
        if (gn == wn) CU_ASSERT_EQUAL(memcmp(got, want, wn), 0);
        if (gn != wn || memcmp(got, want, wn) != 0) fprintf(stderr, "string %u differs\n", idx);
        checked++;
    }
    fclose(f);
    CU_ASSERT_EQUAL(checked, (int)v8a_heap_string_count(h));
    v8a_heap_free(h);
}

void suite_utf8(CU_pSuite s)
{
    ADD(s, test_valid_prefix);
    ADD(s, test_decode);
    ADD(s, test_fixture_policy);
}
