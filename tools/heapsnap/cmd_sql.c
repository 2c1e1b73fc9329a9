/* cmd_sql.c - heapsnap sql: run SQL on a snapshot's database.
 *
 * The database is opened read-only, with the `edges` table-valued function
 * available (docs/schema.md). Each statement runs in turn; the rows of the
 * last one that returns columns are the report.
 */
#include "heapsnap.h"

#include <cli.h>
#include <output.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <table.h>
#include <v8a/v8a.h>

static const cli_option options[] = {HS_COMMON_OPTIONS};

static const char usage[] = "Usage: heapsnap sql [OPTIONS] SNAPSHOT|DB QUERY\n";
static const char description[] =
    "Runs QUERY, one or more SQL statements, on the database of SNAPSHOT (read-only).\n"
    "Tables and views: nodes, summary, classes, statistics, strings, locations, meta,\n"
    "fields, node_types, edge_types, node_stats, trace_functions, trace_nodes, samples;\n"
    "edges(from_id, to_id, type, name, ...) lists\n"
    "a node's edges with WHERE from_id = ID and its retainers with WHERE to_id = ID.\n"
    "Example:\n"
    "  heapsnap sql app.heapsnapshot \\\n"
    "    \"SELECT name, count(*) n, sum(self_size) FROM nodes GROUP BY name ORDER BY 3 DESC LIMIT "
    "10\"\n";

static int add_cell(cli_table *t, sqlite3_stmt *st, int j)
{
    switch (sqlite3_column_type(st, j)) {
    case SQLITE_INTEGER: return cli_table_int(t, sqlite3_column_int64(st, j));
    case SQLITE_FLOAT: return cli_table_float(t, sqlite3_column_double(st, j));
    case SQLITE_NULL: return cli_table_null(t);
    case SQLITE_BLOB: {
        char buf[48];
        snprintf(buf, sizeof buf, "<blob, %d bytes>", sqlite3_column_bytes(st, j));
        return cli_table_text(t, buf, strlen(buf));
    }
    default: {
        const char *s = (const char *)sqlite3_column_text(st, j);
        return cli_table_text(t, s ? s : "", (size_t)sqlite3_column_bytes(st, j));
    }
    }
}

/* Runs every statement of sql; the last result set is left in *out. */
static int run(sqlite3 *db, const char *path, const char *sql, cli_table **out)
{
    const char *tail = sql;
    while (tail && *tail) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db, tail, -1, &st, &tail);
        if (rc != SQLITE_OK) return cli_error("%s: SQL error: %s", path, sqlite3_errmsg(db));
        if (!st) continue; /* whitespace or a comment */
        int ncols = sqlite3_column_count(st);
        cli_table *t = ncols ? cli_table_new() : NULL;
        int ok = !ncols || t;
        for (int j = 0; ok && j < ncols; j++) {
            const char *name = sqlite3_column_name(st, j);
            ok = cli_table_column(t, name ? name : "?", CLI_COL_TEXT) == 0;
        }
        while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
            for (int j = 0; ok && j < ncols; j++) ok = add_cell(t, st, j) == 0;
        if (!ok) {
            sqlite3_finalize(st);
            cli_table_free(t);
            return cli_error("out of memory");
        }
        if (rc != SQLITE_DONE) {
            int r = cli_error("%s: SQL error: %s", path, sqlite3_errmsg(db));
            sqlite3_finalize(st);
            cli_table_free(t);
            return r;
        }
        sqlite3_finalize(st);
        if (t) {
            cli_table_free(*out);
            *out = t;
        }
    }
    return 0;
}

int cmd_sql(int argc, char **argv)
{
    const char *arg;
    hs_args ha = {NULL, CLI_TEXT, 0};
    int c;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        int done, common = hs_common_option(c, arg, &ha, usage, description, options, &done);
        if (common < 0) return done;
        if (common == 0) return CLI_TROUBLE;
    }
    int i = hs_operands(argc, argv, 2, 2, cli_operand_index() >= argc ? "SNAPSHOT or DB" : "QUERY");
    if (i < 0) return CLI_TROUBLE;
    v8a_store *s = NULL;
    if (hs_open_rows(argv[i], ha.no_cache, &s)) return CLI_TROUBLE;
    cli_table *t = NULL;
    int rc = run(v8a_store_get_db(s), argv[i], argv[i + 1], &t);
    if (rc == 0 && t) rc = cli_table_emit(t, ha.output, ha.fmt, 0);
    cli_table_free(t);
    v8a_store_close(s);
    return rc;
}
