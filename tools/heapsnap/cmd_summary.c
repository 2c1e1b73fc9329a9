/* cmd_summary.c - heapsnap summary: DevTools' Summary view, one row per class.
 *
 * Rows come from the database's classes table; with --raw-sizes the analysis
 * is redone in memory without the shallow-size transfer. Distances that
 * DevTools shows as "-" (unreachable, or only through system roots) are
 * shown so in text and Markdown, and as numbers in JSON and CSV.
 */
#include "heapsnap.h"

#include <cli.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <table.h>

enum { OPT_CLASS = 'c', OPT_TOP = 'n', OPT_SORT = 's', OPT_RAW = 258 };

static const cli_option options[] = {
    {"class", OPT_CLASS, "REGEX", "only classes whose name matches (PCRE2)"},
    {"top", OPT_TOP, "N", "the N largest rows (default 30; 0 for all)"},
    {"sort", OPT_SORT, "KEY", "retained (default), shallow or count"},
    {"raw-sizes", OPT_RAW, NULL, "V8's own self sizes, without DevTools' size transfer"},
    HS_COMMON_OPTIONS,
};

static const char usage[] = "Usage: heapsnap summary [OPTIONS] SNAPSHOT|DB\n";
static const char description[] =
    "DevTools' Summary view: per class, the number of objects, the minimum distance\n"
    "from the roots, the shallow size and the retained size (the sum over objects\n"
    "that no object of the same class dominates). Objects of size 0 are not counted.\n";

typedef struct {
    char *name;
    int64_t count, distance;
    uint64_t shallow, retained;
} row;

typedef struct {
    row *rows;
    size_t n, cap;
} rows;

static int add_row(rows *r, const char *name, int64_t count, int64_t dist, uint64_t shallow,
                   uint64_t retained)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        row *p = realloc(r->rows, cap * sizeof *p);
        if (!p) return -1;
        r->rows = p;
        r->cap = cap;
    }
    row *x = &r->rows[r->n];
    if (!(x->name = strdup(name))) return -1;
    x->count = count;
    x->distance = dist;
    x->shallow = shallow;
    x->retained = retained;
    r->n++;
    return 0;
}

static int sort_key;
static int cmp_rows(const void *p, const void *q)
{
    const row *a = p, *b = q;
    uint64_t x = sort_key == 1 ? a->shallow : sort_key == 2 ? (uint64_t)a->count : a->retained;
    uint64_t y = sort_key == 1 ? b->shallow : sort_key == 2 ? (uint64_t)b->count : b->retained;
    if (x != y) return x > y ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int from_db(v8a_store *s, rows *r, uint64_t *total)
{
    sqlite3 *db = v8a_store_get_db(s);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT name, count, distance, shallow_size, retained_size FROM "
                                "classes WHERE in_summary",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cli_error("%s: cannot read the classes (%s)", v8a_store_get_path(s),
                         sqlite3_errmsg(db));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (add_row(r, name ? name : "", sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                    (uint64_t)sqlite3_column_int64(st, 3),
                    (uint64_t)sqlite3_column_int64(st, 4)) < 0) {
            sqlite3_finalize(st);
            return cli_error("out of memory");
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return cli_error("%s: %s", v8a_store_get_path(s), sqlite3_errmsg(db));
    char buf[32];
    *total = v8a_store_get_meta(s, "total_self_size", buf, sizeof buf) == 0
                 ? strtoull(buf, NULL, 10)
                 : 0;
    if (sqlite3_prepare_v2(db, "SELECT bytes FROM statistics WHERE name = 'total'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        *total = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
}

static int from_raw_analysis(v8a_store *s, rows *r, uint64_t *total)
{
    v8a_heap *h = NULL;
    v8a_analysis *a = NULL;
    if (hs_load(s, &h, NULL)) return CLI_TROUBLE;
    v8a_analysis_options o;
    v8a_analysis_options_init(&o);
    o.raw_sizes = 1;
    if (v8a_analyze(&a, h, &o) < 0) {
        v8a_heap_free(h);
        return cli_fail();
    }
    int rc = 0;
    for (uint32_t c = 0; c < v8a_analysis_class_count(a) && !rc; c++) {
        const v8a_class_info *ci = v8a_analysis_get_class(a, c);
        if (ci->in_summary &&
            add_row(r, ci->name, ci->count, ci->distance, ci->shallow_size, ci->retained_size) < 0)
            rc = cli_error("out of memory");
    }
    *total = v8a_analysis_total_size(a);
    v8a_analysis_free(a);
    v8a_heap_free(h);
    return rc;
}

static void distance_cell(cli_table *t, int64_t d, cli_format fmt)
{
    if (fmt == CLI_JSON || fmt == CLI_CSV) {
        cli_table_int(t, d);
    } else if (d < 0 || d >= 100000000) {
        cli_table_text(t, "-", 1);
    } else {
        char b[24];
        int k = snprintf(b, sizeof b, "%lld", (long long)d);
        cli_table_text(t, b, (size_t)k);
    }
}

static void percent_cell(cli_table *t, uint64_t v, uint64_t total)
{
    char b[16];
    int k = snprintf(b, sizeof b, "%.1f%%", total ? 100.0 * (double)v / (double)total : 0.0);
    cli_table_text(t, b, (size_t)k);
}

int cmd_summary(int argc, char **argv)
{
    const char *arg, *pattern = NULL;
    hs_args ha = {NULL, CLI_TEXT, 0};
    long top = 30;
    int c, raw = 0;
    sort_key = 0;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        int done, common = hs_common_option(c, arg, &ha, usage, description, options, &done);
        if (common < 0) return done;
        if (common > 0) continue;
        switch (c) {
        case OPT_CLASS: pattern = arg; break;
        case OPT_TOP:
            if (hs_parse_count("--top", arg, &top)) return CLI_TROUBLE;
            break;
        case OPT_SORT:
            if (strcmp(arg, "retained") == 0)
                sort_key = 0;
            else if (strcmp(arg, "shallow") == 0)
                sort_key = 1;
            else if (strcmp(arg, "count") == 0)
                sort_key = 2;
            else
                return cli_usage_error("--sort: '%s' is not retained, shallow or count", arg);
            break;
        case OPT_RAW: raw = 1; break;
        default: return CLI_TROUBLE;
        }
    }
    int i = hs_operands(argc, argv, 1, 1, "SNAPSHOT or DB");
    if (i < 0) return CLI_TROUBLE;
    v8a_regex *re = NULL;
    if (pattern && v8a_regex_new(&re, pattern, "--class") < 0) {
        cli_error("%s", v8a_error_last()->message);
        fprintf(stderr, "Try 'heapsnap summary --help'.\n");
        return CLI_TROUBLE;
    }
    v8a_store *s = NULL;
    rows r = {0};
    uint64_t total = 0;
    int rc = hs_open(argv[i], ha.no_cache, &s);
    if (!rc) rc = raw ? from_raw_analysis(s, &r, &total) : from_db(s, &r, &total);
    v8a_store_close(s);
    /* filter: one match per class name */
    size_t kept = 0;
    for (size_t k = 0; k < r.n && !rc; k++) {
        int m = re ? v8a_regex_match(re, r.rows[k].name, strlen(r.rows[k].name)) : 1;
        if (m < 0)
            rc = cli_fail();
        else if (m)
            r.rows[kept++] = r.rows[k];
        else
            free(r.rows[k].name);
    }
    if (rc) kept = r.n; /* free them all below */
    if (!rc) {
        qsort(r.rows, kept, sizeof *r.rows, cmp_rows);
        size_t shown = top == 0 || (size_t)top > kept ? kept : (size_t)top;
        cli_table *t = cli_table_new();
        int human = ha.fmt == CLI_TEXT || ha.fmt == CLI_MARKDOWN;
        if (!t) rc = cli_error("out of memory");
        if (!rc) {
            cli_table_column(t, "class", CLI_COL_TEXT);
            cli_table_column(t, "count", CLI_COL_INT);
            cli_table_column(t, "distance", human ? CLI_COL_FLOAT : CLI_COL_INT);
            cli_table_column(t, "shallow_size", CLI_COL_BYTES);
            if (human) cli_table_column(t, "%", CLI_COL_FLOAT);
            cli_table_column(t, "retained_size", CLI_COL_BYTES);
            if (human) cli_table_column(t, "%", CLI_COL_FLOAT);
            for (size_t k = 0; k < shown; k++) {
                row *x = &r.rows[k];
                cli_table_text(t, x->name, strlen(x->name));
                cli_table_int(t, x->count);
                distance_cell(t, x->distance, ha.fmt);
                cli_table_uint(t, x->shallow);
                if (human) percent_cell(t, x->shallow, total);
                cli_table_uint(t, x->retained);
                if (human) percent_cell(t, x->retained, total);
            }
            rc = cli_table_emit(t, ha.output, ha.fmt, 0);
        }
        cli_table_free(t);
    }
    for (size_t k = 0; k < kept; k++) free(r.rows[k].name);
    free(r.rows);
    v8a_regex_free(re);
    return rc;
}
