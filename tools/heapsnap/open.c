/* open.c - what the heapsnap commands share: opening the snapshot or its
 * database (imported and cached on first use), with progress on stderr. */
#include "heapsnap.h"

#include <cli.h>
#include <snapshot.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <v8a/v8a.h>

int hs_open(const char *path, int no_cache, v8a_store **out)
{
    return cli_snapshot_open(path, no_cache, CLI_SNAP_KEEP, out) < 0 ? cli_fail() : 0;
}

int hs_open_rows(const char *path, int no_cache, v8a_store **out)
{
    if (cli_snapshot_open(path, no_cache, CLI_SNAP_ROWS, out) < 0) return cli_fail();
    if (v8a_store_has_rows(*out)) return 0;
    v8a_store_close(*out);
    *out = NULL;
    cli_error("%s: a database imported with --no-rows has no row tables (nodes, strings): "
              "query the snapshot itself, or import it again without --no-rows",
              path);
    return CLI_TROUBLE;
}

int hs_load(v8a_store *s, v8a_heap **h, v8a_analysis **a)
{
    return cli_snapshot_load(s, h, a) < 0 ? cli_fail() : 0;
}

int hs_open_loaded(const char *path, int no_cache, hs_loaded *l)
{
    l->s = NULL;
    l->h = NULL;
    l->a = NULL;
    int rc = hs_open(path, no_cache, &l->s);
    if (!rc) rc = hs_load(l->s, &l->h, &l->a);
    if (rc) hs_loaded_close(l);
    return rc;
}

void hs_loaded_close(hs_loaded *l)
{
    v8a_analysis_free(l->a);
    v8a_heap_free(l->h);
    v8a_store_close(l->s);
    l->a = NULL;
    l->h = NULL;
    l->s = NULL;
}

unsigned hs_node_type(const v8a_heap *h, const char *name)
{
    for (unsigned k = 0; k < v8a_heap_node_type_count(h); k++)
        if (strcmp(v8a_heap_node_type_name(h, k), name) == 0) return k;
    return UINT32_MAX;
}

int hs_common_option(int c, const char *arg, hs_args *a, const char *usage, const char *description,
                     const cli_option *opts, int *rc)
{
    switch (c) {
    case 'f':
        if ((*rc = cli_format_option(arg, &a->fmt)) != 0) return -1;
        return 1;
    case 'o': a->output = arg; return 1;
    case HS_OPT_NO_CACHE: a->no_cache = 1; return 1;
    case 'h':
        cli_print_help(stdout, usage, description, opts);
        *rc = CLI_OK;
        return -1;
    default: return 0;
    }
}

int hs_parse_id(const char *arg, uint64_t *id)
{
    const char *p = arg[0] == '@' ? arg + 1 : arg;
    char *end;
    if (*p < '0' || *p > '9') return cli_usage_error("'%s' is not a node id (@123)", arg);
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (*end || errno) return cli_usage_error("'%s' is not a node id (@123)", arg);
    *id = v;
    return 0;
}
