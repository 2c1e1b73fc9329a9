/* main.c - heapsnap: one heap snapshot, from the command line.
 *
 * Dispatches to a subcommand; `heapsnap --help` lists them and
 * `heapsnap CMD --help` describes one.
 */
#include "heapsnap.h"

#include <cli.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <v8a/v8a.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"import", cmd_import, "read a snapshot into a v8a database (SQLite)"},
    {"info", cmd_info, "layout and counts of a snapshot or database"},
    {"summary", cmd_summary, "DevTools' Summary: objects, shallow and retained size per class"},
    {"dominators", cmd_dominators, "the objects that retain the most, with what they hold"},
    {"retainers", cmd_retainers, "what keeps an object or a class alive: retainer paths"},
    {"stats", cmd_stats, "DevTools' statistics: V8 heap, native, code, strings, arrays"},
    {"strings", cmd_strings, "duplicated strings, by bytes wasted"},
    {"sql", cmd_sql, "run SQL on a snapshot's database"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: heapsnap COMMAND [OPTIONS] SNAPSHOT...\n"
               "       heapsnap COMMAND --help\n\n"
               "Analyse one V8 heap snapshot (.heapsnapshot, optionally gzipped) offline.\n"
               "Every command takes a raw snapshot or a database made by 'heapsnap import';\n"
               "a raw snapshot is imported once and cached (see --no-cache).\n\n"
               "Commands:\n");
    for (const command *c = commands; c->name; c++)
        fprintf(f, "  %-10s  %s\n", c->name, c->summary);
    fprintf(f, "\nOptions:\n  -h, --help     show this help\n"
               "  -V, --version  show the version\n\n"
               "Exit status: 0 ok, 1 a finding, 2 trouble (usage, I/O, malformed input).\n"
               "See heapsnap(1) for details.\n");
}

int main(int argc, char **argv)
{
    cli_set_name("heapsnap", NULL);
    /* past a file-size limit (ulimit -f, quotas) writes fail with EFBIG and
     * the error path removes the temporary, instead of SIGXFSZ killing us
     * with the temporary left behind */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return CLI_TROUBLE;
    }
    const char *a = argv[1];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "help") == 0) {
        if (argc > 2 && strcmp(a, "help") == 0) {
            char *args[] = {argv[2], "--help", NULL};
            for (const command *c = commands; c->name; c++)
                if (strcmp(c->name, argv[2]) == 0) {
                    cli_set_name("heapsnap", c->name);
                    return c->run(2, args);
                }
            return cli_usage_error("unknown command '%s'", argv[2]);
        }
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
        printf("heapsnap (v8a) %s\n", v8a_version());
        return CLI_OK;
    }
    for (const command *c = commands; c->name; c++)
        if (strcmp(c->name, a) == 0) {
            cli_set_name("heapsnap", c->name);
            return c->run(argc - 1, argv + 1);
        }
    return cli_usage_error("unknown command '%s'", a);
}
