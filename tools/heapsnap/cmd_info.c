/* cmd_info.c - heapsnap info: layout and counts of a snapshot or database.
 *
 * On a raw snapshot only the header is read, so the answer is immediate even
 * for a file of several GB; what only the whole file can tell (strings, total
 * self size) comes from the import cache when it has the file, or from a full
 * read with --full.
 */
#include "heapsnap.h"

#include <cli.h>
#include <output.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <table.h>
#include <v8a/v8a.h>

enum { OPT_FULL = 256 };

static const cli_option options[] = {
    {"format", 'f', "FMT", "text (default), json, csv or markdown"},
    {"output", 'o', "FILE", "write the report to FILE instead of standard output"},
    {"full", OPT_FULL, NULL, "read the whole snapshot for the counts the header lacks"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "Usage: heapsnap info [OPTIONS] SNAPSHOT|DB\n";
static const char description[] =
    "Prints the layout (node, edge and location fields) and the counts of a heap\n"
    "snapshot or a v8a database. On a snapshot it reads only the header.\n";

typedef struct {
    cli_table *t;
    int ok;
} info;

static void col(info *in, const char *name, cli_col_kind kind)
{
    if (cli_table_column(in->t, name, kind) < 0) in->ok = 0;
}

static void put_text(info *in, const char *v)
{
    if (cli_table_text(in->t, v, v ? strlen(v) : 0) < 0) in->ok = 0;
}

static void put_u(info *in, uint64_t v)
{
    if (cli_table_uint(in->t, v) < 0) in->ok = 0;
}

static void put_meta(info *in, v8a_store *s, const char *key, int numeric)
{
    char buf[4096];
    if (v8a_store_get_meta(s, key, buf, sizeof buf) < 0 || !buf[0]) {
        if (cli_table_null(in->t) < 0) in->ok = 0;
        return;
    }
    if (numeric)
        put_u(in, strtoull(buf, NULL, 10));
    else
        put_text(in, buf);
}

static void put_list(info *in, sqlite3 *db, const char *list)
{
    char sql[128], buf[1024] = "";
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT name FROM fields WHERE list = '%s' ORDER BY pos", list);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(st, 0);
            size_t n = strlen(buf);
            snprintf(buf + n, sizeof buf - n, "%s%s", n ? "," : "", v ? v : "");
        }
    sqlite3_finalize(st);
    put_text(in, buf);
}

static int from_database(info *in, v8a_store *s, const char *path, int cached)
{
    sqlite3 *db = v8a_store_get_db(s);
    col(in, "file", CLI_COL_TEXT);
    col(in, "kind", CLI_COL_TEXT);
    col(in, "source", CLI_COL_TEXT);
    col(in, "source_size", CLI_COL_BYTES);
    col(in, "imported_at", CLI_COL_TEXT);
    col(in, "schema_version", CLI_COL_INT);
    col(in, "node_fields", CLI_COL_TEXT);
    col(in, "edge_fields", CLI_COL_TEXT);
    col(in, "location_fields", CLI_COL_TEXT);
    col(in, "node_count", CLI_COL_INT);
    col(in, "edge_count", CLI_COL_INT);
    col(in, "string_count", CLI_COL_INT);
    col(in, "location_count", CLI_COL_INT);
    col(in, "trace_function_count", CLI_COL_INT);
    col(in, "total_self_size", CLI_COL_BYTES);
    col(in, "extra_native_bytes", CLI_COL_BYTES);
    put_text(in, path);
    put_text(in, cached ? "heap snapshot (counts from the import cache)" : "v8a database");
    put_meta(in, s, "source_path", 0);
    put_meta(in, s, "source_size", 1);
    put_meta(in, s, "imported_at", 0);
    put_meta(in, s, "schema_version", 1);
    put_list(in, db, "node_fields");
    put_list(in, db, "edge_fields");
    put_list(in, db, "location_fields");
    put_meta(in, s, "node_count", 1);
    put_meta(in, s, "edge_count", 1);
    put_meta(in, s, "string_count", 1);
    put_meta(in, s, "location_count", 1);
    put_meta(in, s, "trace_function_count", 1);
    put_meta(in, s, "total_self_size", 1);
    put_meta(in, s, "extra_native_bytes", 1);
    return 0;
}

static void join(char *buf, size_t cap, size_t n, const char *(*get)(const v8a_heap *, size_t),
                 const v8a_heap *h)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(buf);
        snprintf(buf + k, cap - k, "%s%s", i ? "," : "", get(h, i));
    }
}

static int from_snapshot(info *in, const char *path, int full)
{
    v8a_heap *h = NULL;
    v8a_read_options o;
    v8a_read_options_init(&o);
    o.header_only = !full;
    if (full) o.progress = cli_progress;
    int rc = v8a_heap_read(&h, path, &o);
    cli_progress_done();
    if (rc < 0) return cli_fail();
    const v8a_heap_header *hd = v8a_heap_get_header(h);
    char buf[1024];
    col(in, "file", CLI_COL_TEXT);
    col(in, "kind", CLI_COL_TEXT);
    col(in, "file_size", CLI_COL_BYTES);
    col(in, "compressed", CLI_COL_TEXT);
    col(in, "node_fields", CLI_COL_TEXT);
    col(in, "edge_fields", CLI_COL_TEXT);
    col(in, "location_fields", CLI_COL_TEXT);
    col(in, "node_types", CLI_COL_INT);
    col(in, "node_count", CLI_COL_INT);
    col(in, "edge_count", CLI_COL_INT);
    col(in, "trace_function_count", CLI_COL_INT);
    col(in, "extra_native_bytes", CLI_COL_BYTES);
    if (full) {
        col(in, "string_count", CLI_COL_INT);
        col(in, "location_count", CLI_COL_INT);
        col(in, "total_self_size", CLI_COL_BYTES);
    }
    put_text(in, path);
    put_text(in, full ? "heap snapshot" : "heap snapshot (header only; --full for more)");
    put_u(in, v8a_heap_file_size(h));
    put_text(in, v8a_heap_is_compressed(h) ? "gzip" : "no");
    join(buf, sizeof buf, v8a_heap_node_field_count(h), v8a_heap_node_field, h);
    put_text(in, buf);
    join(buf, sizeof buf, v8a_heap_edge_field_count(h), v8a_heap_edge_field, h);
    put_text(in, buf);
    join(buf, sizeof buf, v8a_heap_location_field_count(h), v8a_heap_location_field, h);
    put_text(in, buf[0] ? buf : NULL);
    put_u(in, v8a_heap_node_type_count(h));
    put_u(in, hd->node_count);
    put_u(in, hd->edge_count);
    put_u(in, full ? v8a_heap_trace_function_count(h) : hd->trace_function_count);
    if (hd->has_extra_native_bytes)
        put_u(in, hd->extra_native_bytes);
    else if (cli_table_null(in->t) < 0)
        in->ok = 0;
    if (full) {
        put_u(in, v8a_heap_string_count(h));
        put_u(in, v8a_heap_location_count(h));
        put_u(in, v8a_heap_total_self_size(h));
    }
    v8a_heap_free(h);
    return 0;
}

int cmd_info(int argc, char **argv)
{
    const char *output = NULL, *arg;
    cli_format fmt = CLI_TEXT;
    int full = 0, c;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        switch (c) {
        case 'f':
            if (cli_format_option(arg, &fmt)) return CLI_TROUBLE;
            break;
        case 'o': output = arg; break;
        case OPT_FULL: full = 1; break;
        case 'h': cli_print_help(stdout, usage, description, options); return CLI_OK;
        default: return CLI_TROUBLE;
        }
    }
    int i = hs_operands(argc, argv, 1, 1, "SNAPSHOT or DB");
    if (i < 0) return CLI_TROUBLE;
    const char *path = argv[i];

    info in = {cli_table_new(), 1};
    if (!in.t) return cli_error("out of memory");
    int rc = 0;
    int isdb = strcmp(path, "-") == 0 ? 0 : v8a_is_database(path);
    if (isdb < 0) {
        cli_table_free(in.t);
        return cli_fail();
    }
    v8a_store *s = NULL;
    if (isdb) {
        if (v8a_store_open(&s, path) < 0) {
            cli_table_free(in.t);
            return cli_fail();
        }
        rc = from_database(&in, s, path, 0);
    } else if (!full && strcmp(path, "-") != 0 && v8a_cache_lookup(&s, path, NULL) == 0) {
        rc = from_database(&in, s, path, 1);
    } else {
        rc = from_snapshot(&in, path, full);
    }
    v8a_store_close(s);
    if (rc == 0 && !in.ok) rc = cli_error("out of memory");
    if (rc == 0) rc = cli_table_emit(in.t, output, fmt, 1);
    cli_table_free(in.t);
    return rc;
}
