/* fuzz_heap_reader.c - libFuzzer target: arbitrary bytes as a heap snapshot.
 *
 * The input is read twice: as one buffer (the split parse on two threads,
 * falling back to one pass) and streamed in small chunks (the carry-over
 * path of the stream driver). Both reads must agree on the verdict and on
 * what they read, and a failure must come with a one-line message naming the
 * input. When the input is accepted the analysis runs on it, then the
 * retainer paths and groups, so that weird but valid graphs reach every
 * stage the tools use. Crashes, leaks, hangs and oversized allocations are
 * the sanitizers' and libFuzzer's to report; disagreements abort.
 */
#include <v8a/v8a.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "fuzz.heapsnapshot"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check(int ok, const char *what)
{
    if (ok) return;
    const v8a_error *e = v8a_error_last();
    fprintf(stderr, "fuzz_heap_reader: %s (last error: %s)\n", what, e ? e->message : "none");
    abort();
}

/* A failure's message is one line that starts with the input's name. */
static void check_message(int rc)
{
    const v8a_error *e = v8a_error_last();
    check(e != NULL, "an error without a message");
    check(e->code == rc, "the message's code differs from the returned one");
    check(strncmp(e->message, NAME ": ", strlen(NAME) + 2) == 0, "message does not name the file");
    check(strchr(e->message, '\n') == NULL, "message spans lines");
}

static void exercise(const v8a_heap *h)
{
    v8a_analysis *a = NULL;
    v8a_analysis_options ao;
    v8a_analysis_options_init(&ao);
    int rc = v8a_analyze(&a, h, &ao);
    check(rc == 0 || rc == V8A_ENOMEM, "analysis failed on an accepted heap");
    if (rc < 0) return;
    uint32_t n = v8a_heap_node_count(h);
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) total += v8a_analysis_shallow_size(a, i);
    (void)total;
    for (uint32_t c = 0; c < v8a_analysis_class_count(a); c++) {
        const v8a_class_info *ci = v8a_analysis_get_class(a, c);
        check(ci->name && ci->key, "a class without a name");
    }
    v8a_statistics st;
    v8a_analysis_get_statistics(a, &st);

    /* retainer paths to a few nodes: the last, the middle, the root */
    uint32_t picks[3] = {n - 1, n / 2, v8a_analysis_root(a)};
    char label[256];
    for (int p = 0; p < 3; p++) {
        v8a_path *paths = NULL;
        size_t np = 0;
        rc = v8a_retainer_paths(&paths, &np, a, picks[p], 3);
        check(rc == 0 || rc == V8A_ENOMEM, "retainer paths failed");
        for (size_t i = 0; i < np; i++) {
            check(paths[i].len >= 1 && paths[i].nodes[paths[i].len - 1] == picks[p],
                  "a path that does not end at its target");
            for (uint32_t j = 0; j + 1 < paths[i].len; j++)
                v8a_edge_label(a, paths[i].edges[j], label, sizeof label);
        }
        v8a_paths_free(paths, np);
    }
    /* grouped paths of up to 256 nodes */
    uint32_t targets[256];
    size_t nt = 0;
    for (uint32_t i = 0; i < n && nt < 256; i++) targets[nt++] = i;
    v8a_path_group *g = NULL;
    size_t ng = 0;
    rc = v8a_retainer_groups(&g, &ng, a, targets, nt);
    check(rc == 0 || rc == V8A_ENOMEM, "retainer groups failed");
    v8a_path_groups_free(g, ng);
    v8a_analysis_free(a);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    v8a_read_options o;
    v8a_read_options_init(&o);
    o.max_string = 1 << 20;

    v8a_heap *whole = NULL, *chunked = NULL;
    v8a_error_clear();
    int rc1 = v8a_heap_read_buffer(&whole, data, size, NAME, &o);
    if (rc1 < 0) check_message(rc1);

    /* the same bytes streamed in chunks of 1..64 bytes */
    o.no_mmap = 1;
    o.chunk_size = 1 + size % 64;
    v8a_error_clear();
    int rc2 = v8a_heap_read_buffer(&chunked, data, size, NAME, &o);
    if (rc2 < 0) check_message(rc2);
    check((rc1 == 0) == (rc2 == 0), "whole and chunked reads disagree on the verdict");
    if (rc1 == 0) {
        check(v8a_heap_node_count(whole) == v8a_heap_node_count(chunked) &&
                  v8a_heap_edge_count(whole) == v8a_heap_edge_count(chunked) &&
                  v8a_heap_string_count(whole) == v8a_heap_string_count(chunked) &&
                  v8a_heap_total_self_size(whole) == v8a_heap_total_self_size(chunked),
              "whole and chunked reads disagree on the content");
        exercise(whole);
    }
    v8a_heap_free(whole);
    v8a_heap_free(chunked);
    return 0;
}
