/* test_heap_reader.c - reading valid snapshots: real node output and the
 * hand-made layouts, and the same result whatever the feeding (mapped and
 * split across threads, one pass, gzip, chunks of 1..31 bytes, 4 and 64 KiB). */
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static v8a_heap *read_ok(const char *rel)
{
    v8a_heap *h = NULL;
    int rc = v8a_heap_read(&h, fixture(rel), NULL);
    if (rc < 0) fprintf(stderr, "\n%s: %s\n", rel, v8a_error_last()->message);
    CU_ASSERT_EQUAL(rc, 0);
    return h;
}

static uint32_t count_named(const v8a_heap *h, const char *type, const char *name)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < v8a_heap_node_count(h); i++)
        if (strcmp(v8a_heap_node_type_name(h, v8a_heap_node_type(h, i)), type) == 0 &&
            strcmp(v8a_heap_string(h, v8a_heap_node_name(h, i), NULL), name) == 0)
            n++;
    return n;
}

static void test_real_app(void)
{
    v8a_heap *b = read_ok("app-before.heapsnapshot.gz");
    v8a_heap *a = read_ok("app-after.heapsnapshot.gz");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(v8a_heap_node_count(a), v8a_heap_get_header(a)->node_count);
    CU_ASSERT_EQUAL(v8a_heap_edge_count(a), v8a_heap_get_header(a)->edge_count);
    CU_ASSERT_EQUAL(v8a_heap_node_field_count(a), 7);
    CU_ASSERT_EQUAL(v8a_heap_location_field_count(a), 4);
    CU_ASSERT_EQUAL(v8a_heap_node_type_count(a), 16);
    CU_ASSERT(v8a_heap_is_compressed(a));
    /* the planted objects (app-leak.expected.json) */
    CU_ASSERT_EQUAL(count_named(b, "object", "LeakRecord"), 100);
    CU_ASSERT_EQUAL(count_named(a, "object", "LeakRecord"), 2100);
    CU_ASSERT_EQUAL(count_named(a, "object", "CacheEntry"), 500);
    CU_ASSERT_EQUAL(count_named(a, "closure", "onRequestLeaked"), 305);
    /* node 0 is the synthetic root; ids are unique and findable */
    CU_ASSERT_STRING_EQUAL(v8a_heap_node_type_name(a, v8a_heap_node_type(a, 0)), "synthetic");
    for (uint32_t i = 0; i < v8a_heap_node_count(a); i += 97)
        CU_ASSERT_EQUAL(v8a_heap_find_id(a, v8a_heap_node_id(a, i)), i);
    CU_ASSERT_EQUAL(v8a_heap_find_id(a, 2), UINT32_MAX);
    /* trace_node_id is all zero without tracking: dropped */
    CU_ASSERT_EQUAL(v8a_heap_node_trace_node_id(a, 5), 0);
    v8a_heap_free(a);
    v8a_heap_free(b);
}

static void test_real_tracked(void)
{
    v8a_heap *h = read_ok("tracked.heapsnapshot.gz");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    /* the header claims fewer trace functions than the file holds (node v20) */
    CU_ASSERT(v8a_heap_trace_function_count(h) > 0);
    CU_ASSERT(v8a_heap_trace_node_count(h) > 0);
    int named = 0, tracked = 0;
    for (uint32_t i = 0; i < v8a_heap_trace_function_count(h); i++) {
        v8a_heap_trace_function f;
        v8a_heap_get_trace_function(h, i, &f);
        if (strcmp(v8a_heap_string(h, f.name, NULL), "allocWidgets") == 0) named = 1;
    }
    for (uint32_t i = 0; i < v8a_heap_node_count(h); i++)
        if (v8a_heap_node_trace_node_id(h, i)) tracked++;
    CU_ASSERT(named);
    CU_ASSERT(tracked > 0);
    /* trace parents point backwards (children follow their parent) */
    for (uint32_t i = 0; i < v8a_heap_trace_node_count(h); i++) {
        v8a_heap_trace_node t;
        v8a_heap_get_trace_node(h, i, &t);
        CU_ASSERT(t.parent == UINT32_MAX || t.parent < i);
        CU_ASSERT(t.function_info < v8a_heap_trace_function_count(h));
    }
    CU_ASSERT_EQUAL(count_named(h, "object", "TrackedWidget"), 300);
    v8a_heap_free(h);
}

static void test_six_fields(void)
{
    v8a_heap *h = read_ok("hand/six-fields.heapsnapshot");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(v8a_heap_node_field_count(h), 6);
    CU_ASSERT_EQUAL(v8a_heap_node_count(h), 10);
    CU_ASSERT_EQUAL(v8a_heap_edge_count(h), 17);
    CU_ASSERT_EQUAL(v8a_heap_location_count(h), 2);
    CU_ASSERT_FALSE(v8a_heap_get_header(h)->has_extra_native_bytes);
    v8a_heap_location l;
    v8a_heap_get_location(h, 0, &l);
    CU_ASSERT_EQUAL(l.script_node, UINT32_MAX);
    CU_ASSERT(l.node < 10);
    int detached = 0;
    for (uint32_t i = 0; i < 10; i++) detached += v8a_heap_node_detachedness(h, i) == 2;
    CU_ASSERT_EQUAL(detached, 1);
    /* element edges carry indexes, the others string ids */
    for (uint32_t e = 0; e < v8a_heap_edge_count(h); e++) {
        const char *t = v8a_heap_edge_type_name(h, v8a_heap_edge_type(h, e));
        CU_ASSERT_EQUAL(v8a_heap_edge_name_is_index(h, e),
                        strcmp(t, "element") == 0 || strcmp(t, "hidden") == 0);
    }
    v8a_heap_free(h);
}

static void test_seven_fields(void)
{
    v8a_heap *h = read_ok("hand/seven-fields.heapsnapshot");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(v8a_heap_node_field_count(h), 7);
    CU_ASSERT_EQUAL(v8a_heap_location_field_count(h), 5);
    CU_ASSERT(v8a_heap_get_header(h)->has_extra_native_bytes);
    CU_ASSERT_EQUAL(v8a_heap_get_header(h)->extra_native_bytes, 12345);
    CU_ASSERT_EQUAL(v8a_heap_trace_function_count(h), 2);
    CU_ASSERT_EQUAL(v8a_heap_sample_count(h), 2);
    v8a_heap_location l;
    v8a_heap_get_location(h, 0, &l);
    CU_ASSERT(l.script_node != UINT32_MAX);
    /* a three-level tree: some node has a parent that has a parent */
    int deep = 0;
    for (uint32_t i = 0; i < v8a_heap_trace_node_count(h); i++) {
        v8a_heap_trace_node t, p;
        v8a_heap_get_trace_node(h, i, &t);
        if (t.parent == UINT32_MAX) continue;
        v8a_heap_get_trace_node(h, t.parent, &p);
        if (p.parent != UINT32_MAX) deep = 1;
    }
    CU_ASSERT(deep);
    v8a_heap_free(h);
}

static void test_edge_layouts(void)
{
    v8a_heap *h = read_ok("hand/empty-arrays.heapsnapshot");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(v8a_heap_node_count(h), 1);
    CU_ASSERT_EQUAL(v8a_heap_edge_count(h), 0);
    CU_ASSERT_EQUAL(v8a_heap_node_edge_count(h, 0), 0);
    v8a_heap_free(h);
    h = read_ok("hand/unknown-keys.heapsnapshot");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(v8a_heap_node_count(h), 5);
    CU_ASSERT_EQUAL(v8a_heap_node_field_count(h), 7); /* 6 known + extra_field */
    v8a_heap_free(h);
}

static void test_header_only(void)
{
    v8a_heap *h = NULL;
    v8a_read_options o;
    v8a_read_options_init(&o);
    o.header_only = 1;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture("app-after.heapsnapshot.gz"), &o), 0);
    CU_ASSERT(v8a_heap_get_header(h)->node_count > 60000);
    CU_ASSERT_EQUAL(v8a_heap_node_count(h), 0);
    v8a_heap_free(h);
}

/* Every way of feeding gives the same heap. */
static void same_everywhere(const char *rel, int small_chunks)
{
    size_t len;
    unsigned char *buf = slurp(fixture(rel), &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    v8a_heap *h = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture(rel), NULL), 0);
    uint64_t want = heap_digest(h);
    v8a_heap_free(h);
    v8a_read_options o;
    v8a_read_options_init(&o);
    size_t sizes[40];
    int n = 0;
    sizes[n++] = 0; /* whole buffer, split parse */
    if (small_chunks)
        for (size_t k = 1; k <= 31; k++) sizes[n++] = k;
    else {
        sizes[n++] = 1;
        sizes[n++] = 7;
        sizes[n++] = 31;
    }
    sizes[n++] = 4096;
    sizes[n++] = 65536;
    for (int i = 0; i < n; i++) {
        o.chunk_size = sizes[i];
        o.no_mmap = sizes[i] != 0;
        int rc = v8a_heap_read_buffer(&h, buf, len, rel, &o);
        CU_ASSERT_EQUAL(rc, 0);
        if (rc == 0) {
            CU_ASSERT_EQUAL(heap_digest(h), want);
            if (heap_digest(h) != want) fprintf(stderr, "\n%s: chunk %zu differs\n", rel, sizes[i]);
        }
        v8a_heap_free(h);
    }
    free(buf);
}

static void test_chunking_hand(void)
{
    const char *files[] = {"hand/six-fields.heapsnapshot", "hand/seven-fields.heapsnapshot",
                           "hand/strings-unicode.heapsnapshot", "hand/empty-arrays.heapsnapshot",
                           "hand/unknown-keys.heapsnapshot"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) same_everywhere(files[i], 1);
}

static void test_chunking_real(void)
{
    same_everywhere("tracked.heapsnapshot.gz", 0);
    same_everywhere("app-before.heapsnapshot.gz", 0);
}

/* A plain (uncompressed) copy is mapped and split across threads; it must
 * equal the gzip stream read. */
static void test_mapped_equals_gzip(void)
{
    size_t len;
    unsigned char *buf = slurp(fixture("app-after.heapsnapshot.gz"), &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    char path[512];
    snprintf(path, sizeof path, "%s/plain.heapsnapshot", test_tmpdir());
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fwrite(buf, 1, len, f);
    fclose(f);
    free(buf);
    v8a_heap *a = NULL, *b = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&a, path, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&b, fixture("app-after.heapsnapshot.gz"), NULL), 0);
    CU_ASSERT_EQUAL(heap_digest(a), heap_digest(b));
    CU_ASSERT_FALSE(v8a_heap_is_compressed(a));
    v8a_heap_free(a);
    v8a_heap_free(b);
}

void suite_heap_reader(CU_pSuite s)
{
    ADD(s, test_real_app);
    ADD(s, test_real_tracked);
    ADD(s, test_six_fields);
    ADD(s, test_seven_fields);
    ADD(s, test_edge_layouts);
    ADD(s, test_header_only);
    ADD(s, test_chunking_hand);
    ADD(s, test_chunking_real);
    ADD(s, test_mapped_equals_gzip);
}
