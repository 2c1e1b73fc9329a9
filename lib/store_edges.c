/* store_edges.c - the `edges` table-valued function over a database's graph.
 *
 * Edges are stored as packed arrays, not rows (21 M rows would cost more to
 * write than parsing the whole snapshot). This eponymous virtual table lists
 * them as rows (from_id, to_id, type, name, name_or_index, from_ordinal,
 * to_ordinal, edge_index). `WHERE from_id = ?` walks one node's edges;
 * `WHERE to_id = ?` one node's retainers, through a reverse index built on
 * first use; anything else scans every edge. The graph is loaded from the
 * database on first use and kept for the connection's lifetime.
 */
#include "alloc.h"
#include "error.h"
#include "graph.h"
#include "heap_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

enum {
    COL_FROM_ID,
    COL_TO_ID,
    COL_TYPE,
    COL_NAME,
    COL_NAME_OR_INDEX,
    COL_FROM_ORD,
    COL_TO_ORD,
    COL_EDGE
};

typedef struct {
    v8a_store *s;
    v8a__graph g; /* the retainer index, built for the first to_id query */
} edges_data;

typedef struct {
    sqlite3_vtab base;
    edges_data *d;
} edges_tab;

typedef struct {
    sqlite3_vtab_cursor base;
    edges_data *d;
    int mode;         /* 0 scan, 1 from one node, 2 to one node */
    uint64_t at, end; /* edge ordinals (modes 0, 1) or positions in the index (2) */
    uint32_t node;    /* modes 0, 1: the node whose edges at is among */
} edges_cur;

static void data_free(void *p)
{
    edges_data *d = p;
    if (!d) return;
    v8a__graph_free(&d->g);
    v8a__free(d);
}

static int vtab_error(sqlite3_vtab *tab)
{
    sqlite3_free(tab->zErrMsg);
    tab->zErrMsg = sqlite3_mprintf("%s", v8a_error_last() ? v8a_error_last()->message : "?");
    return SQLITE_ERROR;
}

/* Loads the graph on first use, and the retainer index when asked. */
static int data_load(edges_data *d, sqlite3_vtab *tab, int retainers)
{
    v8a_store *s = d->s;
    if (!s->heap && v8a_store_load_heap(s, &s->heap) < 0) return vtab_error(tab);
    if (retainers && !d->g.rev_first && v8a__graph_build(&d->g, s->heap) < 0)
        return vtab_error(tab);
    return SQLITE_OK;
}

static int e_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
                     char **err)
{
    (void)argc;
    (void)argv;
    (void)err;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(from_id INTEGER, to_id INTEGER, type TEXT, "
                                      "name TEXT, name_or_index INTEGER, from_ordinal INTEGER, "
                                      "to_ordinal INTEGER, edge_index INTEGER)");
    if (rc != SQLITE_OK) return rc;
    edges_tab *t = sqlite3_malloc(sizeof *t);
    if (!t) return SQLITE_NOMEM;
    memset(t, 0, sizeof *t);
    t->d = aux;
    *out = &t->base;
    return SQLITE_OK;
}

static int e_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static int e_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
    (void)v;
    int from = -1, to = -1;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (!c->usable || c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
        if (c->iColumn == COL_FROM_ID && from < 0) from = i;
        if (c->iColumn == COL_TO_ID && to < 0) to = i;
    }
    if (from >= 0) {
        info->idxNum = 1;
        info->aConstraintUsage[from].argvIndex = 1;
        info->aConstraintUsage[from].omit = 1;
        info->estimatedCost = 10;
        info->estimatedRows = 4;
    } else if (to >= 0) {
        info->idxNum = 2;
        info->aConstraintUsage[to].argvIndex = 1;
        info->aConstraintUsage[to].omit = 1;
        info->estimatedCost = 20;
        info->estimatedRows = 4;
    } else {
        info->idxNum = 0;
        info->estimatedCost = 1e8;
        info->estimatedRows = 10000000;
    }
    return SQLITE_OK;
}

static int e_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
    edges_cur *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->d = ((edges_tab *)v)->d;
    *out = &c->base;
    return SQLITE_OK;
}

static int e_close(sqlite3_vtab_cursor *c)
{
    sqlite3_free(c);
    return SQLITE_OK;
}

static int e_filter(sqlite3_vtab_cursor *cur, int idx, const char *s, int argc,
                    sqlite3_value **argv)
{
    (void)s;
    edges_cur *c = (edges_cur *)cur;
    int rc = data_load(c->d, cur->pVtab, idx == 2);
    if (rc != SQLITE_OK) return rc;
    const v8a_heap *h = c->d->s->heap;
    c->mode = idx;
    c->at = c->end = 0;
    c->node = 0;
    if (idx == 0) {
        c->end = h->edge_count;
        while (c->node < h->node_count && h->first_edge[c->node + 1] <= c->at) c->node++;
        return SQLITE_OK;
    }
    if (argc < 1 || sqlite3_value_numeric_type(argv[0]) != SQLITE_INTEGER) return SQLITE_OK;
    sqlite3_int64 id = sqlite3_value_int64(argv[0]);
    uint32_t i = id < 0 ? UINT32_MAX : v8a_heap_find_id(h, (uint64_t)id);
    if (i == UINT32_MAX) return SQLITE_OK;
    if (idx == 1) {
        c->node = i;
        c->at = h->first_edge[i];
        c->end = h->first_edge[i + 1];
    } else {
        c->at = c->d->g.rev_first[i];
        c->end = c->d->g.rev_first[i + 1];
    }
    return SQLITE_OK;
}

static int e_next(sqlite3_vtab_cursor *cur)
{
    edges_cur *c = (edges_cur *)cur;
    c->at++;
    if (c->mode == 0) {
        const v8a_heap *h = c->d->s->heap;
        while (c->node < h->node_count && h->first_edge[c->node + 1] <= c->at) c->node++;
    }
    return SQLITE_OK;
}

static int e_eof(sqlite3_vtab_cursor *cur)
{
    edges_cur *c = (edges_cur *)cur;
    return c->at >= c->end;
}

static uint32_t cur_edge(const edges_cur *c)
{
    return c->mode == 2 ? c->d->g.rev_edge[c->at] : (uint32_t)c->at;
}

static uint32_t cur_from(const edges_cur *c)
{
    return c->mode == 2 ? c->d->g.rev_src[c->at] : c->node;
}

static int e_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    edges_cur *c = (edges_cur *)cur;
    const v8a_heap *h = c->d->s->heap;
    uint32_t e = cur_edge(c), from = cur_from(c), to = h->edge_to[e];
    unsigned type = h->edge_type[e];
    switch (col) {
    case COL_FROM_ID: sqlite3_result_int64(ctx, (sqlite3_int64)h->node_id[from]); break;
    case COL_TO_ID: sqlite3_result_int64(ctx, (sqlite3_int64)h->node_id[to]); break;
    case COL_TYPE: sqlite3_result_text(ctx, h->edge_types.items[type], -1, SQLITE_STATIC); break;
    case COL_NAME:
        if (h->edge_is_index[type]) {
            sqlite3_result_int64(ctx, h->edge_name[e]);
        } else {
            size_t n;
            const char *str = v8a_heap_string(h, h->edge_name[e], &n);
            sqlite3_result_text64(ctx, str, n, SQLITE_STATIC, SQLITE_UTF8);
        }
        break;
    case COL_NAME_OR_INDEX: sqlite3_result_int64(ctx, h->edge_name[e]); break;
    case COL_FROM_ORD: sqlite3_result_int64(ctx, from); break;
    case COL_TO_ORD: sqlite3_result_int64(ctx, to); break;
    default: sqlite3_result_int64(ctx, e); break;
    }
    return SQLITE_OK;
}

static int e_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *out)
{
    *out = cur_edge((edges_cur *)cur);
    return SQLITE_OK;
}

static const sqlite3_module edges_module = {
    .iVersion = 1,
    .xCreate = NULL,
    .xConnect = e_connect,
    .xBestIndex = e_best_index,
    .xDisconnect = e_disconnect,
    .xDestroy = e_disconnect,
    .xOpen = e_open,
    .xClose = e_close,
    .xFilter = e_filter,
    .xNext = e_next,
    .xEof = e_eof,
    .xColumn = e_column,
    .xRowid = e_rowid,
};

int v8a__edges_register(v8a_store *s)
{
    edges_data *d = v8a__calloc(1, sizeof *d);
    if (!d) return v8a__error_nomem("edges");
    d->s = s;
    int rc = sqlite3_create_module_v2(s->db, "edges", &edges_module, d, data_free);
    if (rc != SQLITE_OK) return v8a__sqlite_error(s->db, rc, s->path, "register edges");
    return 0;
}
