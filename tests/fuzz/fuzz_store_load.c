/* fuzz_store_load.c - libFuzzer target: arbitrary bytes as a v8a database.
 *
 * The input is written to a temporary file (SQLite needs one) and opened the
 * way the tools open a database: v8a_store_open, then the heap and the
 * analysis rebuilt from the tables. Seeds are small databases that
 * scripts/fuzz-corpus.sh imports from the hand-made fixtures, so mutations
 * land in the meta table, the packed arrays and the rows. Whatever the bytes,
 * the outcome is a result or an error with a message naming the file.
 */
#include <v8a/v8a.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static char path[64];

static void check(int ok, const char *what)
{
    if (ok) return;
    const v8a_error *e = v8a_error_last();
    fprintf(stderr, "fuzz_store_load: %s (last error: %s)\n", what, e ? e->message : "none");
    abort();
}

static void check_message(int rc)
{
    const v8a_error *e = v8a_error_last();
    check(e != NULL && e->code == rc, "an error without its message");
    check(strchr(e->message, '\n') == NULL, "message spans lines");
}

static void remove_file(void)
{
    if (path[0]) unlink(path);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/v8a-fuzz-%ld.v8adb", (long)getpid());
        atexit(remove_file);
    }
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();

    v8a_store *s = NULL;
    v8a_heap *h = NULL;
    v8a_analysis *a = NULL;
    v8a_error_clear();
    int rc = v8a_store_open(&s, path);
    if (rc < 0) {
        check_message(rc);
        goto done;
    }
    rc = v8a_store_load_heap(s, &h);
    if (rc < 0) {
        check_message(rc);
        goto done;
    }
    rc = v8a_store_load_analysis(s, h, &a);
    if (rc < 0) {
        if (rc != V8A_ENOTFOUND) check_message(rc);
        goto done;
    }
    /* what the tools read from a loaded analysis */
    for (uint32_t c = 0; c < v8a_analysis_class_count(a); c++) {
        const v8a_class_info *ci = v8a_analysis_get_class(a, c);
        check(ci->name && ci->key, "a class without a name");
    }
    uint32_t n = v8a_heap_node_count(h);
    v8a_path *paths = NULL;
    size_t np = 0;
    if (v8a_retainer_paths(&paths, &np, a, n - 1, 2) == 0) v8a_paths_free(paths, np);
done:
    v8a_analysis_free(a);
    v8a_heap_free(h);
    v8a_store_close(s);
    return 0;
}
