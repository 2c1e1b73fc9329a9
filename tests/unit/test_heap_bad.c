/* test_heap_bad.c - the malformed-input corpus (tests/fixtures/bad/cases.tsv).
 *
 * Every case must fail with V8A_EFORMAT (or V8A_EUNSUPPORTED / V8A_ENOMEM
 * where the file asks for more than v8a supports), with a one-line message
 * that names the file and says where: the byte offset (within a few bytes of
 * the one the corpus records; yajl reports token ends) or the node or edge.
 */
#include "suites.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The number after "byte " in msg, or -1. */
static long byte_of(const char *msg)
{
    const char *p = strstr(msg, "byte ");
    return p ? strtol(p + 5, NULL, 10) : -1;
}

/* msg mentions "<word> <n>" (node 3, edge 15, nodes 6 and 7). */
static int mentions(const char *msg, const char *word, long n)
{
    char pat[64];
    snprintf(pat, sizeof pat, "%s %ld", word, n);
    for (const char *p = strstr(msg, pat); p; p = strstr(p + 1, pat)) {
        char after = p[strlen(pat)];
        if (!isdigit((unsigned char)after)) return 1;
    }
    snprintf(pat, sizeof pat, " and %ld", n);
    return strstr(msg, pat) != NULL;
}

static void check_case(const char *file, const char *kind, long offset, long byte_offset, int split)
{
    char rel[512];
    snprintf(rel, sizeof rel, "bad/%s", file);
    const char *path = fixture(rel);
    v8a_heap *h = NULL;
    v8a_read_options o;
    v8a_read_options_init(&o);
    o.no_mmap = !split;
    int rc = v8a_heap_read(&h, path, &o);
    CU_ASSERT(rc == V8A_EFORMAT || rc == V8A_EUNSUPPORTED);
    CU_ASSERT_PTR_NULL(h);
    if (rc >= 0) {
        fprintf(stderr, "\n%s: accepted\n", file);
        v8a_heap_free(h);
        return;
    }
    const char *msg = v8a_error_last()->message;
    CU_ASSERT(strncmp(msg, path, strlen(path)) == 0);
    CU_ASSERT(strchr(msg, '\n') == NULL);
    int ok;
    size_t fl = strlen(file);
    if (fl > 3 && strcmp(file + fl - 3, ".gz") == 0) {
        /* offsets count uncompressed bytes there */
        ok = strstr(msg, "gzip") != NULL && byte_of(msg) >= 0;
    } else if (offset == 0 && strstr(msg, "empty file")) {
        ok = 1;
    } else if (strcmp(kind, "byte") == 0) {
        long b = byte_of(msg);
        ok = b >= 0 && labs(b - offset) <= 8;
    } else {
        /* a graph fault: the node or edge is named, or (edge totals) the byte */
        ok = mentions(msg, kind, offset) || strstr(msg, "add up") ||
             (byte_of(msg) >= 0 && labs(byte_of(msg) - byte_offset) <= 8);
    }
    CU_ASSERT(ok);
    if (!ok) fprintf(stderr, "\n%s: expected %s %ld, got: %s\n", file, kind, offset, msg);
}

static void run_corpus(int split)
{
    FILE *f = fopen(fixture("bad/cases.tsv"), "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char line[2048];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char *cols[8] = {0};
        int k = 0;
        for (char *p = strtok(line, "\t\n"); p && k < 8; p = strtok(NULL, "\t\n")) cols[k++] = p;
        if (k < 6 || strcmp(cols[0], "file") == 0) continue;
        check_case(cols[0], cols[4], atol(cols[2]), atol(cols[5]), split);
        n++;
    }
    fclose(f);
    CU_ASSERT(n >= 30);
}

static void test_corpus_sequential(void)
{
    run_corpus(0);
}

static void test_corpus_split(void)
{
    run_corpus(1);
}

/* Raw bytes that are not UTF-8 make the file malformed JSON (policy in
 * docs/formats.md); yajl lets them through, v8a does not. */
static void test_raw_invalid_utf8(void)
{
    v8a_heap *h = NULL;
    const char *path = fixture("hand/raw-invalid-utf8.heapsnapshot");
    CU_ASSERT_EQUAL(v8a_heap_read(&h, path, NULL), V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "invalid UTF-8"));
    CU_ASSERT(byte_of(v8a_error_last()->message) > 0);
}

static int read_text(const char *text, const char *name)
{
    v8a_heap *h = NULL;
    int rc = v8a_heap_read_buffer(&h, text, strlen(text), name, NULL);
    v8a_heap_free(h);
    return rc;
}

#define META                                                                                       \
    "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\","            \
    "\"edge_count\"],\"node_types\":[[\"hidden\",\"synthetic\"]],\"edge_fields\":[\"type\","       \
    "\"name_or_index\",\"to_node\"],\"edge_types\":[[\"element\",\"property\"]]},"                 \
    "\"node_count\":2,\"edge_count\":1},"

static void test_small_cases(void)
{
    /* valid */
    CU_ASSERT_EQUAL(read_text(META "\"nodes\":[1,0,1,0,1,0,0,3,8,0],\"edges\":[1,1,5],"
                                   "\"strings\":[\"\",\"a\"]}",
                              "ok"),
                    0);
    /* nodes before the header */
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[]}", "early"), V8A_EUNSUPPORTED);
    /* an integer with an exponent */
    CU_ASSERT_EQUAL(read_text(META "\"nodes\":[1,0,1,0,1,0,0,3e0,8,0]}", "exp"), V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "found 3e0"));
    /* -0 is not a non-negative integer either */
    CU_ASSERT_EQUAL(read_text(META "\"nodes\":[1,0,1,-0,1,0,0,3,8,0]}", "minus0"), V8A_EFORMAT);
    /* a string index into strings that are not there */
    CU_ASSERT_EQUAL(read_text(META "\"nodes\":[1,0,1,0,1,0,7,3,8,0],\"edges\":[1,1,5],"
                                   "\"strings\":[\"\",\"a\"]}",
                              "name"),
                    V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "node 1 (@3)"));
    /* deep nesting in an unknown key is skipped, not an error */
    char deep[4096] = META "\"x\":";
    for (int i = 0; i < 1000; i++) strcat(deep, "[");
    for (int i = 0; i < 1000; i++) strcat(deep, "]");
    strcat(deep, ",\"nodes\":[1,0,1,0,1,0,0,3,8,0],\"edges\":[1,1,5],\"strings\":[\"\",\"a\"]}");
    CU_ASSERT_EQUAL(read_text(deep, "deep"), 0);
    /* a string above the limit */
    v8a_read_options o;
    v8a_read_options_init(&o);
    o.max_string = 4;
    v8a_heap *h = NULL;
    const char *big = META "\"nodes\":[1,0,1,0,1,0,0,3,8,0],\"edges\":[1,1,5],"
                           "\"strings\":[\"\",\"abcdefgh\"]}";
    CU_ASSERT_EQUAL(v8a_heap_read_buffer(&h, big, strlen(big), "big", &o), V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "exceeds the limit"));
}

void suite_heap_bad(CU_pSuite s)
{
    ADD(s, test_corpus_sequential);
    ADD(s, test_corpus_split);
    ADD(s, test_raw_invalid_utf8);
    ADD(s, test_small_cases);
}
