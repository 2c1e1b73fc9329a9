/* main.c - flame: CPU and heap profiles, from the command line.
 *
 * Dispatches to a subcommand; `flame --help` lists them and
 * `flame CMD --help` describes one.
 */
#include "flame.h"

#include <cli.h>
#include <stdio.h>
#include <string.h>
#include <v8a/v8a.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"info", cmd_info, "duration, samples, interval, idle/GC shares and anomalies of a profile"},
    {"import", cmd_import, "a profile into a SQLite database every flame command accepts"},
    {"render", cmd_render, "a flame graph, flame chart or icicle as SVG, PNG or PDF"},
    {"fold", cmd_fold, "a profile as folded stacks (flamegraph.pl, inferno, speedscope)"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: flame COMMAND [OPTIONS] PROFILE...\n"
               "       flame COMMAND --help\n\n"
               "Analyse V8 CPU profiles (.cpuprofile, Chrome traces) and sampling heap\n"
               "profiles (.heapprofile) offline, optionally gzipped.\n\n"
               "Commands:\n");
    for (const command *c = commands; c->name; c++)
        fprintf(f, "  %-10s  %s\n", c->name, c->summary);
    fprintf(f, "\nOptions:\n  -h, --help     show this help\n"
               "  -V, --version  show the version\n\n"
               "Exit status: 0 ok, 1 a finding, 2 trouble (usage, I/O, malformed input).\n"
               "See flame(1) for details.\n");
}

int main(int argc, char **argv)
{
    cli_set_name("flame", NULL);
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
                    cli_set_name("flame", c->name);
                    return c->run(2, args);
                }
            return cli_usage_error("unknown command '%s'", argv[2]);
        }
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
        printf("flame (v8a) %s\n", v8a_version());
        return CLI_OK;
    }
    for (const command *c = commands; c->name; c++)
        if (strcmp(c->name, a) == 0) {
            cli_set_name("flame", c->name);
            return c->run(argc - 1, argv + 1);
        }
    return cli_usage_error("unknown command '%s'", a);
}
