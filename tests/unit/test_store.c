/* test_store.c - the SQLite store: import, reopen, rebuild, the edges table,
 * the cache, and what happens with failed imports and foreign databases. */
#include "suites.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *tmp(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", test_tmpdir(), name);
    return buf[k];
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        fprintf(stderr, "\nquery failed: %s: %s\n", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return v;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* No leftover "*.tmp.*" files in the test directory. */
static int no_temporaries(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -q '\\.tmp\\.'", test_tmpdir());
    return system(cmd) != 0;
}

static void test_roundtrip(void)
{
    const char *src = fixture("app-after.heapsnapshot.gz");
    const char *db = tmp("after.v8adb");
    CU_ASSERT_EQUAL_FATAL(v8a_store_import(src, db, NULL), 0);
    CU_ASSERT(no_temporaries());
    v8a_heap *h = NULL, *back = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&h, src, NULL), 0);
    v8a_store *s = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_store_open(&s, db), 0);
    CU_ASSERT_EQUAL(v8a_store_load_heap(s, &back), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL(heap_digest(back), heap_digest(h));
    CU_ASSERT_EQUAL(v8a_heap_file_size(back), v8a_heap_file_size(h));
    CU_ASSERT(v8a_store_has_rows(s));
    /* without the row tables: the same heap, the same node ids */
    {
        v8a_import_options io;
        v8a_import_options_init(&io);
        io.rows = 0;
        const char *lean = tmp("after-lean.v8adb");
        CU_ASSERT_EQUAL_FATAL(v8a_store_import(src, lean, &io), 0);
        v8a_store *ls = NULL;
        v8a_heap *lh = NULL;
        CU_ASSERT_EQUAL_FATAL(v8a_store_open(&ls, lean), 0);
        CU_ASSERT_FALSE(v8a_store_has_rows(ls));
        CU_ASSERT_EQUAL(v8a_store_load_heap(ls, &lh), 0);
        CU_ASSERT(lh && heap_digest(lh) == heap_digest(h));
        uint64_t *ids = NULL, *lids = NULL;
        size_t n = 0, ln = 0;
        CU_ASSERT_EQUAL(v8a_store_node_ids(s, &ids, &n), 0);
        CU_ASSERT_EQUAL(v8a_store_node_ids(ls, &lids, &ln), 0);
        CU_ASSERT_EQUAL(n, v8a_heap_node_count(h));
        CU_ASSERT(n == ln && ids && lids && memcmp(ids, lids, n * sizeof *ids) == 0);
        for (size_t k = 1; k < n; k++) CU_ASSERT_FATAL(ids[k - 1] < ids[k]);
        free(ids);
        free(lids);
        v8a_heap_free(lh);
        v8a_store_close(ls);
    }

    sqlite3 *d = v8a_store_get_db(s);
    char buf[64];
    CU_ASSERT_EQUAL(v8a_store_get_meta(s, "node_count", buf, sizeof buf), 0);
    CU_ASSERT_EQUAL(strtoull(buf, NULL, 10), v8a_heap_node_count(h));
    CU_ASSERT_EQUAL(v8a_store_get_meta(s, "no such key", buf, sizeof buf), V8A_ENOTFOUND);
    CU_ASSERT_EQUAL(q_int(d, "SELECT count(*) FROM nodes"), v8a_heap_node_count(h));
    CU_ASSERT_EQUAL(q_int(d, "SELECT count(*) FROM nodes WHERE type = 'synthetic' AND id = 1"), 1);
    CU_ASSERT_EQUAL(q_int(d, "SELECT count(*) FROM nodes WHERE name = 'LeakRecord' AND type = "
                             "'object'"),
                    2100);
    CU_ASSERT_EQUAL(q_int(d, "SELECT count(*) FROM strings"), v8a_heap_string_count(h));
    CU_ASSERT_EQUAL(q_int(d, "SELECT count(*) FROM locations"), v8a_heap_location_count(h));
    CU_ASSERT_EQUAL(q_int(d, "PRAGMA user_version"), V8A_SCHEMA_VERSION);
    /* the edges table: all, one node's, one node's retainers */
    CU_ASSERT_EQUAL(q_int(d, "SELECT count(*) FROM edges"), v8a_heap_edge_count(h));
    CU_ASSERT_EQUAL(q_int(d, "SELECT count(*) FROM edges WHERE from_id = 1"),
                    v8a_heap_node_edge_count(h, 0));
    uint32_t probe = v8a_heap_edge_to(h, v8a_heap_node_first_edge(h, 0));
    uint32_t in = 0;
    for (uint32_t e = 0; e < v8a_heap_edge_count(h); e++) in += v8a_heap_edge_to(h, e) == probe;
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM edges WHERE to_id = %llu",
             (unsigned long long)v8a_heap_node_id(h, probe));
    CU_ASSERT_EQUAL(q_int(d, sql), in);
    CU_ASSERT_EQUAL(q_int(d, "SELECT count(*) FROM edges WHERE from_id = 2"), 0); /* no such id */
    /* join: LeakRecords' outgoing property edges named payload */
    CU_ASSERT_EQUAL(q_int(d, "SELECT count(*) FROM nodes n JOIN edges e ON e.from_id = n.id "
                             "WHERE n.name = 'LeakRecord' AND n.type = 'object' AND e.name = "
                             "'payload'"),
                    2100);
    v8a_store_close(s);
    v8a_heap_free(h);
    v8a_heap_free(back);
}

static void test_failed_import_leaves_nothing(void)
{
    const char *db = tmp("bad.v8adb");
    CU_ASSERT_EQUAL(v8a_store_import(fixture("bad/trunc-edges.heapsnapshot"), db, NULL),
                    V8A_EFORMAT);
    CU_ASSERT_FALSE(exists(db));
    CU_ASSERT(no_temporaries());
    /* a failed import over an existing database leaves it untouched */
    const char *good = tmp("good.v8adb");
    CU_ASSERT_EQUAL_FATAL(v8a_store_import(fixture("hand/six-fields.heapsnapshot"), good, NULL), 0);
    struct stat before, after;
    stat(good, &before);
    CU_ASSERT_EQUAL(v8a_store_import(fixture("bad/node-count-more.heapsnapshot"), good, NULL),
                    V8A_EFORMAT);
    CU_ASSERT_EQUAL(stat(good, &after), 0);
    CU_ASSERT_EQUAL(before.st_ino, after.st_ino);
    CU_ASSERT(no_temporaries());
    /* unwritable destination */
    CU_ASSERT_EQUAL(
        v8a_store_import(fixture("hand/six-fields.heapsnapshot"), "/nonexistent-dir/x.v8adb", NULL),
        V8A_EIO);
}

static void test_foreign_and_newer(void)
{
    v8a_store *s = NULL;
    /* not SQLite at all */
    CU_ASSERT_EQUAL(v8a_store_open(&s, fixture("hand/six-fields.heapsnapshot")), V8A_EFORMAT);
    /* SQLite, but not ours */
    const char *other = tmp("other.db");
    sqlite3 *d = NULL;
    sqlite3_open(other, &d);
    sqlite3_exec(d, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(d);
    CU_ASSERT_EQUAL(v8a_store_open(&s, other), V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "not one v8a wrote"));
    /* ours, from a newer schema */
    const char *newer = tmp("newer.v8adb");
    CU_ASSERT_EQUAL_FATAL(v8a_store_import(fixture("hand/seven-fields.heapsnapshot"), newer, NULL),
                          0);
    sqlite3_open(newer, &d);
    sqlite3_exec(d, "PRAGMA user_version = 99", NULL, NULL, NULL);
    sqlite3_close(d);
    CU_ASSERT_EQUAL(v8a_store_open(&s, newer), V8A_EUNSUPPORTED);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "newer"));
    CU_ASSERT_PTR_NULL(s);
}

static void test_corrupt(void)
{
    const char *db = tmp("corrupt.v8adb");
    CU_ASSERT_EQUAL_FATAL(v8a_store_import(fixture("app-before.heapsnapshot.gz"), db, NULL), 0);
    struct stat st;
    stat(db, &st);
    CU_ASSERT_EQUAL(truncate(db, st.st_size / 2), 0);
    v8a_store *s = NULL;
    v8a_heap *h = NULL;
    int rc = v8a_store_open(&s, db);
    if (rc == 0) rc = v8a_store_load_heap(s, &h);
    CU_ASSERT_EQUAL(rc, V8A_EFORMAT);
    CU_ASSERT_PTR_NULL(h);
    v8a_store_close(s);
    /* garbage in the arrays: indexes out of range are caught, not followed */
    const char *db2 = tmp("scrambled.v8adb");
    CU_ASSERT_EQUAL_FATAL(v8a_store_import(fixture("hand/six-fields.heapsnapshot"), db2, NULL), 0);
    sqlite3 *d = NULL;
    sqlite3_open(db2, &d);
    sqlite3_exec(d,
                 "UPDATE arrays SET data = zeroblob(length(data)) WHERE name = 'edge_to'; "
                 "UPDATE arrays SET data = randomblob(length(data)) WHERE name = 'edge_to'",
                 NULL, NULL, NULL);
    sqlite3_close(d);
    CU_ASSERT_EQUAL_FATAL(v8a_store_open(&s, db2), 0);
    CU_ASSERT_EQUAL(v8a_store_load_heap(s, &h), V8A_EFORMAT);
    v8a_store_close(s);
}

static void test_cache(void)
{
    char snap[512], dir[512];
    snprintf(snap, sizeof snap, "%s/cached.heapsnapshot", test_tmpdir());
    snprintf(dir, sizeof dir, "%s/cache", test_tmpdir());
    size_t len;
    unsigned char *buf = slurp(fixture("hand/seven-fields.heapsnapshot"), &len);
    FILE *f = fopen(snap, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fwrite(buf, 1, len, f);
    fclose(f);
    free(buf);
    v8a_open_options o;
    v8a_open_options_init(&o);
    o.cache_dir = dir;
    v8a_store *s = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_store_open_input(&s, snap, &o), 0);
    CU_ASSERT(v8a_store_was_imported(s));
    char *cpath = NULL;
    CU_ASSERT_EQUAL(v8a_cache_path(&cpath, snap, dir), 0);
    CU_ASSERT_STRING_EQUAL(v8a_store_get_path(s), cpath);
    v8a_store_close(s);
    /* second open: from the cache, which has no row tables */
    CU_ASSERT_EQUAL_FATAL(v8a_store_open_input(&s, snap, &o), 0);
    CU_ASSERT_FALSE(v8a_store_was_imported(s));
    CU_ASSERT_FALSE(v8a_store_has_rows(s));
    CU_ASSERT_EQUAL(q_int(v8a_store_get_db(s),
                          "SELECT count(*) FROM sqlite_master WHERE name IN ('nodes', 'strings')"),
                    0);
    v8a_store_close(s);
    /* an open that needs them replaces the entry once; later ones reuse it */
    o.rows = 1;
    CU_ASSERT_EQUAL_FATAL(v8a_store_open_input(&s, snap, &o), 0);
    CU_ASSERT(v8a_store_was_imported(s));
    CU_ASSERT(v8a_store_has_rows(s));
    CU_ASSERT_EQUAL(q_int(v8a_store_get_db(s), "SELECT count(*) FROM nodes"), 12);
    v8a_store_close(s);
    CU_ASSERT_EQUAL_FATAL(v8a_store_open_input(&s, snap, &o), 0);
    CU_ASSERT_FALSE(v8a_store_was_imported(s));
    v8a_store_close(s);
    o.rows = 0;
    CU_ASSERT_EQUAL_FATAL(v8a_store_open_input(&s, snap, &o), 0); /* rows do no harm */
    CU_ASSERT_FALSE(v8a_store_was_imported(s));
    v8a_store_close(s);
    CU_ASSERT_EQUAL(v8a_cache_lookup(&s, snap, dir), 0);
    v8a_store_close(s);
    /* the file changes: a new import (the cache key moves with the mtime) */
    struct timespec ts[2] = {{1000000, 0}, {1000000, 0}};
    utimensat(AT_FDCWD, snap, ts, 0);
    CU_ASSERT_EQUAL(v8a_cache_lookup(&s, snap, dir), V8A_ENOTFOUND);
    CU_ASSERT_EQUAL_FATAL(v8a_store_open_input(&s, snap, &o), 0);
    CU_ASSERT(v8a_store_was_imported(s));
    v8a_store_close(s);
    free(cpath);
    /* keep: the import's heap and analysis are the first loads' (equal to
     * what the database holds), then the database is read */
    {
        v8a_open_options k = o;
        k.no_cache = 1;
        k.keep = 1;
        v8a_heap *h1 = NULL, *h2 = NULL;
        v8a_analysis *a1 = NULL, *a2 = NULL;
        CU_ASSERT_EQUAL_FATAL(v8a_store_open_input(&s, snap, &k), 0);
        CU_ASSERT_EQUAL(v8a_store_load_heap(s, &h1), 0);
        CU_ASSERT_EQUAL(v8a_store_load_analysis(s, h1, &a1), 0);
        CU_ASSERT_EQUAL(v8a_store_load_heap(s, &h2), 0);
        CU_ASSERT_EQUAL(v8a_store_load_analysis(s, h2, &a2), 0);
        CU_ASSERT_FATAL(h1 && h2 && a1 && a2 && h1 != h2 && a1 != a2);
        CU_ASSERT_EQUAL(heap_digest(h1), heap_digest(h2));
        uint32_t n = v8a_heap_node_count(h1);
        for (uint32_t i = 0; i < n; i++) {
            CU_ASSERT_EQUAL(v8a_analysis_retained_size(a1, i), v8a_analysis_retained_size(a2, i));
            CU_ASSERT_EQUAL(v8a_analysis_dominator(a1, i), v8a_analysis_dominator(a2, i));
            CU_ASSERT_EQUAL(v8a_analysis_class(a1, i), v8a_analysis_class(a2, i));
            CU_ASSERT_EQUAL(v8a_analysis_is_detached(a1, i), v8a_analysis_is_detached(a2, i));
        }
        v8a_analysis_free(a1);
        v8a_analysis_free(a2);
        v8a_heap_free(h1);
        v8a_heap_free(h2);
        v8a_store_close(s);
        /* kept and never loaded: freed with the store */
        CU_ASSERT_EQUAL_FATAL(v8a_store_open_input(&s, snap, &k), 0);
        v8a_store_close(s);
    }
    /* no cache: a temporary database, gone after close */
    o.no_cache = 1;
    CU_ASSERT_EQUAL_FATAL(v8a_store_open_input(&s, snap, &o), 0);
    char *tpath = strdup(v8a_store_get_path(s));
    CU_ASSERT(exists(tpath));
    v8a_store_close(s);
    CU_ASSERT_FALSE(exists(tpath));
    free(tpath);
    /* an unwritable cache directory: still works, without the cache */
    o.no_cache = 0;
    o.cache_dir = "/proc/v8a-cache";
    CU_ASSERT_EQUAL_FATAL(v8a_store_open_input(&s, snap, &o), 0);
    v8a_store_close(s);
    /* a database given directly is opened, not imported */
    CU_ASSERT_EQUAL(v8a_store_import(snap, tmp("direct.v8adb"), NULL), 0);
    CU_ASSERT_EQUAL_FATAL(v8a_store_open_input(&s, tmp("direct.v8adb"), &o), 0);
    CU_ASSERT_FALSE(v8a_store_was_imported(s));
    v8a_store_close(s);
}

void suite_store(CU_pSuite s)
{
    ADD(s, test_roundtrip);
    ADD(s, test_failed_import_leaves_nothing);
    ADD(s, test_foreign_and_newer);
    ADD(s, test_corrupt);
    ADD(s, test_cache);
}
