/* cmd_retainers.c - heapsnap retainers: what keeps an object, or a class, alive.
 *
 * For one object (@ID): the K shortest retainer paths from the root, weak
 * edges excluded, each hop with its edge and the node's class and @id, as
 * DevTools' Retainers panel and memlab's traces show them. For a class
 * (--class REGEX): every instance's shortest path, grouped by signature
 * (indexes and entries left out), the groups that retain the most first.
 */
#include "heapsnap.h"

#include <cli.h>
#include <stdlib.h>
#include <string.h>
#include <table.h>

enum { OPT_CLASS = 'c', OPT_PATHS = 'k', OPT_DEPTH = 'd' };

static const cli_option options[] = {
    {"class", OPT_CLASS, "REGEX", "instances of the classes whose name matches, grouped"},
    {"paths", OPT_PATHS, "K", "how many paths or groups (default 5)"},
    {"max-depth", OPT_DEPTH, "D", "leave out paths of more than D hops (default 30)"},
    HS_COMMON_OPTIONS,
};

static const char usage[] = "Usage: heapsnap retainers [OPTIONS] SNAPSHOT|DB @ID\n"
                            "       heapsnap retainers [OPTIONS] SNAPSHOT|DB --class REGEX\n";
static const char description[] =
    "Shows what keeps objects alive: the shortest retainer paths from the root\n"
    "(through the global objects) to the object, weak edges excluded. Edges print as\n"
    ".name (property), [3] (element), ::name (context), ->name (shortcut), <name>\n"
    "(internal, hidden).\n";

static int node_cells(cli_table *t, const v8a_heap *h, const v8a_analysis *a, uint32_t o)
{
    const v8a_class_info *ci = v8a_analysis_get_class(a, v8a_analysis_class(a, o));
    int rc = cli_table_text(t, ci->name, strlen(ci->name));
    rc |= cli_table_uint(t, v8a_heap_node_id(h, o));
    rc |= cli_table_int(t, v8a_analysis_distance(a, o));
    rc |= cli_table_uint(t, v8a_analysis_retained_size(a, o));
    return rc;
}

static int one_object(v8a_heap *h, v8a_analysis *a, uint32_t target, long k, long depth,
                      cli_table *t)
{
    v8a_path *paths = NULL;
    size_t n = 0;
    if (v8a_retainer_paths(&paths, &n, a, target, (size_t)k) < 0) return cli_fail();
    cli_table_column(t, "path", CLI_COL_INT);
    cli_table_column(t, "hop", CLI_COL_INT);
    cli_table_column(t, "edge", CLI_COL_TEXT);
    cli_table_column(t, "class", CLI_COL_TEXT);
    cli_table_column(t, "id", CLI_COL_INT);
    cli_table_column(t, "distance", CLI_COL_INT);
    cli_table_column(t, "retained_size", CLI_COL_BYTES);
    int rc = 0;
    long shown = 0;
    for (size_t p = 0; p < n && !rc; p++) {
        if ((long)paths[p].len - 1 > depth) continue;
        shown++;
        for (uint32_t i = 0; i < paths[p].len && !rc; i++) {
            char label[512] = "";
            if (i > 0) v8a_edge_label(a, paths[p].edges[i - 1], label, sizeof label);
            rc |= cli_table_int(t, shown);
            rc |= cli_table_int(t, i);
            rc |= cli_table_text(t, label, strlen(label));
            rc |= node_cells(t, h, a, paths[p].nodes[i]);
        }
    }
    v8a_paths_free(paths, n);
    if (rc) return cli_error("out of memory");
    if (shown == 0) {
        const char *why =
            v8a_analysis_distance(a, target) < 0
                ? "is not reachable from the roots (garbage, or held by weak edges only)"
                : "has no retainer path within --max-depth";
        fprintf(stderr, "%s: @%llu %s\n", cli_tool(),
                (unsigned long long)v8a_heap_node_id(h, target), why);
    }
    return 0;
}

static int by_class(v8a_heap *h, v8a_analysis *a, v8a_regex *re, long k, cli_table *t)
{
    uint32_t nc = v8a_analysis_class_count(a);
    signed char *match = calloc(nc ? nc : 1, 1);
    uint32_t *targets = malloc((size_t)v8a_heap_node_count(h) * 4 + 4);
    if (!match || !targets) {
        free(match);
        free(targets);
        return cli_error("out of memory");
    }
    /* one match per class, not per object */
    for (uint32_t c = 0; c < nc; c++) {
        const char *name = v8a_analysis_get_class(a, c)->name;
        int m = v8a_regex_match(re, name, strlen(name));
        if (m < 0) {
            free(match);
            free(targets);
            return cli_fail();
        }
        match[c] = (signed char)m;
    }
    size_t n = 0;
    for (uint32_t o = 0; o < v8a_heap_node_count(h); o++)
        if (match[v8a_analysis_class(a, o)] && v8a_analysis_shallow_size(a, o) > 0)
            targets[n++] = o;
    free(match);
    v8a_path_group *g = NULL;
    size_t ng = 0;
    int rc = v8a_retainer_groups(&g, &ng, a, targets, n);
    free(targets);
    if (rc < 0) return cli_fail();
    cli_table_column(t, "count", CLI_COL_INT);
    cli_table_column(t, "retained_size", CLI_COL_BYTES);
    cli_table_column(t, "path", CLI_COL_TEXT);
    for (size_t i = 0; i < ng && (long)i < k && !rc; i++) {
        rc |= cli_table_int(t, g[i].count);
        rc |= cli_table_uint(t, g[i].retained);
        rc |= cli_table_text(t, g[i].signature, strlen(g[i].signature));
    }
    v8a_path_groups_free(g, ng);
    if (n == 0) fprintf(stderr, "%s: no object of a matching class\n", cli_tool());
    return rc ? cli_error("out of memory") : 0;
}

int cmd_retainers(int argc, char **argv)
{
    const char *arg, *pattern = NULL;
    hs_args ha = {NULL, CLI_TEXT, 0};
    long k = 5, depth = 30;
    int c;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        int done, common = hs_common_option(c, arg, &ha, usage, description, options, &done);
        if (common < 0) return done;
        if (common > 0) continue;
        switch (c) {
        case OPT_CLASS: pattern = arg; break;
        case OPT_PATHS:
            if (hs_parse_count("--paths", arg, &k)) return CLI_TROUBLE;
            if (k == 0) return cli_usage_error("--paths: at least 1");
            break;
        case OPT_DEPTH:
            if (hs_parse_count("--max-depth", arg, &depth)) return CLI_TROUBLE;
            break;
        default: return CLI_TROUBLE;
        }
    }
    int i = hs_operands(argc, argv, 1, 2, "SNAPSHOT or DB");
    if (i < 0) return CLI_TROUBLE;
    const char *idarg = i + 1 < argc ? argv[i + 1] : NULL;
    if (!idarg == !pattern) return cli_usage_error("give either @ID or --class REGEX");
    uint64_t id = 0;
    if (idarg && hs_parse_id(idarg, &id)) return CLI_TROUBLE;
    v8a_regex *re = NULL;
    if (pattern && v8a_regex_new(&re, pattern, "--class") < 0) {
        cli_error("%s", v8a_error_last()->message);
        fprintf(stderr, "Try 'heapsnap retainers --help'.\n");
        return CLI_TROUBLE;
    }
    hs_loaded l = {NULL, NULL, NULL};
    cli_table *t = cli_table_new();
    int rc = t ? 0 : cli_error("out of memory");
    if (!rc) rc = hs_open_loaded(argv[i], ha.no_cache, &l);
    v8a_heap *h = l.h;
    v8a_analysis *a = l.a;
    if (!rc && idarg) {
        uint32_t o = v8a_heap_find_id(h, id);
        if (o == UINT32_MAX)
            rc = cli_error("%s: no node @%llu", argv[i], (unsigned long long)id);
        else
            rc = one_object(h, a, o, k, depth, t);
    } else if (!rc) {
        rc = by_class(h, a, re, k, t);
    }
    if (!rc) rc = cli_table_emit(t, ha.output, ha.fmt, 0);
    cli_table_free(t);
    hs_loaded_close(&l);
    v8a_regex_free(re);
    return rc;
}
