/* store_bulk.c - bulk loading of C arrays into SQLite through a virtual table.
 *
 * `INSERT INTO t SELECT * FROM src` with src an eponymous virtual table whose
 * columns are computed from the arrays on demand: no bind calls, no copies of
 * text (results are SQLITE_STATIC), one VDBE loop inside SQLite. Measured on
 * 6.7 M rows of 7 integers: 1.5 s, against 3.3 s for a prepared statement
 * with bind/step/reset (tests/bench/). Each insert registers its own module
 * name, whose client data is the v8a__bulk describing the rows.
 */
#include "alloc.h"
#include "error.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    sqlite3_vtab base;
    v8a__bulk *b;
} bulk_tab;

typedef struct {
    sqlite3_vtab_cursor base;
    v8a__bulk *b;
    sqlite3_int64 row;
} bulk_cur;

static int b_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
                     char **err)
{
    (void)argc;
    (void)argv;
    (void)err;
    v8a__bulk *b = aux;
    char decl[64 + 8 * 64];
    size_t o = (size_t)snprintf(decl, sizeof decl, "CREATE TABLE x(");
    for (int i = 0; i < b->ncols && i < 64; i++)
        o += (size_t)snprintf(decl + o, sizeof decl - o, "%sc%d", i ? "," : "", i);
    snprintf(decl + o, sizeof decl - o, ")");
    int rc = sqlite3_declare_vtab(db, decl);
    if (rc != SQLITE_OK) return rc;
    bulk_tab *t = sqlite3_malloc(sizeof *t);
    if (!t) return SQLITE_NOMEM;
    memset(t, 0, sizeof *t);
    t->b = b;
    *out = &t->base;
    return SQLITE_OK;
}

static int b_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static int b_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
    (void)v;
    info->estimatedCost = 1e9;
    info->orderByConsumed = 0;
    return SQLITE_OK;
}

static int b_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
    bulk_cur *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->b = ((bulk_tab *)v)->b;
    *out = &c->base;
    return SQLITE_OK;
}

static int b_close(sqlite3_vtab_cursor *c)
{
    sqlite3_free(c);
    return SQLITE_OK;
}

static int b_filter(sqlite3_vtab_cursor *c, int idx, const char *s, int argc, sqlite3_value **argv)
{
    (void)idx;
    (void)s;
    (void)argc;
    (void)argv;
    ((bulk_cur *)c)->row = 0;
    return SQLITE_OK;
}

static int b_next(sqlite3_vtab_cursor *cur)
{
    bulk_cur *c = (bulk_cur *)cur;
    v8a__bulk *b = c->b;
    c->row++;
    if (b->progress && (c->row & ((1 << 20) - 1)) == 0 &&
        b->progress(b->progress_payload, "store", b->done_before + (uint64_t)c->row, b->total))
        return SQLITE_INTERRUPT;
    return SQLITE_OK;
}

static int b_eof(sqlite3_vtab_cursor *c)
{
    return ((bulk_cur *)c)->row >= ((bulk_cur *)c)->b->nrows;
}

static int b_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    bulk_cur *c = (bulk_cur *)cur;
    c->b->column(c->b, c->row, col, ctx);
    return SQLITE_OK;
}

static int b_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *out)
{
    *out = ((bulk_cur *)c)->row;
    return SQLITE_OK;
}

static const sqlite3_module bulk_module = {
    .iVersion = 1,
    .xCreate = NULL, /* eponymous only */
    .xConnect = b_connect,
    .xBestIndex = b_best_index,
    .xDisconnect = b_disconnect,
    .xDestroy = b_disconnect,
    .xOpen = b_open,
    .xClose = b_close,
    .xFilter = b_filter,
    .xNext = b_next,
    .xEof = b_eof,
    .xColumn = b_column,
    .xRowid = b_rowid,
};

int v8a__bulk_insert(sqlite3 *db, const char *path, const char *table, const char *cols,
                     v8a__bulk *b)
{
    char module[96], sql[512];
    snprintf(module, sizeof module, "v8a_bulk_%s", table);
    int rc = sqlite3_create_module_v2(db, module, &bulk_module, b, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(db, rc, path, "register bulk source");
    snprintf(sql, sizeof sql, "INSERT INTO %s(%s) SELECT * FROM %s", table, cols, module);
    rc = v8a__sqlite_exec(db, path, sql);
    /* unregister so a later insert into the same table can reuse the name */
    sqlite3_create_module_v2(db, module, NULL, NULL, NULL);
    if (rc == 0) b->done_before += (uint64_t)b->nrows;
    return rc;
}
