/* cmd_dominators.c - heapsnap dominators: the objects that retain the most,
 * with the dominator tree beneath them.
 *
 * The top objects are those directly below the synthetic roots in the
 * dominator tree (nothing but the roots keeps them alive), largest retained
 * size first; beneath each, the objects it dominates, largest first, to
 * --depth levels and --children per object.
 */
#include "heapsnap.h"

#include <cli.h>
#include <stdlib.h>
#include <string.h>
#include <table.h>

enum { OPT_TOP = 'n', OPT_DEPTH = 'd', OPT_CHILDREN = 'C' };

static const cli_option options[] = {
    {"top", OPT_TOP, "N", "how many top objects (default 20; 0 for all)"},
    {"depth", OPT_DEPTH, "D", "levels of the tree beneath each (default 2)"},
    {"children", OPT_CHILDREN, "C", "objects shown per level (default 5)"},
    HS_COMMON_OPTIONS,
};

static const char usage[] = "Usage: heapsnap dominators [OPTIONS] SNAPSHOT|DB\n";
static const char description[] =
    "Lists the objects that retain the most memory: those only the roots keep\n"
    "alive, largest retained size first, each with the objects it dominates.\n";

typedef struct {
    const v8a_heap *h;
    const v8a_analysis *a;
    uint32_t *first, *child; /* dominator tree, children by retained size */
    cli_table *t;
    long depth, children;
    int human;
    uint64_t total;
} ctx;

static const v8a_analysis *sort_a;
static int by_retained(const void *x, const void *y)
{
    uint64_t a = v8a_analysis_retained_size(sort_a, *(const uint32_t *)x);
    uint64_t b = v8a_analysis_retained_size(sort_a, *(const uint32_t *)y);
    if (a != b) return a > b ? -1 : 1;
    return *(const uint32_t *)x < *(const uint32_t *)y ? -1 : 1;
}

static int row(ctx *c, uint32_t o, int level, const char *rank)
{
    const v8a_class_info *ci = v8a_analysis_get_class(c->a, v8a_analysis_class(c->a, o));
    char name[600];
    if (c->human)
        snprintf(name, sizeof name, "%*s%s", level * 2, "", ci->name);
    else
        snprintf(name, sizeof name, "%s", ci->name);
    uint64_t r = v8a_analysis_retained_size(c->a, o);
    int rc = cli_table_text(c->t, rank, strlen(rank));
    rc |= cli_table_int(c->t, level);
    rc |= cli_table_text(c->t, name, strlen(name));
    rc |= cli_table_uint(c->t, v8a_heap_node_id(c->h, o));
    rc |= cli_table_uint(c->t, v8a_analysis_shallow_size(c->a, o));
    rc |= cli_table_uint(c->t, r);
    if (c->human) {
        char pct[16];
        snprintf(pct, sizeof pct, "%.1f%%", c->total ? 100.0 * (double)r / (double)c->total : 0.0);
        rc |= cli_table_text(c->t, pct, strlen(pct));
    }
    return rc;
}

static int subtree(ctx *c, uint32_t o, int level, const char *rank)
{
    if (row(c, o, level, rank)) return -1;
    if (level >= c->depth) return 0;
    /* a node's children are sorted when it is shown, not all beforehand */
    if (c->first[o + 1] - c->first[o] > 1)
        qsort(c->child + c->first[o], c->first[o + 1] - c->first[o], 4, by_retained);
    long shown = 0;
    for (uint32_t k = c->first[o]; k < c->first[o + 1] && shown < c->children; k++) {
        char r[128];
        snprintf(r, sizeof r, "%s.%ld", rank, ++shown);
        if (subtree(c, c->child[k], level + 1, r) < 0) return -1;
    }
    return 0;
}

int cmd_dominators(int argc, char **argv)
{
    const char *arg;
    hs_args ha = {NULL, CLI_TEXT, 0};
    long top = 20, depth = 2, children = 5;
    int c;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        int done, common = hs_common_option(c, arg, &ha, usage, description, options, &done);
        if (common < 0) return done;
        if (common > 0) continue;
        switch (c) {
        case OPT_TOP:
            if (hs_parse_count("--top", arg, &top)) return CLI_TROUBLE;
            break;
        case OPT_DEPTH:
            if (hs_parse_count("--depth", arg, &depth) || depth > 50)
                return depth > 50 ? cli_usage_error("--depth: at most 50") : CLI_TROUBLE;
            break;
        case OPT_CHILDREN:
            if (hs_parse_count("--children", arg, &children)) return CLI_TROUBLE;
            break;
        default: return CLI_TROUBLE;
        }
    }
    int i = hs_operands(argc, argv, 1, 1, "SNAPSHOT or DB");
    if (i < 0) return CLI_TROUBLE;
    hs_loaded l;
    if (hs_open_loaded(argv[i], ha.no_cache, &l)) return CLI_TROUBLE;
    v8a_heap *h = l.h;
    v8a_analysis *a = l.a;
    int rc = 0;
    uint32_t n = v8a_heap_node_count(h);
    ctx x = {h,
             a,
             calloc((size_t)n + 2, 4),
             malloc((size_t)n * 4 + 4),
             cli_table_new(),
             depth,
             children,
             ha.fmt == CLI_TEXT || ha.fmt == CLI_MARKDOWN,
             v8a_analysis_total_size(a)};
    uint32_t *tops = malloc((size_t)n * 4 + 4);
    if (!x.first || !x.child || !x.t || !tops) {
        rc = cli_error("out of memory");
        goto done;
    }
    /* children lists of the dominator tree (sorted by retained size as shown) */
    uint32_t root = v8a_analysis_root(a), ntop = 0;
    unsigned synthetic = hs_node_type(h, "synthetic");
    for (uint32_t o = 0; o < n; o++)
        if (o != root) x.first[v8a_analysis_dominator(a, o) + 1]++;
    for (uint32_t o = 0; o < n; o++) x.first[o + 1] += x.first[o];
    for (uint32_t o = 0; o < n; o++)
        if (o != root) x.child[x.first[v8a_analysis_dominator(a, o)]++] = o;
    for (uint32_t o = n; o > 0; o--) x.first[o] = x.first[o - 1];
    x.first[0] = 0;
    sort_a = a;
    for (uint32_t o = 0; o < n; o++)
        if (o != root && v8a_heap_node_type(h, o) != synthetic &&
            v8a_heap_node_type(h, v8a_analysis_dominator(a, o)) == synthetic &&
            v8a_analysis_shallow_size(a, o) + v8a_analysis_retained_size(a, o) > 0)
            tops[ntop++] = o;
    qsort(tops, ntop, 4, by_retained);
    cli_table_column(x.t, "rank", CLI_COL_TEXT);
    cli_table_column(x.t, "depth", CLI_COL_INT);
    cli_table_column(x.t, "class", CLI_COL_TEXT);
    cli_table_column(x.t, "id", CLI_COL_INT);
    cli_table_column(x.t, "shallow_size", CLI_COL_BYTES);
    cli_table_column(x.t, "retained_size", CLI_COL_BYTES);
    if (x.human) cli_table_column(x.t, "%", CLI_COL_FLOAT);
    for (uint32_t k = 0; k < ntop && (top == 0 || k < (uint32_t)top); k++) {
        char r[32];
        snprintf(r, sizeof r, "%u", k + 1);
        if (subtree(&x, tops[k], 0, r) < 0) {
            rc = cli_error("out of memory");
            goto done;
        }
    }
    rc = cli_table_emit(x.t, ha.output, ha.fmt, 0);
done:
    free(tops);
    free(x.first);
    free(x.child);
    cli_table_free(x.t);
    hs_loaded_close(&l);
    return rc;
}
