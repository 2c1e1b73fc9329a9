/* cmd_import.c - heapsnap import: a snapshot into a v8a database. */
#include "heapsnap.h"

#include <cli.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <v8a/v8a.h>

enum { OPT_MAX_STRING = 256, OPT_NO_ROWS };

static const cli_option options[] = {
    {"output", 'o', "DB", "database to write (default: SNAPSHOT's name + .v8adb, here)"},
    {"max-string", OPT_MAX_STRING, "SIZE", "longest string accepted (default 64M)"},
    {"no-rows", OPT_NO_ROWS, NULL,
     "skip the row tables for SQL (nodes, strings): about twice as fast; the\n"
     "analysis commands need only the rest"},
    {"quiet", 'q', NULL, "print nothing on success"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "Usage: heapsnap import [OPTIONS] SNAPSHOT\n";
static char *default_db(const char *in)
{
    static const char *const suffixes[] = {".heapsnapshot", ".json", NULL};
    return cli_default_db(in, suffixes);
}

static const char description[] =
    "Reads SNAPSHOT (a .heapsnapshot file, gzipped or not, or - for standard input),\n"
    "checks it, and writes a SQLite database that every heapsnap and heapdiff\n"
    "command accepts in place of the snapshot. The database is written to a\n"
    "temporary file and renamed: a failed import leaves nothing behind.\n"
    "Its schema is described in docs/schema.md. Commands given the snapshot itself\n"
    "import it into a cache without the row tables, as --no-rows does; heapsnap sql\n"
    "adds them there on first use.\n";

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int cmd_import(int argc, char **argv)
{
    const char *output = NULL, *arg;
    int quiet = 0, c;
    v8a_import_options o;
    v8a_import_options_init(&o);
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        switch (c) {
        case 'o': output = arg; break;
        case 'q': quiet = 1; break;
        case OPT_NO_ROWS: o.rows = 0; break;
        case OPT_MAX_STRING:
            if (cli_parse_size(arg, &o.read.max_string) < 0 || o.read.max_string == 0)
                return cli_usage_error("--max-string: '%s' is not a size", arg);
            break;
        case 'h': cli_print_help(stdout, usage, description, options); return CLI_OK;
        default: return CLI_TROUBLE;
        }
    }
    int i = hs_operands(argc, argv, 1, 1, "SNAPSHOT");
    if (i < 0) return CLI_TROUBLE;
    const char *in = argv[i];
    char *def = NULL;
    if (!output) {
        if (!(def = default_db(in))) return cli_error("out of memory");
        output = def;
    }
    o.progress = cli_progress;
    double t0 = now_s();
    int rc = v8a_store_import(in, output, &o);
    cli_progress_done();
    if (rc < 0) {
        free(def);
        return cli_fail();
    }
    if (!quiet) {
        v8a_store *s = NULL;
        char nodes[32] = "?", edges[32] = "?", strings[32] = "?";
        if (v8a_store_open(&s, output) == 0) {
            v8a_store_get_meta(s, "node_count", nodes, sizeof nodes);
            v8a_store_get_meta(s, "edge_count", edges, sizeof edges);
            v8a_store_get_meta(s, "string_count", strings, sizeof strings);
            v8a_store_close(s);
        }
        fprintf(stderr, "%s: wrote %s: %s nodes, %s edges, %s strings in %.2f s\n", cli_tool(),
                output, nodes, edges, strings, now_s() - t0);
    }
    free(def);
    return CLI_OK;
}
