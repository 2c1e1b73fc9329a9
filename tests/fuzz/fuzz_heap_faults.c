/* fuzz_heap_faults.c - libFuzzer target: a heap snapshot read, analysed and
 * walked for retainer paths with one allocation failing.
 *
 * The first two bytes of the input choose which allocation fails (1 to
 * 65536, counted from the start of the read); the rest is the snapshot. Any
 * stage may then fail, and must fail cleanly: V8A_ENOMEM, or the input's own
 * error when it is malformed, with no leak, no double free and nothing used
 * after it was freed. This reaches the error paths that well-formed inputs
 * and the plain reader target never take.
 */
#include "alloc.h"

#include <v8a/v8a.h>

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check(int rc, const char *what)
{
    if (rc == 0 || rc == V8A_ENOMEM || rc == V8A_EFORMAT || rc == V8A_EUNSUPPORTED) return;
    const v8a_error *e = v8a_error_last();
    fprintf(stderr, "fuzz_heap_faults: %s: %d (%s)\n", what, rc, e ? e->message : "none");
    abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 2) return 0;
    uint64_t n = 1 + ((uint64_t)data[0] << 8 | data[1]);
    v8a_read_options o;
    v8a_read_options_init(&o);
    o.max_string = 1 << 20;
    v8a_heap *h = NULL;
    v8a_analysis *a = NULL;
    v8a__alloc_fail_at(n, 0);
    int rc = v8a_heap_read_buffer(&h, data + 2, size - 2, "faults", &o);
    check(rc, "read");
    if (rc == 0) {
        rc = v8a_analyze(&a, h, NULL);
        check(rc == V8A_EFORMAT ? -100 : rc, "analysis");
    }
    if (rc == 0) {
        uint32_t count = v8a_heap_node_count(h);
        uint32_t targets[64];
        size_t nt = 0;
        for (uint32_t i = 0; i < count && nt < 64; i++) targets[nt++] = i;
        v8a_path *p = NULL;
        size_t np = 0;
        rc = v8a_retainer_paths(&p, &np, a, count - 1, 3);
        check(rc == V8A_EFORMAT ? -100 : rc, "paths");
        v8a_paths_free(p, np);
        v8a_path_group *g = NULL;
        size_t ng = 0;
        rc = v8a_retainer_groups(&g, &ng, a, targets, nt);
        check(rc == V8A_EFORMAT ? -100 : rc, "groups");
        v8a_path_groups_free(g, ng);
    }
    v8a__alloc_fail_at(0, 0);
    v8a_analysis_free(a);
    v8a_heap_free(h);
    return 0;
}
