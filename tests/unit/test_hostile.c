/* test_hostile.c - hostile input made at test time (issue 7).
 *
 * Mechanical cases too many or too large to commit: every hand-made fixture
 * cut at every byte, a real snapshot cut inside each of its sections and
 * inside a string escape, every byte of the hand-made fixtures replaced by
 * a few troublesome ones, nesting 100000 levels deep, and the string policy
 * (lone surrogates and NUL escapes are replaced, not refused). Every read is
 * done twice, whole and in small chunks, and both must reach the same
 * verdict; a refusal is one line that names the input and, for a syntax
 * fault, a byte offset inside it. Accepted inputs go on through the analysis
 * and the retainer paths. Under the sanitizer build this is also a memory
 * check of every error path.
 */
#include "suites.h"

#include "alloc.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const hand[] = {"hand/six-fields.heapsnapshot", "hand/seven-fields.heapsnapshot",
                                   "hand/strings-unicode.heapsnapshot",
                                   "hand/unknown-keys.heapsnapshot",
                                   "hand/empty-arrays.heapsnapshot"};
#define NHAND (sizeof hand / sizeof *hand)

/* The number after "byte " in msg, or -1. */
static long long byte_of(const char *msg)
{
    const char *p = strstr(msg, "byte ");
    return p ? strtoll(p + 5, NULL, 10) : -1;
}

/* A refusal's message: one line, naming the input, any byte offset within it. */
static int good_message(const char *name, size_t len)
{
    const v8a_error *e = v8a_error_last();
    if (!e) return 0;
    size_t nl = strlen(name);
    if (strncmp(e->message, name, nl) != 0 || e->message[nl] != ':') return 0;
    if (strchr(e->message, '\n')) return 0;
    long long b = byte_of(e->message);
    return b <= (long long)len;
}

/* Runs the analysis and a few retainer paths on an accepted heap. */
static int analyse(const v8a_heap *h)
{
    v8a_analysis *a = NULL;
    if (v8a_analyze(&a, h, NULL) < 0) return -1;
    uint32_t n = v8a_heap_node_count(h);
    v8a_path *p = NULL;
    size_t np = 0;
    int rc = v8a_retainer_paths(&p, &np, a, n - 1, 2);
    v8a_paths_free(p, np);
    v8a_analysis_free(a);
    return rc;
}

/* Reads buf whole and in chunks of `chunk`; returns the verdict (0 or the
 * error code), after checking that both reads agree and that a refusal is
 * well reported. *msg gets a copy of the whole read's message. */
static int read_both(const unsigned char *buf, size_t len, const char *name, size_t chunk,
                     char *msg, size_t msgcap)
{
    v8a_read_options o;
    v8a_read_options_init(&o);
    v8a_heap *h1 = NULL, *h2 = NULL;
    int rc1 = v8a_heap_read_buffer(&h1, buf, len, name, &o);
    if (msg) snprintf(msg, msgcap, "%s", rc1 < 0 ? v8a_error_last()->message : "");
    if (rc1 < 0) CU_ASSERT(good_message(name, len));
    o.no_mmap = 1;
    o.chunk_size = chunk;
    int rc2 = v8a_heap_read_buffer(&h2, buf, len, name, &o);
    if (rc2 < 0) CU_ASSERT(good_message(name, len));
    CU_ASSERT_EQUAL(rc1, rc2);
    if (rc1 != rc2) fprintf(stderr, "\n%s: whole %d, chunked %d\n", name, rc1, rc2);
    if (rc1 == 0) CU_ASSERT_EQUAL(analyse(h1), 0);
    v8a_heap_free(h1);
    v8a_heap_free(h2);
    return rc1;
}

/* Length of buf without trailing whitespace. */
static size_t trimmed(const unsigned char *buf, size_t len)
{
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\r' ||
                   buf[len - 1] == '\t'))
        len--;
    return len;
}

static void test_truncate_every_byte(void)
{
    for (size_t f = 0; f < NHAND; f++) {
        size_t len;
        unsigned char *buf = slurp(fixture(hand[f]), &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
        size_t whole = trimmed(buf, len);
        int bad = 0;
        for (size_t cut = 0; cut < whole; cut++) {
            int rc = read_both(buf, cut, "cut", 1 + cut % 13, NULL, 0);
            if (rc != V8A_EFORMAT && !bad++)
                fprintf(stderr, "\n%s cut at %zu: %d (%s)\n", hand[f], cut, rc,
                        rc ? v8a_error_last()->message : "accepted");
        }
        CU_ASSERT_EQUAL(bad, 0);
        free(buf);
    }
}

/* Offset of the first occurrence of s in buf at or after `from`, or 0. */
static size_t find(const unsigned char *buf, size_t len, size_t from, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = from; i + n <= len; i++)
        if (memcmp(buf + i, s, n) == 0) return i;
    return 0;
}

/* A real snapshot cut in the header, inside nodes and edges (at a comma and
 * mid-number), in the strings, inside a string and inside a \u escape: the
 * message says "truncated" and points at the end of what is there, or at
 * the header counts that cannot fit in what is left. */
static void test_truncate_real(void)
{
    size_t len;
    unsigned char *buf = slurp(fixture("tracked.heapsnapshot.gz"), &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    size_t nodes = find(buf, len, 0, "\"nodes\":[");
    size_t edges = find(buf, len, nodes, "\"edges\":[");
    size_t strings = find(buf, len, edges, "\"strings\":[");
    size_t esc = find(buf, len, strings, "\\u");
    CU_ASSERT_FATAL(nodes && edges && strings && esc);
    size_t cuts[] = {1,
                     40,
                     nodes - 3,
                     nodes + 9,
                     nodes + 10,
                     (nodes + edges) / 2,
                     (nodes + edges) / 2 + 1,
                     edges + 9,
                     edges + 12,
                     (edges + strings) / 2,
                     strings + 11,
                     strings + 13,
                     (strings + len) / 2,
                     esc + 1,
                     esc + 2,
                     esc + 4,
                     len - 3,
                     len - 2};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        char msg[512];
        int rc = read_both(buf, cuts[i], "tracked", 65536, msg, sizeof msg);
        CU_ASSERT_EQUAL(rc, V8A_EFORMAT);
        /* either the end of input is found, or, when the header's counts
         * cannot fit in what is left, the header is blamed */
        int ok = strstr(msg, "truncated") != NULL &&
                 (byte_of(msg) >= (long long)cuts[i] - 64 || strstr(msg, "can hold"));
        CU_ASSERT(ok);
        if (!ok) fprintf(stderr, "\ncut at %zu: %s\n", cuts[i], msg);
    }
    free(buf);
}

/* Every byte of the hand-made fixtures replaced, in turn, by characters that
 * change the JSON's structure or its numbers: never a crash, never a verdict
 * that depends on chunking, and accepted graphs analyse. */
static void test_flip_every_byte(void)
{
    static const unsigned char repl[] = {'9', '"', ']', '{', '-', 0x00, 0x80};
    for (size_t f = 0; f < NHAND; f++) {
        size_t len;
        unsigned char *buf = slurp(fixture(hand[f]), &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
        int odd = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned char keep = buf[i];
            for (size_t k = 0; k < sizeof repl; k++) {
                if (repl[k] == keep) continue;
                buf[i] = repl[k];
                int rc = read_both(buf, len, "flip", 1 + (i + k) % 29, NULL, 0);
                if (rc != 0 && rc != V8A_EFORMAT && rc != V8A_EUNSUPPORTED && !odd++)
                    fprintf(stderr, "\n%s byte %zu -> %02x: %d\n", hand[f], i, repl[k], rc);
            }
            buf[i] = keep;
        }
        CU_ASSERT_EQUAL(odd, 0);
        free(buf);
    }
}

#define META7                                                                                      \
    "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\","            \
    "\"edge_count\",\"trace_node_id\"],\"node_types\":[[\"hidden\",\"synthetic\"]],"               \
    "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],\"edge_types\":[[\"element\","       \
    "\"property\"]],\"trace_function_info_fields\":[\"function_id\",\"name\",\"script_name\","     \
    "\"script_id\",\"line\",\"column\"],\"trace_node_fields\":[\"id\",\"function_info_index\","    \
    "\"count\",\"size\",\"children\"]},\"node_count\":2,\"edge_count\":1,"                         \
    "\"trace_function_count\":1},\"nodes\":[1,0,1,0,1,0,0,1,3,8,0,1],\"edges\":[1,1,6],"           \
    "\"trace_function_infos\":[1,1,1,1,0,0],"
#define TAIL ",\"strings\":[\"\",\"a\"]}"

/* META7 then `key`: then open, head x depth, mid, tail x depth, then TAIL.
 * A head containing "%zu" gets the level number. */
static char *nest(const char *key, const char *head, const char *mid, const char *tail,
                  size_t depth, size_t *len)
{
    size_t cap = strlen(META7) + strlen(key) + depth * (strlen(head) + strlen(tail) + 12) +
                 strlen(mid) + strlen(TAIL) + 16;
    char *s = malloc(cap);
    char *p = s + sprintf(s, "%s\"%s\":", META7, key);
    for (size_t i = 0; i < depth; i++) p += sprintf(p, head, i + 1);
    p += sprintf(p, "%s", mid);
    for (size_t i = 0; i < depth; i++) p += sprintf(p, "%s", tail);
    p += sprintf(p, "%s", TAIL);
    *len = (size_t)(p - s);
    return s;
}

static void test_deep_nesting(void)
{
    size_t len;
    char msg[512];
    /* bare arrays 100000 deep where trace nodes belong: refused where the
     * second '[' stands */
    char *s = nest("trace_tree", "[", "", "]", 100000, &len);
    CU_ASSERT_EQUAL(read_both((unsigned char *)s, len, "deep", 4096, msg, sizeof msg), V8A_EFORMAT);
    CU_ASSERT(byte_of(msg) > 0 && byte_of(msg) < (long long)strlen(META7) + 32);
    free(s);
    /* the same in "nodes" */
    s = nest("nodes2", "[", "", "]", 100000, &len);
    memcpy(strstr(s, "\"nodes2\""), "\"edges\" ", 8);
    CU_ASSERT_EQUAL(read_both((unsigned char *)s, len, "deepedges", 4096, msg, sizeof msg),
                    V8A_EFORMAT);
    free(s);
    /* a chain of 100000 trace nodes, each the only child of the one before:
     * deep but well formed (allocation stacks are deep), so accepted */
    s = nest("trace_tree", "[%zu,0,1,8,", "[]", "]", 100000, &len);
    CU_ASSERT_EQUAL(read_both((unsigned char *)s, len, "chain", 4096, msg, sizeof msg), 0);
    if (msg[0]) fprintf(stderr, "\nchain: %s\n", msg);
    free(s);
    /* 100000 levels inside a key v8a skips */
    s = nest("x", "[", "", "]", 100000, &len);
    CU_ASSERT_EQUAL(read_both((unsigned char *)s, len, "skip", 4096, msg, sizeof msg), 0);
    if (msg[0]) fprintf(stderr, "\nskip: %s\n", msg);
    free(s);
}

/* A database of six-fields at path, then `sql` run on it (may be NULL). */
static void make_db(const char *path, const char *sql)
{
    unlink(path);
    CU_ASSERT_EQUAL_FATAL(v8a_store_import(fixture("hand/six-fields.heapsnapshot"), path, NULL), 0);
    if (!sql) return;
    sqlite3 *db = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Opens path and loads heap and analysis; returns the first error. */
static int load_db(const char *path)
{
    v8a_store *s = NULL;
    v8a_heap *h = NULL;
    v8a_analysis *a = NULL;
    int rc = v8a_store_open(&s, path);
    if (rc == 0) rc = v8a_store_load_heap(s, &h);
    if (rc == 0) rc = v8a_store_load_analysis(s, h, &a);
    v8a_analysis_free(a);
    v8a_heap_free(h);
    v8a_store_close(s);
    return rc;
}

/* A meta table that claims billions of rows is found out before anything
 * is allocated for them (the allocation would fail or take gigabytes). */
static void test_db_lying_counts(void)
{
    static const char *const keys[] = {"node_count",     "edge_count",           "string_count",
                                       "location_count", "trace_function_count", "trace_node_count",
                                       "sample_count"};
    char path[512], sql[256];
    snprintf(path, sizeof path, "%s/lying.v8adb", test_tmpdir());
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        snprintf(sql, sizeof sql, "UPDATE meta SET value = '4000000000' WHERE key = '%s'", keys[i]);
        make_db(path, sql);
        v8a__alloc_fail_at(0, 0);
        int rc = load_db(path);
        CU_ASSERT_EQUAL(rc, V8A_EFORMAT);
        if (rc != V8A_EFORMAT) fprintf(stderr, "\n%s: %d\n", keys[i], rc);
        CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "corrupt database"));
    }
    /* an array with a part missing; strings cut, overlapping, unterminated */
    make_db(path, "DELETE FROM arrays WHERE name = 'edge_to'");
    CU_ASSERT_EQUAL(load_db(path), V8A_EFORMAT);
    make_db(path, "UPDATE arrays SET data = substr(data, 1, 10) WHERE name = 'string_data'");
    CU_ASSERT_EQUAL(load_db(path), V8A_EFORMAT);
    make_db(path, "UPDATE arrays SET data = substr(data, 1, 16) || substr(data, 9, 8) || "
                  "substr(data, 25) WHERE name = 'string_offset'");
    CU_ASSERT_EQUAL(load_db(path), V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "corrupt database"));
    make_db(path,
            "UPDATE arrays SET data = replace(data, x'00', x'20') WHERE name = 'string_data'");
    CU_ASSERT_EQUAL(load_db(path), V8A_EFORMAT);
    /* a location pointing past the nodes; without the location arrays, the
     * rows are read instead, and checked as well */
    make_db(path, "UPDATE arrays SET data = x'ffffff0008000000' WHERE name = 'loc_node'");
    CU_ASSERT_EQUAL(load_db(path), V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "location 0 points past the nodes"));
    make_db(path, "DELETE FROM arrays WHERE name GLOB 'loc_*'");
    CU_ASSERT_EQUAL(load_db(path), 0);
    make_db(path, "DELETE FROM arrays WHERE name GLOB 'loc_*';"
                  "UPDATE locations SET node_id = 999999 WHERE rowid = 1");
    CU_ASSERT_EQUAL(load_db(path), V8A_EFORMAT);
    make_db(path, "UPDATE arrays SET data = zeroblob(length(data) * 2) WHERE name = 'dominator'");
    CU_ASSERT_EQUAL(load_db(path), V8A_EFORMAT);
    /* dominators pointing past the nodes */
    make_db(path, "UPDATE arrays SET data = CAST(x'ffffffff' || substr(data, 5) AS BLOB) "
                  "WHERE name = 'dominator'"); /* || makes text, whose length stops at a NUL */
    CU_ASSERT_EQUAL(load_db(path), V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "analysis arrays are inconsistent"));
    /* a newer schema; a foreign SQLite file */
    char newer[64];
    snprintf(newer, sizeof newer, "PRAGMA user_version = %d", V8A_SCHEMA_VERSION + 1);
    make_db(path, newer);
    CU_ASSERT_EQUAL_FATAL(load_db(path), V8A_EUNSUPPORTED);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "newer"));
    make_db(path, "PRAGMA application_id = 7");
    CU_ASSERT_EQUAL(load_db(path), V8A_EFORMAT);
}

/* A database cut short, or with pages overwritten: an error, never a crash. */
static void test_db_truncated_corrupt(void)
{
    char path[512], cut[512];
    snprintf(path, sizeof path, "%s/whole.v8adb", test_tmpdir());
    snprintf(cut, sizeof cut, "%s/cut.v8adb", test_tmpdir());
    make_db(path, NULL);
    size_t len;
    unsigned char *buf = slurp(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    size_t cuts[] = {16, 100, 4096, len / 4, len / 2, len - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        FILE *f = fopen(cut, "wb");
        fwrite(buf, 1, cuts[i], f);
        fclose(f);
        int rc = load_db(cut);
        CU_ASSERT(rc == V8A_EFORMAT || rc == V8A_EIO);
        if (rc != V8A_EFORMAT && rc != V8A_EIO) fprintf(stderr, "\ncut at %zu: %d\n", cuts[i], rc);
    }
    /* 64 bytes of 0xA5 written over every 4 KiB of the file in turn */
    for (size_t at = 100; at + 64 < len; at += 4096) {
        unsigned char keep[64];
        memcpy(keep, buf + at, 64);
        memset(buf + at, 0xa5, 64);
        FILE *f = fopen(cut, "wb");
        fwrite(buf, 1, len, f);
        fclose(f);
        int rc = load_db(cut);
        CU_ASSERT(rc == 0 || rc == V8A_EFORMAT || rc == V8A_EIO || rc == V8A_EUNSUPPORTED);
        memcpy(buf + at, keep, 64);
    }
    free(buf);
}

/* After the header, V8's key order is not required: the sections read in
 * another order give the same heap. */
static void test_key_order(void)
{
    v8a_heap *want = NULL;
    CU_ASSERT_EQUAL_FATAL(v8a_heap_read(&want, fixture("hand/six-fields.heapsnapshot"), NULL), 0);
    const char *files[] = {"hand/order-strings-first.heapsnapshot",
                           "hand/order-edges-first.heapsnapshot"};
    for (int i = 0; i < 2; i++) {
        size_t len;
        unsigned char *buf = slurp(fixture(files[i]), &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
        CU_ASSERT_EQUAL(read_both(buf, len, files[i], 5, NULL, 0), 0);
        v8a_heap *h = NULL;
        CU_ASSERT_EQUAL(v8a_heap_read(&h, fixture(files[i]), NULL), 0);
        if (h) CU_ASSERT_EQUAL(heap_digest(h), heap_digest(want));
        v8a_heap_free(h);
        free(buf);
    }
    v8a_heap_free(want);
}

typedef struct {
    const char *path;
    off_t to;
    int calls, cut;
} shrinker;

/* Progress callback that truncates the file being read at its first call
 * before the end: another process cutting a snapshot under the reader. */
static int shrink_cb(void *payload, const char *stage, uint64_t done, uint64_t total)
{
    shrinker *k = payload;
    (void)stage;
    k->calls++;
    if (!k->cut && done < total) {
        CU_ASSERT_EQUAL(truncate(k->path, k->to), 0);
        k->cut = 1;
    }
    return 0;
}

/* A mapped file that shrinks while it is read raises SIGBUS on the pages
 * past its new end; the reader must turn that into V8A_EIO, not die. Read
 * as a stream, the same file just ends early. */
static void test_file_shrinks(void)
{
    size_t len;
    unsigned char *buf = slurp(fixture("app-after.heapsnapshot.gz"), &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    char path[512];
    snprintf(path, sizeof path, "%s/shrinking.heapsnapshot", test_tmpdir());
    off_t cuts[] = {0, 4096, (off_t)len / 2};
    for (int stream = 0; stream < 2; stream++)
        for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
            FILE *f = fopen(path, "wb");
            CU_ASSERT_PTR_NOT_NULL_FATAL(f);
            fwrite(buf, 1, len, f);
            fclose(f);
            shrinker k = {path, cuts[c], 0, 0};
            v8a_read_options o;
            v8a_read_options_init(&o);
            o.progress = shrink_cb;
            o.payload = &k;
            o.no_mmap = stream;
            o.chunk_size = stream ? 65536 : 0;
            v8a_heap *h = NULL;
            int rc = v8a_heap_read(&h, path, &o);
            v8a_heap_free(h);
            CU_ASSERT(k.cut);
            if (!k.cut) continue;
            const char *msg = rc < 0 ? v8a_error_last()->message : "accepted";
            int ok = stream ? rc == V8A_EFORMAT
                            : (rc == V8A_EIO && strstr(msg, "shrank")) ||
                                  (rc == V8A_EFORMAT && cuts[c] % 4096 != 0);
            CU_ASSERT(ok);
            if (!ok)
                fprintf(stderr, "\nshrink to %lld (stream %d): %d %s\n", (long long)cuts[c], stream,
                        rc, msg);
        }
    free(buf);
}

void suite_hostile(CU_pSuite s)
{
    ADD(s, test_truncate_every_byte);
    ADD(s, test_truncate_real);
    ADD(s, test_flip_every_byte);
    ADD(s, test_deep_nesting);
    ADD(s, test_key_order);
    ADD(s, test_db_lying_counts);
    ADD(s, test_db_truncated_corrupt);
    ADD(s, test_file_shrinks);
}
