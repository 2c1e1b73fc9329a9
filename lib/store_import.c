/* store_import.c - writing a heap snapshot into a new v8a database.
 *
 * The database is built in a temporary file beside the target, with the
 * journal and syncing off and one exclusive transaction, then closed, synced
 * and renamed over the target: readers see the old file or the complete new
 * one, and a failure anywhere unlinks the temporary file. Node rows go in in
 * id order so that `id` is the rowid (lookups by id need no index); the
 * graph itself (edges, and node columns for fast reloading) is stored as
 * packed little-endian arrays in `arrays`, read back by v8a_store_load_heap()
 * and by the `edges` table-valued function. The schema is docs/schema.md.
 */
#ifdef __linux__
#define _GNU_SOURCE /* sync_file_range */
#endif
#include "alloc.h"
#include "error.h"
#include "heap_internal.h"
#include "analysis_internal.h"
#include "heap_reader.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* node_stats is also built in a side database (see build_stats) whose table
 * must match for SQLite's transfer optimisation. */
#define NODE_STATS_DDL                                                                             \
    "CREATE TABLE node_stats(id INTEGER PRIMARY KEY, class_id INTEGER NOT NULL,\n"                 \
    "  shallow_size INTEGER NOT NULL, retained_size INTEGER NOT NULL,\n"                           \
    "  distance INTEGER NOT NULL, dominator_id INTEGER NOT NULL);\n"

const char v8a__schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value);\n"
    "CREATE TABLE fields(list TEXT NOT NULL, pos INTEGER NOT NULL, name TEXT NOT NULL,\n"
    "  PRIMARY KEY(list, pos));\n"
    "CREATE TABLE node_types(code INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
    "CREATE TABLE edge_types(code INTEGER PRIMARY KEY, name TEXT NOT NULL,\n"
    "  name_is_index INTEGER NOT NULL);\n"
    "CREATE TABLE classes(class_id INTEGER PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL,\n"
    "  count INTEGER NOT NULL, shallow_size INTEGER NOT NULL, retained_size INTEGER NOT NULL,\n"
    "  distance INTEGER NOT NULL, first_id INTEGER, in_summary INTEGER NOT NULL);\n"
    "CREATE TABLE statistics(name TEXT PRIMARY KEY NOT NULL, bytes INTEGER NOT NULL);\n"
    "CREATE TABLE interfaces(rank INTEGER NOT NULL, pos INTEGER NOT NULL, name TEXT NOT NULL,\n"
    "  property TEXT NOT NULL, PRIMARY KEY(rank, pos));\n"
    "CREATE VIEW summary AS SELECT name AS class, key, count, distance, shallow_size,\n"
    "  retained_size FROM classes WHERE in_summary ORDER BY retained_size DESC;\n"
    "CREATE TABLE locations(node_id INTEGER NOT NULL, script_id INTEGER NOT NULL,\n"
    "  script_node_id INTEGER, line INTEGER NOT NULL, column INTEGER NOT NULL);\n"
    "CREATE TABLE trace_functions(idx INTEGER PRIMARY KEY, function_id INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL, script_name TEXT NOT NULL, script_id INTEGER NOT NULL,\n"
    "  line INTEGER NOT NULL, column INTEGER NOT NULL, name_sid INTEGER NOT NULL,\n"
    "  script_name_sid INTEGER NOT NULL);\n"
    "CREATE TABLE trace_nodes(idx INTEGER PRIMARY KEY, id INTEGER NOT NULL,\n"
    "  parent_idx INTEGER, function_idx INTEGER NOT NULL, count INTEGER NOT NULL,\n"
    "  size INTEGER NOT NULL);\n"
    "CREATE TABLE samples(idx INTEGER PRIMARY KEY, timestamp_us INTEGER NOT NULL,\n"
    "  last_assigned_id INTEGER NOT NULL);\n"
    "CREATE TABLE arrays(name TEXT NOT NULL, part INTEGER NOT NULL, elem_size INTEGER NOT NULL,\n"
    "  data BLOB NOT NULL, PRIMARY KEY(name, part));\n";

/* The row tables a user queries with SQL, written unless the import asks for
 * arrays only (v8a_import_options.rows; meta key "rows"). */
static const char rows_schema_sql[] =
    "CREATE TABLE strings(sid INTEGER PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE node_rows(id INTEGER PRIMARY KEY, ordinal INTEGER NOT NULL,\n"
    "  type_code INTEGER NOT NULL, name_sid INTEGER NOT NULL, self_size INTEGER NOT NULL,\n"
    "  edge_count INTEGER NOT NULL, detachedness INTEGER NOT NULL,\n"
    "  trace_node_id INTEGER NOT NULL);\n" NODE_STATS_DDL
    "CREATE VIEW nodes AS SELECT n.id AS id, n.ordinal AS ordinal, t.name AS type,\n"
    "  s.value AS name, n.self_size AS self_size, n.edge_count AS edge_count,\n"
    "  n.detachedness AS detachedness, n.trace_node_id AS trace_node_id,\n"
    "  c.name AS class, st.shallow_size AS shallow_size, st.retained_size AS retained_size,\n"
    "  st.distance AS distance, st.dominator_id AS dominator_id\n"
    "  FROM node_rows n JOIN node_types t ON t.code = n.type_code\n"
    "  JOIN strings s ON s.sid = n.name_sid\n"
    "  LEFT JOIN node_stats st ON st.id = n.id LEFT JOIN classes c ON c.class_id = st.class_id;\n";

#define PART_BYTES (4u << 20) /* small parts keep SQLite's record buffer small */

void v8a_import_options_init(v8a_import_options *o)
{
    memset(o, 0, sizeof *o);
    v8a_read_options_init(&o->read);
    o->rows = 1;
}

/* ---- small writers ---- */

typedef struct {
    sqlite3 *db;
    const char *path;
    const v8a_heap *h;
    const v8a_import_options *opts;
    uint64_t rows_done, rows_total;
} writer;

static int meta_put(writer *w, const char *key, const char *text, int64_t num, int is_null)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(w->db, "INSERT INTO meta(key, value) VALUES(?, ?)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (is_null)
            sqlite3_bind_null(st, 2);
        else if (text)
            sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, 2, num);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : v8a__sqlite_error(w->db, rc, w->path, "write meta");
}

static int meta_int(writer *w, const char *key, int64_t v)
{
    return meta_put(w, key, NULL, v, 0);
}

static int meta_text(writer *w, const char *key, const char *v)
{
    return meta_put(w, key, v, 0, v == NULL);
}

static int write_list(writer *w, const char *list, const v8a__strlist *l)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(w->db, "INSERT INTO fields(list, pos, name) VALUES(?, ?, ?)", -1,
                                &st, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < l->count; i++) {
        sqlite3_bind_text(st, 1, list, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sqlite3_bind_text(st, 3, l->items[i], -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) rc = sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : v8a__sqlite_error(w->db, rc, w->path, "write fields");
}

static int write_types(writer *w, const char *table, const v8a__strlist *l, int edges)
{
    char sql[128];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "INSERT INTO %s VALUES(?, ?%s)", table, edges ? ", ?" : "");
    int rc = sqlite3_prepare_v2(w->db, sql, -1, &st, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < l->count; i++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
        sqlite3_bind_text(st, 2, l->items[i], -1, SQLITE_STATIC);
        if (edges) sqlite3_bind_int(st, 3, w->h->edge_is_index[i]);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) rc = sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : v8a__sqlite_error(w->db, rc, w->path, "write types");
}

/* Stores n elements of elem bytes as parts of at most PART_BYTES. */
static int write_array(writer *w, const char *name, const void *data, uint64_t n, int elem)
{
    sqlite3_stmt *st = NULL;
    if (!data) return 0;
    int rc = sqlite3_prepare_v2(
        w->db, "INSERT INTO arrays(name, part, elem_size, data) VALUES(?, ?, ?, ?)", -1, &st, NULL);
    uint64_t per = PART_BYTES / (uint64_t)elem, part = 0;
    for (uint64_t at = 0; rc == SQLITE_OK && (at < n || (n == 0 && part == 0)); at += per, part++) {
        uint64_t k = n - at < per ? n - at : per;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)part);
        sqlite3_bind_int(st, 3, elem);
        sqlite3_bind_blob64(st, 4, (const char *)data + at * (uint64_t)elem, k * (uint64_t)elem,
                            SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) rc = sqlite3_reset(st);
        if (n == 0) break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : v8a__sqlite_error(w->db, rc, w->path, "write arrays");
}

/* ---- bulk row sources ---- */

static void node_col(const v8a__bulk *b, sqlite3_int64 row, int col, sqlite3_context *ctx)
{
    const v8a_heap *h = b->payload;
    uint32_t i = h->id_order[row];
    switch (col) {
    case 0: sqlite3_result_int64(ctx, (sqlite3_int64)h->node_id[i]); break;
    case 1: sqlite3_result_int64(ctx, i); break;
    case 2: sqlite3_result_int(ctx, h->node_type[i]); break;
    case 3: sqlite3_result_int64(ctx, h->node_name[i]); break;
    case 4: sqlite3_result_int64(ctx, (sqlite3_int64)h->node_self_size[i]); break;
    case 5: sqlite3_result_int64(ctx, h->first_edge[i + 1] - h->first_edge[i]); break;
    case 6: sqlite3_result_int(ctx, h->node_detachedness ? h->node_detachedness[i] : 0); break;
    default: sqlite3_result_int64(ctx, h->node_trace_node_id ? h->node_trace_node_id[i] : 0); break;
    }
}

static void string_col(const v8a__bulk *b, sqlite3_int64 row, int col, sqlite3_context *ctx)
{
    const v8a_heap *h = b->payload;
    if (col == 0) {
        /* NULL lets SQLite append the next rowid without a lookup; only the
         * first row, sid 0, needs its value given */
        if (row == 0)
            sqlite3_result_int64(ctx, 0);
        else
            sqlite3_result_null(ctx);
        return;
    }
    uint64_t a = h->string_offset[row], z = h->string_offset[row + 1] - 1;
    sqlite3_result_text64(ctx, h->string_data + a, z - a, SQLITE_STATIC, SQLITE_UTF8);
}

static void location_col(const v8a__bulk *b, sqlite3_int64 row, int col, sqlite3_context *ctx)
{
    const v8a_heap *h = b->payload;
    switch (col) {
    case 0: sqlite3_result_int64(ctx, (sqlite3_int64)h->node_id[h->loc_node[row]]); break;
    case 1: sqlite3_result_int64(ctx, h->loc_script_id[row]); break;
    case 2:
        if (h->loc_script_node[row] == V8A_NONE)
            sqlite3_result_null(ctx);
        else
            sqlite3_result_int64(ctx, (sqlite3_int64)h->node_id[h->loc_script_node[row]]);
        break;
    case 3: sqlite3_result_int64(ctx, h->loc_line[row]); break;
    default: sqlite3_result_int64(ctx, h->loc_column[row]); break;
    }
}

static void text_result(sqlite3_context *ctx, const v8a_heap *h, uint32_t sid)
{
    size_t n;
    const char *s = v8a_heap_string(h, sid, &n);
    sqlite3_result_text64(ctx, s, n, SQLITE_STATIC, SQLITE_UTF8);
}

static void tfi_col(const v8a__bulk *b, sqlite3_int64 row, int col, sqlite3_context *ctx)
{
    const v8a_heap *h = b->payload;
    switch (col) {
    case 0: sqlite3_result_int64(ctx, row); break;
    case 1: sqlite3_result_int64(ctx, (sqlite3_int64)h->tfi_function_id[row]); break;
    case 2: text_result(ctx, h, h->tfi_name[row]); break;
    case 3: text_result(ctx, h, h->tfi_script_name[row]); break;
    case 4: sqlite3_result_int64(ctx, h->tfi_script_id[row]); break;
    case 5: sqlite3_result_int64(ctx, h->tfi_line[row]); break;
    case 6: sqlite3_result_int64(ctx, h->tfi_column[row]); break;
    case 7: sqlite3_result_int64(ctx, h->tfi_name[row]); break;
    default: sqlite3_result_int64(ctx, h->tfi_script_name[row]); break;
    }
}

static void trace_col(const v8a__bulk *b, sqlite3_int64 row, int col, sqlite3_context *ctx)
{
    const v8a_heap *h = b->payload;
    switch (col) {
    case 0: sqlite3_result_int64(ctx, row); break;
    case 1: sqlite3_result_int64(ctx, (sqlite3_int64)h->trace_id[row]); break;
    case 2:
        if (h->trace_parent[row] == V8A_NONE)
            sqlite3_result_null(ctx);
        else
            sqlite3_result_int64(ctx, h->trace_parent[row]);
        break;
    case 3: sqlite3_result_int64(ctx, h->trace_fi[row]); break;
    case 4: sqlite3_result_int64(ctx, (sqlite3_int64)h->trace_count_v[row]); break;
    default: sqlite3_result_int64(ctx, (sqlite3_int64)h->trace_size[row]); break;
    }
}

static void sample_col(const v8a__bulk *b, sqlite3_int64 row, int col, sqlite3_context *ctx)
{
    const v8a_heap *h = b->payload;
    switch (col) {
    case 0: sqlite3_result_int64(ctx, row); break;
    case 1: sqlite3_result_int64(ctx, (sqlite3_int64)h->sample_ts[row]); break;
    default: sqlite3_result_int64(ctx, (sqlite3_int64)h->sample_last_id[row]); break;
    }
}

static int bulk(writer *w, const char *table, const char *cols, int ncols, uint64_t nrows,
                void (*column)(const v8a__bulk *, sqlite3_int64, int, sqlite3_context *))
{
    if (nrows == 0) return 0;
    v8a__bulk b = {ncols,        (sqlite3_int64)nrows, column,
                   w->h,         w->opts->progress,    w->opts->payload,
                   w->rows_done, w->rows_total};
    int rc = v8a__bulk_insert(w->db, w->path, table, cols, &b);
    w->rows_done += nrows;
    return rc;
}

/* ---- the import ---- */

/* The node rows: the biggest table, written as soon as the nodes are final,
 * while the rest of the snapshot is still being parsed. */
static int write_node_rows(writer *w)
{
    if (!w->opts->rows) return 0;
    return bulk(w, "node_rows",
                "id, ordinal, type_code, name_sid, self_size, edge_count, detachedness, "
                "trace_node_id",
                8, w->h->node_count, node_col);
}

/* Everything but the node rows, once the whole snapshot is read. */
static int write_rest(writer *w)
{
    const v8a_heap *h = w->h;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *abs = strcmp(h->source, "-") == 0 ? NULL : realpath(h->source, NULL);
    int rc = 0;

    if (!rc) rc = meta_text(w, "format", "heapsnapshot");
    if (!rc) rc = meta_int(w, "schema_version", V8A_SCHEMA_VERSION);
    if (!rc) rc = meta_text(w, "v8a_version", v8a_version());
    if (!rc) rc = meta_text(w, "imported_at", now);
    if (!rc) rc = meta_text(w, "source_path", h->source);
    if (!rc) rc = meta_text(w, "source_realpath", abs ? abs : h->source);
    if (!rc) rc = meta_int(w, "source_size", (int64_t)h->file_size);
    if (!rc) rc = meta_int(w, "source_mtime_ns", h->mtime_ns);
    if (!rc) rc = meta_int(w, "source_compressed", h->compressed);
    if (!rc) rc = meta_text(w, "byte_order", "little");
    if (!rc) rc = meta_int(w, "rows", w->opts->rows != 0);
    if (!rc) rc = meta_int(w, "node_count", h->node_count);
    if (!rc) rc = meta_int(w, "edge_count", h->edge_count);
    if (!rc) rc = meta_int(w, "string_count", h->string_count);
    if (!rc) rc = meta_int(w, "location_count", h->location_count);
    if (!rc) rc = meta_int(w, "trace_function_count", h->tfi_count);
    if (!rc) rc = meta_int(w, "trace_node_count", h->trace_count);
    if (!rc) rc = meta_int(w, "sample_count", h->sample_count);
    if (!rc) rc = meta_int(w, "total_self_size", (int64_t)v8a_heap_total_self_size(h));
    if (!rc)
        rc = meta_int(w, "header_trace_function_count", (int64_t)h->header.trace_function_count);
    if (!rc) {
        if (h->header.has_extra_native_bytes)
            rc = meta_int(w, "extra_native_bytes", (int64_t)h->header.extra_native_bytes);
        else
            rc = meta_put(w, "extra_native_bytes", NULL, 0, 1);
    }
    free(abs);
    if (!rc) rc = write_list(w, "node_fields", &h->node_fields);
    if (!rc) rc = write_list(w, "edge_fields", &h->edge_fields);
    if (!rc) rc = write_list(w, "location_fields", &h->location_fields);
    if (!rc) rc = write_list(w, "trace_function_info_fields", &h->trace_function_info_fields);
    if (!rc) rc = write_list(w, "trace_node_fields", &h->trace_node_fields);
    if (!rc) rc = write_list(w, "sample_fields", &h->sample_fields);
    if (!rc) rc = write_types(w, "node_types", &h->node_types, 0);
    if (!rc) rc = write_types(w, "edge_types", &h->edge_types, 1);

    w->rows_total = (uint64_t)(w->opts->rows ? h->string_count : 0) + h->location_count +
                    h->tfi_count + h->trace_count + h->sample_count;
    w->rows_done = 0;
    if (!rc && w->opts->rows) rc = bulk(w, "strings", "sid, value", 2, h->string_count, string_col);
    if (!rc)
        rc = bulk(w, "locations", "node_id, script_id, script_node_id, line, column", 5,
                  h->location_count, location_col);
    if (!rc)
        rc = bulk(w, "trace_functions",
                  "idx, function_id, name, script_name, script_id, line, column, name_sid, "
                  "script_name_sid",
                  9, h->tfi_count, tfi_col);
    if (!rc)
        rc = bulk(w, "trace_nodes", "idx, id, parent_idx, function_idx, count, size", 6,
                  h->trace_count, trace_col);
    if (!rc)
        rc = bulk(w, "samples", "idx, timestamp_us, last_assigned_id", 3, h->sample_count,
                  sample_col);

    uint64_t n = h->node_count, m = h->edge_count;
    if (!rc) rc = write_array(w, "node_type", h->node_type, n, 1);
    if (!rc) rc = write_array(w, "node_name", h->node_name, n, 4);
    if (!rc) rc = write_array(w, "node_id", h->node_id, n, 8);
    if (!rc) rc = write_array(w, "node_self_size", h->node_self_size, n, 8);
    if (!rc) rc = write_array(w, "first_edge", h->first_edge, n + 1, 4);
    if (!rc) rc = write_array(w, "node_detachedness", h->node_detachedness, n, 1);
    if (!rc) rc = write_array(w, "node_trace_node_id", h->node_trace_node_id, n, 4);
    if (!rc) rc = write_array(w, "id_order", h->id_order, n, 4);
    if (!rc) rc = write_array(w, "edge_type", h->edge_type, m, 1);
    if (!rc) rc = write_array(w, "edge_name", h->edge_name, m, 4);
    if (!rc) rc = write_array(w, "edge_to", h->edge_to, m, 4);
    /* the strings, NUL-terminated end to end, and where each starts (the
     * count + 1st offset is the end) */
    if (!rc)
        rc = write_array(w, "string_data", h->string_data, h->string_offset[h->string_count], 1);
    if (!rc)
        rc = write_array(w, "string_offset", h->string_offset, (uint64_t)h->string_count + 1, 8);
    /* the locations too, so that loading needs no id lookup per row */
    uint64_t nl = h->location_count;
    if (!rc) rc = write_array(w, "loc_node", h->loc_node, nl, 4);
    if (!rc) rc = write_array(w, "loc_script_id", h->loc_script_id, nl, 4);
    if (!rc) rc = write_array(w, "loc_script_node", h->loc_script_node, nl, 4);
    if (!rc) rc = write_array(w, "loc_line", h->loc_line, nl, 4);
    if (!rc) rc = write_array(w, "loc_column", h->loc_column, nl, 4);
    return rc;
}

/* ---- the analysis ---- */

static void stats_col(const v8a__bulk *b, sqlite3_int64 row, int col, sqlite3_context *ctx)
{
    const v8a_analysis *a = b->payload;
    const v8a_heap *h = a->h;
    uint32_t i = h->id_order[row];
    switch (col) {
    case 0: sqlite3_result_int64(ctx, (sqlite3_int64)h->node_id[i]); break;
    case 1: sqlite3_result_int64(ctx, a->cls[i]); break;
    case 2: sqlite3_result_int64(ctx, (sqlite3_int64)a->shallow[i]); break;
    case 3: sqlite3_result_int64(ctx, (sqlite3_int64)a->retained[i]); break;
    case 4: sqlite3_result_int64(ctx, a->distance[i]); break;
    default: sqlite3_result_int64(ctx, (sqlite3_int64)h->node_id[a->dom[i]]); break;
    }
}

static void class_col(const v8a__bulk *b, sqlite3_int64 row, int col, sqlite3_context *ctx)
{
    const v8a_analysis *a = b->payload;
    const v8a_class_info *c = &a->classes[row];
    switch (col) {
    case 0: sqlite3_result_int64(ctx, row); break;
    case 1: sqlite3_result_text(ctx, c->name, -1, SQLITE_STATIC); break;
    case 2: sqlite3_result_text(ctx, c->key, -1, SQLITE_STATIC); break;
    case 3: sqlite3_result_int64(ctx, c->count); break;
    case 4: sqlite3_result_int64(ctx, (sqlite3_int64)c->shallow_size); break;
    case 5: sqlite3_result_int64(ctx, (sqlite3_int64)c->retained_size); break;
    case 6: sqlite3_result_int64(ctx, c->distance); break;
    case 7:
        if (c->first == UINT32_MAX)
            sqlite3_result_null(ctx);
        else
            sqlite3_result_int64(ctx, (sqlite3_int64)a->h->node_id[c->first]);
        break;
    default: sqlite3_result_int(ctx, c->in_summary); break;
    }
}

/* Interface definitions, one row per property: (rank, pos, name, property). */
static int write_interfaces(writer *w, const v8a_interfaces *d)
{
    sqlite3_stmt *stmt = NULL;
    int src =
        sqlite3_prepare_v2(w->db, "INSERT INTO interfaces VALUES(?, ?, ?, ?)", -1, &stmt, NULL);
    for (uint32_t i = 0; src == SQLITE_OK && i < d->count; i++)
        for (uint32_t k = 0; src == SQLITE_OK && k < d->defs[i].nprops; k++) {
            sqlite3_bind_int64(stmt, 1, i);
            sqlite3_bind_int64(stmt, 2, k);
            sqlite3_bind_text(stmt, 3, d->defs[i].name, -1, SQLITE_STATIC);
            sqlite3_bind_text(stmt, 4, d->defs[i].props[k], -1, SQLITE_STATIC);
            src = sqlite3_step(stmt);
            if (src == SQLITE_DONE) src = sqlite3_reset(stmt);
        }
    sqlite3_finalize(stmt);
    return src == SQLITE_OK ? 0 : v8a__sqlite_error(w->db, src, w->path, "write interfaces");
}

/* The node_stats rows of an analysis into db (the build's, or a side one). */
static int write_node_stats(sqlite3 *db, const char *path, const v8a_analysis *a)
{
    v8a__bulk sb = {6, (sqlite3_int64)a->h->node_count, stats_col, a, NULL, NULL, 0, 0};
    return v8a__bulk_insert(db, path, "node_stats",
                            "id, class_id, shallow_size, retained_size, distance, dominator_id",
                            &sb);
}

/* Per-node results as arrays, the classes, the statistics (node_stats rows
 * are write_node_stats'). */
static int write_analysis(writer *w, const v8a_analysis *a)
{
    const v8a_heap *h = w->h;
    uint64_t n = h->node_count;
    v8a__bulk cb = {9, (sqlite3_int64)a->class_count, class_col, a, NULL, NULL, 0, 0};
    int rc = 0;
    if (!rc && a->class_count)
        rc = v8a__bulk_insert(w->db, w->path, "classes",
                              "class_id, name, key, count, shallow_size, retained_size, distance, "
                              "first_id, in_summary",
                              &cb);
    const struct {
        const char *name;
        uint64_t v;
    } st[] = {{"total", a->stats.total},
              {"v8heap", a->stats.v8heap},
              {"native", a->stats.native},
              {"code", a->stats.code},
              {"strings", a->stats.strings},
              {"js_arrays", a->stats.js_arrays},
              {"typed_arrays", a->stats.typed_arrays},
              {"system", a->stats.system},
              {"extra_native_bytes", a->stats.extra_native_bytes}};
    sqlite3_stmt *stmt = NULL;
    if (!rc) {
        int src = sqlite3_prepare_v2(w->db, "INSERT INTO statistics VALUES(?, ?)", -1, &stmt, NULL);
        for (size_t i = 0; src == SQLITE_OK && i < sizeof st / sizeof *st; i++) {
            sqlite3_bind_text(stmt, 1, st[i].name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(stmt, 2, (sqlite3_int64)st[i].v);
            src = sqlite3_step(stmt);
            if (src == SQLITE_DONE) src = sqlite3_reset(stmt);
        }
        sqlite3_finalize(stmt);
        if (src != SQLITE_OK) rc = v8a__sqlite_error(w->db, src, w->path, "write statistics");
    }
    if (!rc && a->ifaces) rc = write_interfaces(w, a->ifaces);
    if (!rc) rc = meta_int(w, "analysed", 1);
    if (!rc) rc = write_array(w, "shallow_size", a->shallow, n, 8);
    if (!rc) rc = write_array(w, "retained_size", a->retained, n, 8);
    if (!rc) rc = write_array(w, "dominator", a->dom, n, 4);
    if (!rc) rc = write_array(w, "distance", a->distance, n, 4);
    if (!rc) rc = write_array(w, "class", a->cls, n, 4);
    return rc;
}

/* fsyncs a file or directory by path; errors are reported as V8A_EIO. */
static int sync_path(const char *path, int dir)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) return dir ? 0 : v8a__error_set(V8A_EIO, "%s: %s", path, strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0 && !dir) return v8a__error_set(V8A_EIO, "%s: fsync: %s", path, strerror(e));
    return 0;
}

/* A database being built: the temporary file, its connection, and the
 * thread that writes node rows while the parse goes on. */
typedef struct {
    writer w;
    char *tmp;
    pthread_t thread;
    int running;   /* the store thread exists */
    int abandoned; /* the heap it was given went away: write nothing more */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int parse;    /* 0 still parsing, 1 done and valid, -1 failed */
    int analysis; /* 0 running, 1 done (in a), -1 failed */
    const v8a_analysis *a;
    int stats;        /* 0 being built, 1 in the side database, -1 write them here */
    char *stats_path; /* the side database of node_stats rows */
    int rc;           /* the store thread's result, and its error */
    char msg[1024];
} build;

/* Creates the temporary file beside db_path and opens it with the bulk-load
 * settings and the schema, inside one transaction. */
static int build_open(build *b, const char *db_path, const v8a_import_options *opts)
{
    memset(b, 0, sizeof *b);
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv, NULL);
    b->w.path = db_path;
    b->w.opts = opts;
    v8a__sqlite_setup();
    /* the temporary is renamed over the target: never over a device, FIFO
     * or directory (as root, "-o /dev/null" would replace /dev/null) */
    struct stat st;
    if (stat(db_path, &st) == 0 && !S_ISREG(st.st_mode))
        return v8a__error_set(V8A_EIO, "%s: not a regular file; a database is written to a file",
                              db_path);
    size_t n = strlen(db_path);
    b->tmp = v8a__malloc(n + 16);
    if (!b->tmp) return v8a__error_nomem("path");
    memcpy(b->tmp, db_path, n);
    memcpy(b->tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(b->tmp);
    if (fd < 0) {
        int e = errno;
        v8a__free(b->tmp);
        b->tmp = NULL;
        return v8a__error_set(V8A_EIO, "%s: cannot create: %s", db_path, strerror(e));
    }
    /* mkstemp makes 0600; a database gets the usual mode, as open(2) would */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) { /* harmless: the file stays private */
    }
    close(fd);
    int rc = sqlite3_open_v2(b->tmp, &b->w.db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(b->w.db, rc, db_path, "create database");
    char pragmas[256];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA page_size=65536; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
             "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY;"
             "PRAGMA application_id=%d; PRAGMA user_version=%d;",
             V8A_APPLICATION_ID, V8A_SCHEMA_VERSION);
    if ((rc = v8a__sqlite_exec(b->w.db, db_path, pragmas)) < 0) return rc;
    if ((rc = v8a__sqlite_exec(b->w.db, db_path, "BEGIN EXCLUSIVE")) < 0) return rc;
    if ((rc = v8a__sqlite_exec(b->w.db, db_path, v8a__schema_sql)) < 0) return rc;
    return opts->rows ? v8a__sqlite_exec(b->w.db, db_path, rows_schema_sql) : 0;
}

/* Removes the temporary file; after a failure. */
static void build_discard(build *b)
{
    if (b->w.db) sqlite3_close(b->w.db);
    b->w.db = NULL;
    if (b->tmp) unlink(b->tmp);
    v8a__free(b->tmp);
    b->tmp = NULL;
    if (b->stats_path) unlink(b->stats_path);
    v8a__free(b->stats_path);
    b->stats_path = NULL;
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->cv);
}

/* Closes, syncs and renames the finished database into place. */
static int build_commit(build *b)
{
    const char *db_path = b->w.path;
    int rc = sqlite3_close(b->w.db);
    b->w.db = NULL;
    if (rc != SQLITE_OK) {
        build_discard(b);
        return v8a__error_set(V8A_EIO, "%s: cannot close the database", db_path);
    }
    if ((rc = sync_path(b->tmp, 0)) < 0) {
        build_discard(b);
        return rc;
    }
    if (rename(b->tmp, db_path) != 0) {
        rc = v8a__error_set(V8A_EIO, "%s: cannot rename %s into place: %s", db_path, b->tmp,
                            strerror(errno));
        build_discard(b);
        return rc;
    }
    char *dcopy = v8a__strdup(db_path);
    if (dcopy) sync_path(dirname(dcopy), 1);
    v8a__free(dcopy);
    v8a__free(b->tmp);
    b->tmp = NULL;
    if (b->stats_path) unlink(b->stats_path);
    v8a__free(b->stats_path);
    b->stats_path = NULL;
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->cv);
    return 0;
}

/* Builds the node_stats rows in a side database beside the build, on the
 * analysing thread, while the store thread writes the rest: the two cores
 * share the SQLite work. 0, or an error (the caller then lets the store
 * thread write the rows itself). */
static int build_stats(build *b, const v8a_analysis *a)
{
    size_t n = strlen(b->tmp);
    b->stats_path = v8a__malloc(n + 8);
    if (!b->stats_path) return v8a__error_nomem("path");
    memcpy(b->stats_path, b->tmp, n);
    memcpy(b->stats_path + n, ".stats", 7);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(b->stats_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        rc = v8a__sqlite_error(db, rc, b->w.path, "create a side database");
    } else if ((rc = v8a__sqlite_exec(db, b->w.path,
                                      "PRAGMA page_size=65536; PRAGMA journal_mode=OFF;"
                                      "PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
                                      "PRAGMA cache_size=-16384; BEGIN; " NODE_STATS_DDL)) == 0 &&
               (rc = write_node_stats(db, b->w.path, a)) == 0) {
        rc = v8a__sqlite_exec(db, b->w.path, "COMMIT");
    }
    if (sqlite3_close(db) != SQLITE_OK && rc == 0)
        rc = v8a__error_set(V8A_EIO, "%s: cannot close the side database", b->w.path);
    return rc;
}

/* Copies the side database's node_stats into the build: SQLite moves the
 * records as they are (the transfer optimisation), without decoding them. */
static int copy_stats(writer *w, const char *side)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(w->db, "ATTACH ? AS side", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, side, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) return v8a__sqlite_error(w->db, rc, w->path, "attach the side database");
    /* attached until the connection closes (a transaction is open); the file
     * goes after the commit */
    return v8a__sqlite_exec(w->db, w->path,
                            "INSERT INTO main.node_stats SELECT * FROM side.node_stats");
}

/* Starts writing the file's dirty pages to disk without waiting, so that
 * the fsync at the end has less left to wait for (Linux; a no-op elsewhere
 * and on failure: the fsync still makes the file durable). */
static void start_writeback(const char *path)
{
#ifdef __linux__
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) != 0) { /* harmless */
    }
    close(fd);
#else
    (void)path;
#endif
}

static void *store_thread(void *arg)
{
    build *b = arg;
    /* progress callbacks belong to the parsing thread until the parse ends */
    v8a_import_options quiet = *b->w.opts;
    const v8a_import_options *loud = b->w.opts;
    quiet.progress = NULL;
    b->w.opts = &quiet;
    int rc = write_node_rows(&b->w);
    b->w.opts = loud;
    pthread_mutex_lock(&b->mu);
    while (b->parse == 0) pthread_cond_wait(&b->cv, &b->mu);
    int parse = b->parse;
    pthread_mutex_unlock(&b->mu);
    if (rc == 0 && parse > 0) rc = write_rest(&b->w);
    if (rc == 0 && parse > 0) start_writeback(b->tmp); /* the graph, while the analysis runs */
    if (rc == 0 && parse > 0) {
        pthread_mutex_lock(&b->mu);
        while (b->analysis == 0) pthread_cond_wait(&b->cv, &b->mu);
        int an = b->analysis;
        pthread_mutex_unlock(&b->mu);
        rc = an > 0 ? write_analysis(&b->w, b->a) : V8A_ECANCELED;
        if (rc == 0 && b->w.opts->rows) {
            pthread_mutex_lock(&b->mu);
            while (b->stats == 0) pthread_cond_wait(&b->cv, &b->mu);
            int st = b->stats;
            pthread_mutex_unlock(&b->mu);
            rc = st > 0 ? copy_stats(&b->w, b->stats_path)
                        : write_node_stats(b->w.db, b->w.path, b->a);
        }
    }
    if (rc == 0 && parse > 0) rc = v8a__sqlite_exec(b->w.db, b->w.path, "COMMIT");
    if (rc < 0 && v8a_error_last())
        snprintf(b->msg, sizeof b->msg, "%s", v8a_error_last()->message);
    b->rc = parse > 0 ? rc : V8A_ECANCELED;
    return NULL;
}

/* The stream's nodes are final (h), or the heap given before is going away
 * (NULL): start writing rows, or stop. */
static int on_nodes(void *payload, const v8a_heap *h)
{
    build *b = payload;
    if (!h) {
        if (b->running) {
            pthread_mutex_lock(&b->mu);
            b->parse = -1;
            b->analysis = -1;
            b->stats = -1;
            pthread_cond_signal(&b->cv);
            pthread_mutex_unlock(&b->mu);
            sqlite3_interrupt(b->w.db);
            pthread_join(b->thread, NULL);
            b->running = 0;
        }
        b->abandoned = 1;
        return 0;
    }
    if (b->abandoned || b->running) return 0;
    b->w.h = h;
    b->running = pthread_create(&b->thread, NULL, store_thread, b) == 0;
    return 0;
}

static void signal_state(build *b, int *field, int value)
{
    pthread_mutex_lock(&b->mu);
    *field = value;
    pthread_cond_signal(&b->cv);
    pthread_mutex_unlock(&b->mu);
}

/* After a successful parse: lets the store thread write the rest while this
 * thread analyses, hands it the analysis, and returns its result. The
 * analysis goes to *keep when keep is not NULL, else it is freed. */
static int finish_thread(build *b, const v8a_heap *h, v8a_analysis **keep)
{
    pthread_mutex_lock(&b->mu);
    b->w.h = h;
    pthread_mutex_unlock(&b->mu);
    signal_state(b, &b->parse, 1);
    v8a_analysis *a = NULL;
    v8a_analysis_options ao;
    v8a_analysis_options_init(&ao);
    ao.progress = NULL; /* the store thread reports; one meter at a time */
    int arc = v8a_analyze(&a, h, &ao);
    char amsg[1024] = "";
    if (arc < 0) snprintf(amsg, sizeof amsg, "%s", v8a_error_last()->message);
    b->a = a;
    signal_state(b, &b->analysis, arc < 0 ? -1 : 1);
    if (arc == 0 && b->w.opts->rows) {
        int src = build_stats(b, a);
        if (src < 0) v8a_error_clear(); /* not fatal: the store thread writes them */
        signal_state(b, &b->stats, src < 0 ? -1 : 1);
    } else {
        signal_state(b, &b->stats, -1);
    }
    pthread_join(b->thread, NULL);
    b->running = 0;
    if (keep && arc == 0 && b->rc == 0)
        *keep = a;
    else
        v8a_analysis_free(a);
    if (arc < 0) return v8a__error_set(arc, "%s", amsg);
    if (b->rc < 0) v8a__error_set(b->rc, "%s", b->msg);
    return b->rc;
}

/* Analyses and writes everything after the node rows, on this thread; the
 * analysis as finish_thread. */
static int finish_here(build *b, const v8a_heap *h, v8a_analysis **keep)
{
    v8a_analysis *a = NULL;
    b->w.h = h;
    int rc = write_rest(&b->w);
    if (!rc) rc = v8a_analyze(&a, h, NULL);
    if (!rc) rc = write_analysis(&b->w, a);
    if (!rc && b->w.opts->rows) rc = write_node_stats(b->w.db, b->w.path, a);
    if (!rc) rc = v8a__sqlite_exec(b->w.db, b->w.path, "COMMIT");
    if (keep && !rc)
        *keep = a;
    else
        v8a_analysis_free(a);
    return rc;
}

int v8a_store_write_heap(const v8a_heap *h, const char *db_path, const v8a_import_options *opts)
{
    v8a_import_options defaults;
    build b;
    if (!opts) {
        v8a_import_options_init(&defaults);
        opts = &defaults;
    }
    if (h->header_only)
        return v8a__error_set(V8A_EINVAL, "%s: only the header was read", h->source);
    int rc = build_open(&b, db_path, opts);
    if (rc == 0) {
        b.w.h = h;
        rc = write_node_rows(&b.w);
    }
    if (rc == 0) rc = finish_here(&b, h, NULL);
    if (rc < 0) {
        build_discard(&b);
        return rc;
    }
    return build_commit(&b);
}

int v8a_store_import(const char *snapshot, const char *db_path, const v8a_import_options *opts)
{
    return v8a__store_import_keep(snapshot, db_path, opts, NULL, NULL);
}

int v8a__store_import_keep(const char *snapshot, const char *db_path,
                           const v8a_import_options *opts, v8a_heap **keep_h, v8a_analysis **keep_a)
{
    v8a_analysis *a = NULL;
    if (keep_h) *keep_h = NULL;
    if (keep_a) *keep_a = NULL;
    v8a_import_options defaults;
    build b;
    if (!opts) {
        v8a_import_options_init(&defaults);
        opts = &defaults;
    }
    v8a_read_options ro = opts->read;
    if (opts->progress) {
        ro.progress = opts->progress;
        ro.payload = opts->payload;
    }
    int rc = build_open(&b, db_path, opts);
    if (rc < 0) {
        build_discard(&b);
        return rc;
    }
    v8a_heap *h = NULL;
    rc = v8a__heap_read_hooked(&h, snapshot, &ro, on_nodes, &b);
    if (rc < 0) {
        /* the reader told on_nodes to stop before freeing the heap */
        build_discard(&b);
        return rc;
    }
    if (b.running) {
        rc = finish_thread(&b, h, keep_h ? &a : NULL);
    } else {
        /* no thread (no nodes hook, or the reader re-parsed): write it all now;
         * rows an interrupted thread left behind go with a fresh file */
        if (b.abandoned) {
            build_discard(&b);
            rc = build_open(&b, db_path, opts);
        }
        b.w.h = h;
        if (rc == 0) rc = write_node_rows(&b.w);
        if (rc == 0) rc = finish_here(&b, h, keep_h ? &a : NULL);
    }
    if (rc == 0)
        rc = build_commit(&b);
    else
        build_discard(&b);
    if (rc == 0 && keep_h && a) {
        *keep_h = h;
        *keep_a = a;
        return 0;
    }
    v8a_analysis_free(a);
    v8a_heap_free(h);
    return rc;
}
