/* fuzz_store_tables.c - libFuzzer target: a valid v8a database, edited.
 *
 * Mutating a SQLite file byte by byte mostly hits SQLite's own corruption
 * checks (fuzz_store_load does that). This target starts each run from a
 * valid database (a small snapshot imported once) and applies edits that the
 * input describes, through SQL: meta values, bytes inside the packed arrays,
 * arrays cut short, rows deleted, integer and text columns overwritten (text
 * as arbitrary bytes). Then it opens the result the way the tools do: the
 * heap and analysis loaded, the analysis recomputed on the loaded heap,
 * retainer paths, and the `edges` table-valued function and the views
 * queried. Whatever the edits, the outcome is a result or a clean error.
 *
 * Input: records of at least 2 bytes, [op, selector, payload...]; see edit().
 */
#include <v8a/v8a.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* A snapshot with every section: 4 nodes (a cycle, a weak edge), a trace
 * tree, a sample, a location, escapes in the strings. */
static const char snapshot[] =
    "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\","
    "\"edge_count\",\"trace_node_id\",\"detachedness\"],\"node_types\":[[\"hidden\",\"array\","
    "\"string\",\"object\",\"code\",\"closure\",\"regexp\",\"number\",\"native\",\"synthetic\","
    "\"concatenated string\",\"sliced string\",\"symbol\",\"bigint\",\"object shape\"],"
    "\"string\",\"number\",\"number\",\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\","
    "\"name_or_index\",\"to_node\"],\"edge_types\":[[\"context\",\"element\",\"property\","
    "\"internal\",\"hidden\",\"shortcut\",\"weak\"],\"string_or_number\",\"node\"],"
    "\"trace_function_info_fields\":[\"function_id\",\"name\",\"script_name\",\"script_id\","
    "\"line\",\"column\"],\"trace_node_fields\":[\"id\",\"function_info_index\",\"count\","
    "\"size\",\"children\"],\"sample_fields\":[\"timestamp_us\",\"last_assigned_id\"],"
    "\"location_fields\":[\"object_index\",\"script_id\",\"line\",\"column\"]},"
    "\"node_count\":4,\"edge_count\":4,\"trace_function_count\":1},"
    "\"nodes\":[9,0,1,0,2,0,0,3,2,3,16,1,1,0,5,1,5,24,1,2,0,2,3,7,32,0,0,0],"
    "\"edges\":[2,2,7,1,0,14,2,1,14,6,3,7],"
    "\"trace_function_infos\":[1,1,2,1,0,0],\"trace_tree\":[1,0,1,8,[2,0,1,8,[]]],"
    "\"samples\":[100,3],\"locations\":[7,1,2,3],"
    "\"strings\":[\"\",\"a\\u00e9\\uD83D\\uDE00\",\"global\",\"\\ud800x\"]}";

static char tpl_path[64], work_path[64];
static unsigned char *tpl;
static size_t tpl_len;

static void cleanup(void)
{
    unlink(tpl_path);
    unlink(work_path);
}

static void setup(void)
{
    snprintf(tpl_path, sizeof tpl_path, "/tmp/v8a-fuzz-tpl-%ld.v8adb", (long)getpid());
    snprintf(work_path, sizeof work_path, "/tmp/v8a-fuzz-work-%ld.v8adb", (long)getpid());
    atexit(cleanup);
    v8a_heap *h = NULL;
    if (v8a_heap_read_buffer(&h, snapshot, sizeof snapshot - 1, "seed", NULL) < 0 ||
        v8a_store_write_heap(h, tpl_path, NULL) < 0) {
        fprintf(stderr, "fuzz_store_tables: %s\n", v8a_error_last()->message);
        abort();
    }
    v8a_heap_free(h);
    sqlite3 *db = NULL;
    if (sqlite3_open(tpl_path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA page_size = 512; VACUUM;", NULL, NULL, NULL) != SQLITE_OK)
        abort();
    sqlite3_close(db);
    FILE *f = fopen(tpl_path, "rb");
    if (!f) abort();
    fseek(f, 0, SEEK_END);
    tpl_len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    tpl = malloc(tpl_len);
    if (!tpl || fread(tpl, 1, tpl_len, f) != tpl_len) abort();
    fclose(f);
}

static const char *const meta_keys[] = {"node_count",
                                        "edge_count",
                                        "string_count",
                                        "location_count",
                                        "trace_function_count",
                                        "trace_node_count",
                                        "sample_count",
                                        "analysed",
                                        "extra_native_bytes",
                                        "header_trace_function_count",
                                        "source_size",
                                        "byte_order",
                                        "rows"};
static const char *const arrays[] = {"node_type",
                                     "node_name",
                                     "node_id",
                                     "node_self_size",
                                     "first_edge",
                                     "node_detachedness",
                                     "node_trace_node_id",
                                     "id_order",
                                     "edge_type",
                                     "edge_name",
                                     "edge_to",
                                     "shallow_size",
                                     "retained_size",
                                     "dominator",
                                     "distance",
                                     "class",
                                     "string_data",
                                     "string_offset",
                                     "loc_node",
                                     "loc_script_node"};
static const char *const tables[] = {"strings",         "classes",    "locations", "trace_nodes",
                                     "trace_functions", "samples",    "fields",    "node_types",
                                     "edge_types",      "statistics", "meta",      "arrays",
                                     "node_rows",       "node_stats"};
/* integer columns, as "table.column" */
static const char *const int_cols[][2] = {
    {"classes", "class_id"},         {"classes", "count"},
    {"classes", "first_id"},         {"classes", "distance"},
    {"classes", "in_summary"},       {"strings", "sid"},
    {"trace_nodes", "parent_idx"},   {"trace_nodes", "function_idx"},
    {"trace_nodes", "idx"},          {"trace_functions", "name_sid"},
    {"locations", "node_id"},        {"locations", "script_node_id"},
    {"node_types", "code"},          {"edge_types", "code"},
    {"edge_types", "name_is_index"}, {"fields", "pos"},
    {"arrays", "elem_size"},         {"arrays", "part"},
    {"statistics", "bytes"},         {"samples", "idx"}};
static const char *const text_cols[][2] = {
    {"strings", "value"},   {"classes", "name"}, {"classes", "key"},
    {"fields", "name"},     {"fields", "list"},  {"node_types", "name"},
    {"edge_types", "name"}, {"arrays", "name"},  {"meta", "value"}};
#define N(a) (sizeof(a) / sizeof *(a))

static int64_t take_i64(const unsigned char **d, size_t *n)
{
    uint64_t v = 0;
    size_t k = *n < 8 ? *n : 8;
    for (size_t i = 0; i < k; i++) v = v << 8 | (*d)[i];
    *d += k;
    *n -= k;
    return (int64_t)v;
}

static void run(sqlite3 *db, const char *sql, int64_t a, const void *blob, int blen, const char *t1)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return;
    for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        if (name && strcmp(name, "?1") == 0) sqlite3_bind_int64(st, i, a);
        if (name && strcmp(name, "?2") == 0) sqlite3_bind_blob(st, i, blob, blen, SQLITE_STATIC);
        if (name && strcmp(name, "?3") == 0) sqlite3_bind_text(st, i, t1, -1, SQLITE_STATIC);
    }
    sqlite3_step(st);
    sqlite3_finalize(st);
}

/* Applies one record; returns the bytes it used. */
static size_t edit(sqlite3 *db, const unsigned char *d, size_t n)
{
    const unsigned char *p = d + 2;
    size_t left = n - 2;
    unsigned sel = d[1];
    char sql[256];
    switch (d[0] % 6) {
    case 0: { /* a meta value: an integer */
        int64_t v = take_i64(&p, &left);
        run(db, "UPDATE meta SET value = ?1 WHERE key = ?3", v, NULL, 0,
            meta_keys[sel % N(meta_keys)]);
        break;
    }
    case 1: { /* bytes written into an array at an offset */
        size_t len = left ? 1 + p[0] % 16 : 0;
        int64_t at = left ? p[0] / 16 : 0;
        if (left) p++, left--;
        if (len > left) len = left;
        run(db,
            "UPDATE arrays SET data = substr(data, 1, ?1) || ?2 || substr(data, ?1 + length(?2) "
            "+ 1) WHERE name = ?3",
            at * 4, p, (int)len, arrays[sel % N(arrays)]);
        p += len;
        left -= len;
        break;
    }
    case 2: /* an array cut short (or grown with zeros) */
        run(db,
            "UPDATE arrays SET data = CASE WHEN ?1 < length(data) THEN substr(data, 1, ?1) "
            "ELSE data || zeroblob(?1 - length(data)) END WHERE name = ?3",
            left ? p[0] % 64 : 0, NULL, 0, arrays[sel % N(arrays)]);
        if (left) p++, left--;
        break;
    case 3: { /* a row deleted */
        const char *t = tables[sel % N(tables)];
        snprintf(sql, sizeof sql,
                 "DELETE FROM %s WHERE rowid = (SELECT rowid FROM %s LIMIT 1 OFFSET ?1)", t, t);
        run(db, sql, left ? p[0] % 32 : 0, NULL, 0, NULL);
        if (left) p++, left--;
        break;
    }
    case 4: { /* an integer column overwritten in one row */
        const char *const *c = int_cols[sel % N(int_cols)];
        int64_t row = left ? p[0] % 16 : 0;
        if (left) p++, left--;
        int64_t v = take_i64(&p, &left);
        snprintf(sql, sizeof sql,
                 "UPDATE OR IGNORE %s SET %s = %lld WHERE rowid = (SELECT rowid FROM %s LIMIT 1 "
                 "OFFSET ?1)",
                 c[0], c[1], (long long)v, c[0]);
        run(db, sql, row, NULL, 0, NULL);
        break;
    }
    default: { /* a text column overwritten with arbitrary bytes */
        const char *const *c = text_cols[sel % N(text_cols)];
        int64_t row = left ? p[0] % 16 : 0;
        if (left) p++, left--;
        size_t len = left ? p[0] % 24 : 0;
        if (left) p++, left--;
        if (len > left) len = left;
        snprintf(sql, sizeof sql,
                 "UPDATE OR IGNORE %s SET %s = CAST(?2 AS TEXT) WHERE rowid = (SELECT rowid FROM "
                 "%s LIMIT 1 OFFSET ?1)",
                 c[0], c[1], c[0]);
        run(db, sql, row, p, (int)len, NULL);
        p += len;
        left -= len;
        break;
    }
    }
    return n - left;
}

static void query(v8a_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(v8a_store_get_db(s), sql, -1, &st, NULL) != SQLITE_OK) return;
    for (int k = 0; k < 1000 && sqlite3_step(st) == SQLITE_ROW; k++)
        for (int i = 0; i < sqlite3_column_count(st); i++) sqlite3_column_text(st, i);
    sqlite3_finalize(st);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!tpl) setup();
    FILE *f = fopen(work_path, "wb");
    if (!f || fwrite(tpl, 1, tpl_len, f) != tpl_len || fclose(f) != 0) abort();
    sqlite3 *db = NULL;
    if (sqlite3_open(work_path, &db) != SQLITE_OK) abort();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (size_t at = 0; at + 2 <= size;) at += edit(db, data + at, size - at);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);

    v8a_store *s = NULL;
    v8a_heap *h = NULL;
    v8a_analysis *a = NULL, *a2 = NULL;
    if (v8a_store_open(&s, work_path) < 0) goto done;
    query(s, "SELECT count(*), sum(to_id), max(name) FROM edges");
    query(s, "SELECT * FROM edges WHERE to_id = 3");
    query(s, "SELECT * FROM edges WHERE from_id = 1");
    query(s, "SELECT * FROM nodes");
    query(s, "SELECT * FROM summary");
    if (v8a_store_load_heap(s, &h) < 0) goto done;
    if (v8a_analyze(&a2, h, NULL) == 0) {
        v8a_path *p = NULL;
        size_t np = 0;
        if (v8a_retainer_paths(&p, &np, a2, v8a_heap_node_count(h) - 1, 3) == 0)
            v8a_paths_free(p, np);
    }
    if (v8a_store_load_analysis(s, h, &a) < 0) goto done;
    uint32_t targets[4] = {0, 1, 2, 3};
    v8a_path_group *g = NULL;
    size_t ng = 0;
    if (v8a_retainer_groups(&g, &ng, a, targets, 4) == 0) v8a_path_groups_free(g, ng);
    for (uint32_t c = 0; c < v8a_analysis_class_count(a); c++)
        if (!v8a_analysis_get_class(a, c)->name) abort();
done:
    v8a_analysis_free(a);
    v8a_analysis_free(a2);
    v8a_heap_free(h);
    v8a_store_close(s);
    return 0;
}
