/* cmd_import.c - flame import: a profile into a profile database. */
#include "flame.h"

#include <cli.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <v8a/v8a.h>

enum { OPT_THREAD = 256 };

static const cli_option options[] = {
    {"output", 'o', "DB", "database to write (default: PROFILE's name + .v8adb, here)"},
    {"thread", OPT_THREAD, "T", "Chrome traces: the thread, as PID:TID or a thread name"},
    {"quiet", 'q', NULL, "print nothing on success"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "Usage: flame import [OPTIONS] PROFILE\n";
static char *default_db(const char *in)
{
    static const char *const suffixes[] = {".cpuprofile", ".heapprofile", ".json", NULL};
    return cli_default_db(in, suffixes);
}

static const char description[] =
    "Reads PROFILE (.cpuprofile, legacy profile, Chrome trace or .heapprofile,\n"
    "gzipped or not, or - for standard input), checks it, applies the time model\n"
    "and writes a SQLite database that every flame command accepts in place of\n"
    "the profile. The database is written to a temporary file and renamed: a\n"
    "failed import leaves nothing behind. Its schema is in docs/schema.md.\n";

int cmd_import(int argc, char **argv)
{
    const char *output = NULL, *thread = NULL, *arg;
    int quiet = 0, c;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        switch (c) {
        case 'o': output = arg; break;
        case 'q': quiet = 1; break;
        case OPT_THREAD: thread = arg; break;
        case 'h': cli_print_help(stdout, usage, description, options); return CLI_OK;
        default: return CLI_TROUBLE;
        }
    }
    int i = fl_operands(argc, argv, 1, 1, "PROFILE");
    if (i < 0) return CLI_TROUBLE;
    const char *in = argv[i];
    char *def = NULL;
    if (!output) {
        if (!(def = default_db(in))) return cli_error("out of memory");
        output = def;
    }
    v8a_profile *p = NULL;
    v8a_profile_options o;
    memset(&o, 0, sizeof o);
    o.thread = thread;
    o.progress = cli_progress;
    int rc = v8a_profile_read(in, &o, &p);
    cli_progress_done();
    if (rc == 0) rc = v8a_profile_store(p, output, strcmp(in, "-") == 0 ? "(stdin)" : in);
    if (rc < 0) {
        v8a_profile_free(p);
        free(def);
        return cli_fail();
    }
    if (!quiet)
        fprintf(stderr, "%s: wrote %s: %u nodes, %u frames, %zu samples\n", cli_tool(), output,
                p->nnodes, p->nframes, p->nsamples);
    v8a_profile_free(p);
    free(def);
    return CLI_OK;
}
