/* test_analysis.c - DevTools' numbers: the test vectors of DevTools' own
 * HeapSnapshot tests, and values DevTools computed for the fixtures (taken
 * from its heap snapshot worker through tests/conformance). */
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static v8a_heap *from_text(const char *text)
{
    v8a_heap *h = NULL;
    if (v8a_heap_read_buffer(&h, text, strlen(text), "mock", NULL) < 0)
        fprintf(stderr, "\n%s\n", v8a_error_last()->message);
    return h;
}

/* DevTools' createHeapSnapshotMockRaw: root -a-> A, -b-> B; A -1-> B, -ac-> C;
 * B -bc-> C, -bd-> D; C -ce-> E. */
static void test_mock_a(void)
{
    v8a_heap *h = from_text(
        "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\","
        "\"retained_size\",\"dominator\",\"edge_count\"],\"node_types\":[[\"hidden\",\"object\"]],"
        "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
        "\"edge_types\":[[\"element\",\"property\",\"shortcut\"]]},\"node_count\":6,"
        "\"edge_count\":7},"
        "\"nodes\":[0,0,1,0,20,0,2, 1,1,2,2,2,0,2, 1,2,3,3,8,0,2, 1,3,4,4,10,0,1,"
        " 1,4,5,5,5,14,0, 1,5,6,6,6,21,0],"
        "\"edges\":[1,6,7, 1,7,14, 0,1,14, 1,8,21, 1,9,21, 1,10,28, 1,11,35],"
        "\"strings\":[\"\",\"A\",\"B\",\"C\",\"D\",\"E\",\"a\",\"b\",\"ac\",\"bc\",\"bd\",\"ce\"]"
        "}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    v8a_analysis *a = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_analyze(&a, h, NULL), 0);
    static const uint32_t dom[] = {0, 0, 0, 0, 2, 3};
    static const uint64_t ret[] = {20, 2, 8, 10, 5, 6};
    for (uint32_t i = 0; i < 6; i++) {
        CU_ASSERT_EQUAL(v8a_analysis_dominator(a, i), dom[i]);
        CU_ASSERT_EQUAL(v8a_analysis_retained_size(a, i), ret[i]);
    }
    CU_ASSERT_EQUAL(v8a_analysis_total_size(a), 20);
    /* aggregates: one instance each, retained as the node's */
    for (uint32_t c = 0; c < v8a_analysis_class_count(a); c++) {
        const v8a_class_info *ci = v8a_analysis_get_class(a, c);
        if (strcmp(ci->name, "C") == 0) {
            CU_ASSERT_EQUAL(ci->count, 1);
            CU_ASSERT_EQUAL(ci->retained_size, 10);
        }
    }
    v8a_analysis_free(a);
    v8a_heap_free(h);
}

/* The WeakMap table -> value edge does not count for dominators, the key ->
 * value edge does; the value is retained by the key. */
static void test_weakmap_edges(void)
{
    const char *name = "1 / part of key (Key @5) -> value (Val @7) pair in WeakMap (table @9)";
    char text[2048];
    snprintf(text, sizeof text,
             "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\","
             "\"edge_count\"],\"node_types\":[[\"synthetic\",\"object\",\"hidden\"]],"
             "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
             "\"edge_types\":[[\"element\",\"property\",\"internal\",\"shortcut\"]]},"
             "\"node_count\":5,\"edge_count\":5},"
             /* root(1) -shortcut-> G(3); G -p-> T(9), -p-> K(5); T -i-> V(7); K -i-> V */
             "\"nodes\":[0,0,1,0,1, 1,1,3,10,2, 2,2,9,20,1, 1,3,5,30,1, 1,4,7,40,0],"
             "\"edges\":[3,5,5, 1,6,10, 1,7,15, 2,8,20, 2,8,20],"
             "\"strings\":[\"\",\"G\",\"T\",\"K\",\"V\",\"g\",\"t\",\"k\",\"%s\"]}",
             name);
    v8a_heap *h = from_text(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    v8a_analysis *a = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_analyze(&a, h, NULL), 0);
    CU_ASSERT_EQUAL(v8a_analysis_dominator(a, 4), 3); /* V by K */
    CU_ASSERT_EQUAL(v8a_analysis_retained_size(a, 3), 70);
    v8a_analysis_free(a);
    v8a_heap_free(h);
}

static const v8a_class_info *find_class(const v8a_analysis *a, const char *name)
{
    for (uint32_t c = 0; c < v8a_analysis_class_count(a); c++) {
        const v8a_class_info *ci = v8a_analysis_get_class(a, c);
        if (ci->in_summary && strcmp(ci->name, name) == 0) return ci;
    }
    return NULL;
}

/* Values DevTools' worker computed for app-after.heapsnapshot.gz. */
static void test_devtools_values(void)
{
    v8a_heap *h = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture("app-after.heapsnapshot.gz"), NULL), 0);
    v8a_analysis *a = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_analyze(&a, h, NULL), 0);
    static const struct {
        const char *name, *key;
        uint32_t count;
        uint64_t shallow, retained;
        int32_t distance;
    } want[] = {
        {"(system)", ",(system)", 1329, 80656, 140272, 2},
        {"CacheEntry", "82,57,13,CacheEntry", 500, 24000, 71200, 4},
        {"Function", ",Function", 5533, 401696, 1630528, 2},
        {"LeakRecord", "82,49,13,LeakRecord", 2100, 100800, 2889600, 3},
        {"Map", ",Map", 21, 63248, 13567000, 2},
        {"Session", "82,39,13,Session", 40, 2240, 3840, 4},
        {"{id, user, ts}", ",{id, user, ts}", 1001, 48048, 208048, 3},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const v8a_class_info *ci = find_class(a, want[i].name);
        CU_ASSERT_PTR_NOT_NULL(ci);
        if (!ci) continue;
        CU_ASSERT_STRING_EQUAL(ci->key, want[i].key);
        CU_ASSERT_EQUAL(ci->count, want[i].count);
        CU_ASSERT_EQUAL(ci->shallow_size, want[i].shallow);
        CU_ASSERT_EQUAL(ci->retained_size, want[i].retained);
        CU_ASSERT_EQUAL(ci->distance, want[i].distance);
    }
    v8a_statistics st;
    v8a_analysis_get_statistics(a, &st);
    CU_ASSERT_EQUAL(st.total, 19536870);
    CU_ASSERT_EQUAL(st.native, 15330182);
    CU_ASSERT_EQUAL(st.typed_arrays, 15321461);
    CU_ASSERT_EQUAL(st.v8heap, 4206688);
    CU_ASSERT_EQUAL(st.code, 869216);
    CU_ASSERT_EQUAL(st.js_arrays, 261912);
    CU_ASSERT_EQUAL(st.strings, 598952);
    CU_ASSERT_EQUAL(st.system, 80656);
    /* the root: itself its dominator, at the system distance, holding all */
    CU_ASSERT_EQUAL(v8a_analysis_dominator(a, 0), 0);
    CU_ASSERT_EQUAL(v8a_analysis_distance(a, 0), V8A_DISTANCE_SYSTEM);
    CU_ASSERT_EQUAL(v8a_analysis_retained_size(a, 0), 19536870);
    v8a_analysis_free(a);
    v8a_heap_free(h);
}

/* --raw-sizes: no transfer, so hidden and array nodes keep their sizes. */
static void test_raw_sizes(void)
{
    v8a_heap *h = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture("app-before.heapsnapshot.gz"), NULL), 0);
    v8a_analysis *a = NULL, *r = NULL;
    v8a_analysis_options o;
    v8a_analysis_options_init(&o);
    o.raw_sizes = 1;
    CU_ASSERT_EQUAL_FATAL(v8a_analyze(&a, h, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_analyze(&r, h, &o), 0);
    uint64_t raw = 0, moved = 0;
    for (uint32_t i = 0; i < v8a_heap_node_count(h); i++) {
        CU_ASSERT_EQUAL(v8a_analysis_shallow_size(r, i), v8a_heap_node_self_size(h, i));
        raw += v8a_analysis_shallow_size(r, i);
        moved += v8a_analysis_shallow_size(a, i);
    }
    CU_ASSERT_EQUAL(raw, moved); /* the transfer moves bytes, never loses them */
    CU_ASSERT_EQUAL(v8a_analysis_total_size(a), v8a_analysis_total_size(r));
    v8a_analysis_free(a);
    v8a_analysis_free(r);
    v8a_heap_free(h);
}

/* A detached native: renamed, its class "Detached <div>"; tracked fixture
 * and hand fixtures analyse without faults. */
static void test_detached_and_hand(void)
{
    v8a_heap *h = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture("hand/six-fields.heapsnapshot"), NULL), 0);
    v8a_analysis *a = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_analyze(&a, h, NULL), 0);
    int found = 0;
    for (uint32_t i = 0; i < v8a_heap_node_count(h); i++)
        if (v8a_analysis_is_detached(a, i)) {
            found = 1;
            const v8a_class_info *ci = v8a_analysis_get_class(a, v8a_analysis_class(a, i));
            CU_ASSERT_EQUAL(strncmp(ci->name, "Detached ", 9), 0);
        }
    CU_ASSERT(found);
    v8a_analysis_free(a);
    v8a_heap_free(h);
    const char *files[] = {"hand/seven-fields.heapsnapshot", "hand/empty-arrays.heapsnapshot",
                           "hand/strings-unicode.heapsnapshot", "hand/unknown-keys.heapsnapshot",
                           "tracked.heapsnapshot.gz"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture(files[i]), NULL), 0);
        CU_ASSERT_EQUAL(v8a_analyze(&a, h, NULL), 0);
        v8a_analysis_free(a);
        v8a_heap_free(h);
    }
}

/* Interface definitions: applying a snapshot's own changes nothing; they
 * survive a round trip through the database; the base of a comparison takes
 * the current snapshot's (DevTools' Comparison view). */
static void test_interfaces(void)
{
    v8a_heap *hb = NULL, *ha = NULL;
    v8a_analysis *b = NULL, *a = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&hb, fixture("app-before.heapsnapshot.gz"), NULL), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_analyze(&b, hb, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&ha, fixture("app-after.heapsnapshot.gz"), NULL), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_analyze(&a, ha, NULL), 0);
    const char *hist = "{Histogram, setupObservers, installGarbageCollectionTracking, "
                       "removeGarbageCollectionTracking, notify, loopIdleTime}";
    const v8a_class_info *ci = find_class(b, hist);
    CU_ASSERT_TRUE(ci && ci->count == 2);
    const v8a_class_info *obj = find_class(b, "Object");
    uint32_t objects = obj ? obj->count : 0;
    uint64_t total = 0;
    for (uint32_t c = 0; c < v8a_analysis_class_count(b); c++)
        total += v8a_analysis_get_class(b, c)->count;

    CU_ASSERT_EQUAL(v8a_analysis_apply_interfaces(b, v8a_analysis_get_interfaces(b)), 0);
    ci = find_class(b, hist);
    CU_ASSERT_TRUE(ci && ci->count == 2);

    /* through the database */
    char db[512];
    snprintf(db, sizeof db, "%s/ifaces.v8adb", test_tmpdir());
    CU_ASSERT_EQUAL_FATAL(v8a_store_write_heap(ha, db, NULL), 0);
    v8a_store *s = NULL;
    v8a_interfaces *defs = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_store_open(&s, db), 0);
    CU_ASSERT_EQUAL(v8a_store_load_interfaces(s, &defs), 0);
    v8a_store_close(s);

    CU_ASSERT_EQUAL(v8a_analysis_apply_interfaces(b, defs), 0);
    ci = find_class(b, hist);
    CU_ASSERT_TRUE(!ci || ci->count == 0);
    obj = find_class(b, "Object");
    CU_ASSERT_TRUE(obj && obj->count > objects);
    uint64_t total2 = 0;
    for (uint32_t c = 0; c < v8a_analysis_class_count(b); c++)
        total2 += v8a_analysis_get_class(b, c)->count;
    CU_ASSERT_EQUAL(total2, total);
    v8a_interfaces_free(defs);
    v8a_analysis_free(a);
    v8a_analysis_free(b);
    v8a_heap_free(ha);
    v8a_heap_free(hb);
}

/* The dominator tree as a heap profile: totals are retained sizes, and the
 * planted leak's Map is the widest child of the global that holds it. */
static void test_memory_flame(void)
{
    v8a_heap *h = NULL;
    v8a_analysis *a = NULL;
    v8a_profile *p = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture("app-after.heapsnapshot.gz"), NULL), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_analyze(&a, h, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_profile_from_heap(&p, h, a), 0);
    CU_ASSERT_EQUAL(p->kind, V8A_PROFILE_HEAP);
    CU_ASSERT_TRUE(p->nnodes > 100 && p->nnodes < v8a_heap_node_count(h));
    int64_t *self = calloc(p->nnodes, sizeof *self), *total = calloc(p->nnodes, sizeof *total);
    CU_ASSERT_PTR_NOT_NULL_FATAL(self);
    CU_ASSERT_PTR_NOT_NULL_FATAL(total);
    CU_ASSERT_EQUAL(v8a_profile_self_weights(p, V8A_WEIGHT_TIME, self), 0);
    v8a_profile_totals(p, self, total);
    /* the root holds every shallow byte (retained size less extra native bytes) */
    uint64_t objects = 0;
    for (uint32_t i = 0; i < p->nnodes; i++) {
        CU_ASSERT_TRUE(i == 0 || p->nodes[i].parent < i);
        objects += (uint64_t)p->nodes[i].hit_count;
    }
    CU_ASSERT_EQUAL(objects, v8a_heap_node_count(h));
    CU_ASSERT_EQUAL((uint64_t)total[0], v8a_analysis_retained_size(a, 0));
    /* the heaviest "global" node, and its widest child */
    uint32_t g = UINT32_MAX;
    for (uint32_t i = 0; i < p->nnodes; i++)
        if (strcmp(v8a_profile_string(p, p->frames[p->nodes[i].frame].name), "global") == 0 &&
            (g == UINT32_MAX || total[i] > total[g]))
            g = i;
    CU_ASSERT_FATAL(g != UINT32_MAX);
    uint32_t w = UINT32_MAX;
    for (uint32_t i = 0; i < p->nnodes; i++)
        if (p->nodes[i].parent == g && (w == UINT32_MAX || total[i] > total[w])) w = i;
    CU_ASSERT_FATAL(w != UINT32_MAX);
    CU_ASSERT_STRING_EQUAL(v8a_profile_string(p, p->frames[p->nodes[w].frame].name), "Map");
    CU_ASSERT_TRUE(total[w] >= 13156040); /* the blobCache Map alone retains that */
    free(self);
    free(total);
    v8a_profile_free(p);
    v8a_analysis_free(a);
    v8a_heap_free(h);
}

/* Allocation stacks weighted by live objects: the 300 TrackedWidgets that
 * allocWidgets made under workload are all alive and attributed there. */
static void test_allocation_flame(void)
{
    v8a_heap *h = NULL;
    v8a_profile *p = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture("tracked.heapsnapshot.gz"), NULL), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_profile_from_allocations(&p, h), 0);
    CU_ASSERT_EQUAL(p->nnodes, v8a_heap_trace_node_count(h)); /* its "(root)" is the root */
    int found = 0;
    for (uint32_t i = 1; i < p->nnodes; i++) {
        const v8a_profile_node *n = &p->nodes[i];
        CU_ASSERT_TRUE(n->parent < i);
        if (strcmp(v8a_profile_string(p, p->frames[n->frame].name), "TrackedWidget") != 0) continue;
        uint32_t up = n->parent;
        if (strcmp(v8a_profile_string(p, p->frames[p->nodes[up].frame].name), "allocWidgets") ==
                0 &&
            n->hit_count >= 300)
            found = 1;
    }
    CU_ASSERT_TRUE(found);
    v8a_profile_free(p);
    /* a snapshot without allocation tracking */
    v8a_heap_free(h);
    h = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, fixture("app-before.heapsnapshot.gz"), NULL), 0);
    CU_ASSERT_EQUAL(v8a_profile_from_allocations(&p, h), V8A_ENOTFOUND);
    CU_ASSERT_PTR_NULL(p);
    v8a_heap_free(h);
}

void suite_analysis(CU_pSuite s)
{
    ADD(s, test_mock_a);
    ADD(s, test_weakmap_edges);
    ADD(s, test_devtools_values);
    ADD(s, test_raw_sizes);
    ADD(s, test_detached_and_hand);
    ADD(s, test_interfaces);
    ADD(s, test_memory_flame);
    ADD(s, test_allocation_flame);
}
