/* cmd_show.c - heapsnap show: one object, as DevTools' object panel and
 * Containment view show it.
 *
 * The object (class, type, name, id, sizes, distance, detachedness, its
 * dominator, its allocation site), what it holds (outgoing edges, largest
 * retained size first, --depth levels deep with cycles marked and not
 * followed), who holds it (incoming edges, nearest to the roots first, weak
 * ones marked) and its dominator chain up to the root. Text and Markdown
 * print sections; JSON is one object (docs/heapsnap-show.1); CSV is the
 * outgoing tree alone.
 */
#include "heapsnap.h"

#include <cli.h>
#include <inttypes.h>
#include <output.h>
#include <stdlib.h>
#include <string.h>
#include <table.h>
#include <yajl/yajl_gen.h>

enum { OPT_LIMIT = 'n', OPT_DEPTH = 'd' };

static const cli_option options[] = {
    {"limit", OPT_LIMIT, "N", "edges listed per object and direction (default 20; 0: all)"},
    {"depth", OPT_DEPTH, "D", "expand what the object holds D levels deep (default 1)"},
    HS_COMMON_OPTIONS,
};

static const char usage[] = "Usage: heapsnap show [OPTIONS] SNAPSHOT|DB @ID\n";
static const char description[] =
    "Shows one object: its class, type, name, sizes, distance, dominator and\n"
    "allocation site; what it holds (outgoing edges by retained size, --depth\n"
    "levels deep; cycles are marked, not followed); who holds it (incoming edges,\n"
    "nearest to the roots first, weak ones marked); and its dominators up to the\n"
    "root. Strings show their value, closures their function. Edges print as .name\n"
    "(property), [3] (element), ::name (context), ->name (shortcut), <name> (other).\n";

#define MAX_VALUE 120 /* characters of a string value shown */

typedef struct {
    v8a_heap *h;
    v8a_analysis *a;
    long limit, depth;
    uint32_t *path; /* the nodes from the object down to the current one */
} ctx;

/* ---- facts about a node ---- */

static const char *class_name(const ctx *c, uint32_t o)
{
    return v8a_analysis_get_class(c->a, v8a_analysis_class(c->a, o))->name;
}

static const char *type_name(const ctx *c, uint32_t o)
{
    const char *t = v8a_heap_node_type_name(c->h, v8a_heap_node_type(c->h, o));
    return t ? t : "?";
}

/* The value worth showing: a string's text (shortened, escaped by the
 * writers), a number's or a closure's name; NULL otherwise. */
static const char *value_of(const ctx *c, uint32_t o, char *buf, size_t cap)
{
    const char *t = type_name(c, o);
    size_t n;
    const char *name = v8a_heap_string(c->h, v8a_heap_node_name(c->h, o), &n);
    if (strcmp(t, "string") == 0 || strcmp(t, "concatenated string") == 0 ||
        strcmp(t, "sliced string") == 0) {
        size_t k = 0, chars = 0;
        while (k < n && chars < MAX_VALUE) { /* whole UTF-8 characters */
            k++;
            while (k < n && ((unsigned char)name[k] & 0xc0) == 0x80) k++;
            chars++;
        }
        snprintf(buf, cap, "\"%.*s%s\"", (int)k, name, k < n ? "..." : "");
        return buf;
    }
    if (strcmp(t, "number") == 0 || strcmp(t, "closure") == 0 || strcmp(t, "bigint") == 0 ||
        strcmp(t, "regexp") == 0) {
        snprintf(buf, cap, "%s", name);
        return buf;
    }
    return NULL;
}

/* The allocation site "script 82, line 49, column 13", or NULL. */
static const char *location_of(const ctx *c, uint32_t o, char *buf, size_t cap)
{
    for (uint32_t i = 0; i < v8a_heap_location_count(c->h); i++) {
        v8a_heap_location l;
        v8a_heap_get_location(c->h, i, &l);
        if (l.node != o) continue;
        snprintf(buf, cap, "script %u, line %u, column %u", l.script_id, l.line + 1, l.column + 1);
        return buf;
    }
    return NULL;
}

static int is_weak(const ctx *c, uint32_t e)
{
    const char *t = v8a_heap_edge_type_name(c->h, v8a_heap_edge_type(c->h, e));
    return t && strcmp(t, "weak") == 0;
}

/* ---- the outgoing tree ---- */

typedef struct {
    uint32_t edge, to;
} out_edge;

static const ctx *sorting;
static int by_retained(const void *x, const void *y)
{
    uint64_t a = v8a_analysis_retained_size(sorting->a, ((const out_edge *)x)->to);
    uint64_t b = v8a_analysis_retained_size(sorting->a, ((const out_edge *)y)->to);
    if (a != b) return a > b ? -1 : 1;
    uint32_t i = ((const out_edge *)x)->edge, j = ((const out_edge *)y)->edge;
    return i < j ? -1 : i > j;
}

/* Visits the edges of node o, largest retained size first, up to the limit;
 * calls row() for each with its depth and whether it closes a cycle. */
typedef int (*row_fn)(void *out, const ctx *c, int depth, uint32_t e, uint32_t to, int cycle);

static int walk(ctx *c, uint32_t o, int depth, row_fn row, void *out)
{
    uint32_t first = v8a_heap_node_first_edge(c->h, o), n = v8a_heap_node_edge_count(c->h, o);
    out_edge *v = malloc((size_t)n * sizeof *v + sizeof *v);
    if (!v) return cli_error("out of memory");
    for (uint32_t k = 0; k < n; k++)
        v[k] = (out_edge){first + k, v8a_heap_edge_to(c->h, first + k)};
    sorting = c;
    qsort(v, n, sizeof *v, by_retained);
    uint32_t shown = c->limit && (uint32_t)c->limit < n ? (uint32_t)c->limit : n;
    int rc = 0;
    c->path[depth] = o;
    for (uint32_t k = 0; k < shown && !rc; k++) {
        int cycle = 0;
        for (int d = 0; d <= depth; d++) cycle |= c->path[d] == v[k].to;
        rc = row(out, c, depth + 1, v[k].edge, v[k].to, cycle);
        if (!rc && !cycle && depth + 1 < c->depth) rc = walk(c, v[k].to, depth + 1, row, out);
    }
    free(v);
    return rc;
}

/* ---- tables (text, Markdown, CSV) ---- */

static int holds_row(void *out, const ctx *c, int depth, uint32_t e, uint32_t to, int cycle)
{
    cli_table *t = out;
    char lab[320], edge[400], val[MAX_VALUE * 4 + 16];
    v8a_edge_label(c->a, e, lab, sizeof lab);
    snprintf(edge, sizeof edge, "%*s%s%s", 2 * (depth - 1), "", lab, cycle ? " (cycle)" : "");
    const char *v = value_of(c, to, val, sizeof val);
    int rc = cli_table_int(t, depth) || cli_table_text(t, edge, strlen(edge)) ||
             cli_table_text(t, class_name(c, to), strlen(class_name(c, to))) ||
             cli_table_uint(t, v8a_heap_node_id(c->h, to)) ||
             cli_table_uint(t, v8a_analysis_shallow_size(c->a, to)) ||
             cli_table_uint(t, v8a_analysis_retained_size(c->a, to)) ||
             (v ? cli_table_text(t, v, strlen(v)) : cli_table_null(t));
    return rc ? cli_error("out of memory") : 0;
}

static cli_table *holds_table(ctx *c, uint32_t o)
{
    cli_table *t = cli_table_new();
    if (!t) return NULL;
    cli_table_column(t, "depth", CLI_COL_INT);
    cli_table_column(t, "edge", CLI_COL_TEXT);
    cli_table_column(t, "class", CLI_COL_TEXT);
    cli_table_column(t, "id", CLI_COL_INT);
    cli_table_column(t, "shallow_size", CLI_COL_BYTES);
    cli_table_column(t, "retained_size", CLI_COL_BYTES);
    cli_table_column(t, "value", CLI_COL_TEXT);
    if (walk(c, o, 0, holds_row, t)) {
        cli_table_free(t);
        return NULL;
    }
    return t;
}

typedef struct {
    uint32_t from, edge;
} in_edge;

typedef struct {
    in_edge *v;
    size_t n, cap;
} in_list;

static int collect(void *payload, uint32_t from, uint32_t edge)
{
    in_list *l = payload;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        in_edge *v = realloc(l->v, cap * sizeof *v);
        if (!v) return V8A_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (in_edge){from, edge};
    return 0;
}

static int by_distance(const void *x, const void *y)
{
    int32_t a = v8a_analysis_distance(sorting->a, ((const in_edge *)x)->from);
    int32_t b = v8a_analysis_distance(sorting->a, ((const in_edge *)y)->from);
    /* unreachable (negative) retainers last */
    uint32_t ua = a < 0 ? UINT32_MAX : (uint32_t)a, ub = b < 0 ? UINT32_MAX : (uint32_t)b;
    return ua < ub ? -1 : ua > ub;
}

/* The retainers, nearest to the roots first (stable: DevTools' order within a distance). */
static int retainers(ctx *c, uint32_t o, in_list *l)
{
    memset(l, 0, sizeof *l);
    int rc = v8a_foreach_retainer(c->a, o, collect, l);
    if (rc < 0) return rc == V8A_ENOMEM ? cli_error("out of memory") : cli_fail();
    /* qsort is not stable: sort (distance, position) */
    sorting = c;
    for (size_t i = 1; i < l->n; i++) { /* insertion sort keeps order; lists are short */
        in_edge x = l->v[i];
        size_t j = i;
        while (j > 0 && by_distance(&l->v[j - 1], &x) > 0) {
            l->v[j] = l->v[j - 1];
            j--;
        }
        l->v[j] = x;
    }
    return 0;
}

static cli_table *held_table(ctx *c, const in_list *l)
{
    cli_table *t = cli_table_new();
    if (!t) return NULL;
    cli_table_column(t, "edge", CLI_COL_TEXT);
    cli_table_column(t, "class", CLI_COL_TEXT);
    cli_table_column(t, "id", CLI_COL_INT);
    cli_table_column(t, "distance", CLI_COL_INT);
    cli_table_column(t, "retained_size", CLI_COL_BYTES);
    cli_table_column(t, "weak", CLI_COL_TEXT);
    size_t shown = c->limit && (size_t)c->limit < l->n ? (size_t)c->limit : l->n;
    for (size_t i = 0; i < shown; i++) {
        char lab[320];
        uint32_t f = l->v[i].from;
        v8a_edge_label(c->a, l->v[i].edge, lab, sizeof lab);
        int w = is_weak(c, l->v[i].edge);
        if (cli_table_text(t, lab, strlen(lab)) ||
            cli_table_text(t, class_name(c, f), strlen(class_name(c, f))) ||
            cli_table_uint(t, v8a_heap_node_id(c->h, f)) ||
            cli_table_int(t, v8a_analysis_distance(c->a, f)) ||
            cli_table_uint(t, v8a_analysis_retained_size(c->a, f)) ||
            cli_table_text(t, w ? "weak" : "", w ? 4 : 0)) {
            cli_table_free(t);
            return NULL;
        }
    }
    return t;
}

static cli_table *dominators_table(ctx *c, uint32_t o)
{
    cli_table *t = cli_table_new();
    if (!t) return NULL;
    cli_table_column(t, "class", CLI_COL_TEXT);
    cli_table_column(t, "id", CLI_COL_INT);
    cli_table_column(t, "retained_size", CLI_COL_BYTES);
    uint32_t root = v8a_analysis_root(c->a), x = o;
    for (uint32_t guard = 0; guard <= v8a_heap_node_count(c->h); guard++) {
        if (x != o && (cli_table_text(t, class_name(c, x), strlen(class_name(c, x))) ||
                       cli_table_uint(t, v8a_heap_node_id(c->h, x)) ||
                       cli_table_uint(t, v8a_analysis_retained_size(c->a, x)))) {
            cli_table_free(t);
            return NULL;
        }
        if (x == root) break;
        x = v8a_analysis_dominator(c->a, x);
    }
    return t;
}

/* The object itself, as a record. */
static cli_table *object_table(ctx *c, uint32_t o)
{
    cli_table *t = cli_table_new();
    if (!t) return NULL;
    char val[MAX_VALUE * 4 + 16], loc[96], dom[300];
    const char *v = value_of(c, o, val, sizeof val), *l = location_of(c, o, loc, sizeof loc);
    uint32_t d = v8a_analysis_dominator(c->a, o);
    snprintf(dom, sizeof dom, "%.200s @%" PRIu64, class_name(c, d), v8a_heap_node_id(c->h, d));
    size_t n;
    const char *name = v8a_heap_string(c->h, v8a_heap_node_name(c->h, o), &n);
    const char *cols[] = {"id",           "class",         "type",     "name",
                          "shallow_size", "retained_size", "distance", "detached",
                          "dominator",    "location",      "value"};
    const cli_col_kind kinds[] = {CLI_COL_INT,   CLI_COL_TEXT,  CLI_COL_TEXT, CLI_COL_TEXT,
                                  CLI_COL_BYTES, CLI_COL_BYTES, CLI_COL_INT,  CLI_COL_TEXT,
                                  CLI_COL_TEXT,  CLI_COL_TEXT,  CLI_COL_TEXT};
    for (size_t k = 0; k < sizeof cols / sizeof *cols; k++) cli_table_column(t, cols[k], kinds[k]);
    int det = v8a_analysis_is_detached(c->a, o);
    if (cli_table_uint(t, v8a_heap_node_id(c->h, o)) ||
        cli_table_text(t, class_name(c, o), strlen(class_name(c, o))) ||
        cli_table_text(t, type_name(c, o), strlen(type_name(c, o))) ||
        (v && v[0] == '"' ? cli_table_null(t)
                          : cli_table_text(t, name, n > MAX_VALUE ? MAX_VALUE : n)) ||
        cli_table_uint(t, v8a_analysis_shallow_size(c->a, o)) ||
        cli_table_uint(t, v8a_analysis_retained_size(c->a, o)) ||
        cli_table_int(t, v8a_analysis_distance(c->a, o)) ||
        cli_table_text(t, det ? "yes" : "no", det ? 3 : 2) ||
        (o == v8a_analysis_root(c->a) ? cli_table_null(t) : cli_table_text(t, dom, strlen(dom))) ||
        (l ? cli_table_text(t, l, strlen(l)) : cli_table_null(t)) ||
        (v ? cli_table_text(t, v, strlen(v)) : cli_table_null(t))) {
        cli_table_free(t);
        return NULL;
    }
    return t;
}

static int section(FILE *f, cli_format fmt, const char *title, cli_table *t, int record)
{
    if (!t) return -1;
    if (fmt == CLI_MARKDOWN)
        fprintf(f, "\n### %s\n\n", title);
    else if (title[0])
        fprintf(f, "\n%s\n", title);
    int rc = cli_table_rows(t) ? cli_table_write(t, f, fmt, record) : (fprintf(f, "(none)\n"), 0);
    cli_table_free(t);
    return rc;
}

/* ---- JSON ---- */

#define S(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

static void node_json(yajl_gen g, const ctx *c, uint32_t o)
{
    S(g, "class");
    S(g, class_name(c, o));
    S(g, "id");
    yajl_gen_integer(g, (long long)v8a_heap_node_id(c->h, o));
    S(g, "shallow_size");
    yajl_gen_integer(g, (long long)v8a_analysis_shallow_size(c->a, o));
    S(g, "retained_size");
    yajl_gen_integer(g, (long long)v8a_analysis_retained_size(c->a, o));
}

static int holds_json(void *out, const ctx *c, int depth, uint32_t e, uint32_t to, int cycle)
{
    yajl_gen g = out;
    char lab[320], val[MAX_VALUE * 4 + 16];
    v8a_edge_label(c->a, e, lab, sizeof lab);
    yajl_gen_map_open(g);
    S(g, "depth");
    yajl_gen_integer(g, depth);
    S(g, "edge");
    S(g, lab);
    S(g, "edge_type");
    S(g, v8a_heap_edge_type_name(c->h, v8a_heap_edge_type(c->h, e)));
    node_json(g, c, to);
    const char *v = value_of(c, to, val, sizeof val);
    S(g, "value");
    if (v)
        S(g, v);
    else
        yajl_gen_null(g);
    S(g, "cycle");
    yajl_gen_bool(g, cycle);
    yajl_gen_map_close(g);
    return 0;
}

static void put(void *ctx_, const char *s, size_t n)
{
    fwrite(s, 1, n, (FILE *)ctx_);
}

static int write_json(ctx *c, uint32_t o, const in_list *in, FILE *f)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g) return -1;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    yajl_gen_config(g, yajl_gen_print_callback, put, f);
    char val[MAX_VALUE * 4 + 16], loc[96];
    yajl_gen_map_open(g);
    S(g, "object");
    yajl_gen_map_open(g);
    node_json(g, c, o);
    S(g, "type");
    S(g, type_name(c, o));
    S(g, "name");
    S(g, v8a_heap_string(c->h, v8a_heap_node_name(c->h, o), NULL));
    S(g, "distance");
    yajl_gen_integer(g, v8a_analysis_distance(c->a, o));
    S(g, "detached");
    yajl_gen_bool(g, v8a_analysis_is_detached(c->a, o));
    S(g, "dominator_id");
    if (o == v8a_analysis_root(c->a))
        yajl_gen_null(g);
    else
        yajl_gen_integer(g, (long long)v8a_heap_node_id(c->h, v8a_analysis_dominator(c->a, o)));
    const char *l = location_of(c, o, loc, sizeof loc), *v = value_of(c, o, val, sizeof val);
    S(g, "location");
    if (l)
        S(g, l);
    else
        yajl_gen_null(g);
    S(g, "value");
    if (v)
        S(g, v);
    else
        yajl_gen_null(g);
    yajl_gen_map_close(g);
    S(g, "holds");
    yajl_gen_array_open(g);
    int rc = walk(c, o, 0, holds_json, g);
    yajl_gen_array_close(g);
    S(g, "held_by");
    yajl_gen_array_open(g);
    size_t shown = c->limit && (size_t)c->limit < in->n ? (size_t)c->limit : in->n;
    for (size_t i = 0; i < shown; i++) {
        char lab[320];
        uint32_t fr = in->v[i].from;
        v8a_edge_label(c->a, in->v[i].edge, lab, sizeof lab);
        yajl_gen_map_open(g);
        S(g, "edge");
        S(g, lab);
        node_json(g, c, fr);
        S(g, "distance");
        yajl_gen_integer(g, v8a_analysis_distance(c->a, fr));
        S(g, "weak");
        yajl_gen_bool(g, is_weak(c, in->v[i].edge));
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    S(g, "dominators");
    yajl_gen_array_open(g);
    uint32_t root = v8a_analysis_root(c->a);
    for (uint32_t x = o, guard = 0; x != root && guard <= v8a_heap_node_count(c->h); guard++) {
        x = v8a_analysis_dominator(c->a, x);
        yajl_gen_map_open(g);
        node_json(g, c, x);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    yajl_gen_free(g);
    return rc || ferror(f) ? -1 : 0;
}

static int write_report(ctx *c, uint32_t o, const in_list *in, FILE *f, cli_format fmt)
{
    if (fmt == CLI_JSON) return write_json(c, o, in, f);
    if (fmt == CLI_CSV) {
        cli_table *t = holds_table(c, o);
        if (!t) return -1;
        int rc = cli_table_write(t, f, fmt, 0);
        cli_table_free(t);
        return rc;
    }
    char title[400];
    if (fmt == CLI_MARKDOWN)
        fprintf(f, "## %.200s @%" PRIu64 "\n", class_name(c, o), v8a_heap_node_id(c->h, o));
    if (section(f, fmt, "", object_table(c, o), 1)) return -1;
    snprintf(title, sizeof title, "Holds (%u edges, by retained size%s)",
             v8a_heap_node_edge_count(c->h, o), c->depth > 1 ? ", as a tree" : "");
    if (section(f, fmt, title, holds_table(c, o), 0)) return -1;
    snprintf(title, sizeof title, "Held by (%zu retainers, nearest to the roots first)", in->n);
    if (section(f, fmt, title, held_table(c, in), 0)) return -1;
    if (section(f, fmt, "Dominators, up to the root", dominators_table(c, o), 0)) return -1;
    return ferror(f) ? -1 : 0;
}

int cmd_show(int argc, char **argv)
{
    const char *arg;
    hs_args ha = {NULL, CLI_TEXT, 0};
    long limit = 20, depth = 1;
    int c;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        int done, common = hs_common_option(c, arg, &ha, usage, description, options, &done);
        if (common < 0) return done;
        if (common > 0) continue;
        switch (c) {
        case OPT_LIMIT:
            if (hs_parse_count("--limit", arg, &limit)) return CLI_TROUBLE;
            break;
        case OPT_DEPTH:
            if (hs_parse_count("--depth", arg, &depth)) return CLI_TROUBLE;
            if (depth < 1 || depth > 64) return cli_usage_error("--depth: 1 to 64");
            break;
        default: return CLI_TROUBLE;
        }
    }
    int i =
        hs_operands(argc, argv, 2, 2, argc - cli_operand_index() == 1 ? "@ID" : "SNAPSHOT or DB");
    if (i < 0) return CLI_TROUBLE;
    uint64_t id;
    if (hs_parse_id(argv[i + 1], &id)) return CLI_TROUBLE;
    hs_loaded l = {NULL, NULL, NULL};
    int rc = hs_open_loaded(argv[i], ha.no_cache, &l);
    if (rc) return rc;
    uint32_t o = v8a_heap_find_id(l.h, id);
    ctx cx = {l.h, l.a, limit, depth, NULL};
    in_list in = {NULL, 0, 0};
    if (o == UINT32_MAX) {
        rc = cli_error("%s: no node @%" PRIu64, argv[i], id);
        goto done;
    }
    cx.path = malloc(((size_t)depth + 1) * sizeof *cx.path);
    if (!cx.path) {
        rc = cli_error("out of memory");
        goto done;
    }
    if ((rc = retainers(&cx, o, &in)) != 0) goto done;
    cli_out out;
    if ((rc = cli_out_open(&out, ha.output)) != 0) goto done;
    if (write_report(&cx, o, &in, out.f, ha.fmt) < 0) {
        cli_out_abort(&out);
        rc = cli_error("%s: write error", ha.output ? ha.output : "standard output");
        goto done;
    }
    rc = cli_out_commit(&out);
done:
    free(in.v);
    free(cx.path);
    hs_loaded_close(&l);
    return rc;
}
