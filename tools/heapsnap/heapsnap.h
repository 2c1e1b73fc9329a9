/* heapsnap.h - the subcommands of heapsnap (one file each) and what they share. */
#ifndef V8A_HEAPSNAP_H
#define V8A_HEAPSNAP_H

#include <v8a/v8a.h>

int cmd_import(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_sql(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_dominators(int argc, char **argv);
int cmd_retainers(int argc, char **argv);
int cmd_strings(int argc, char **argv);
int cmd_show(int argc, char **argv);

#include <cli.h>

/* What every report command takes: -f, -o, --no-cache. */
typedef struct hs_args {
    const char *output;
    cli_format fmt;
    int no_cache;
} hs_args;

/* Handles an option of HS_COMMON_OPTIONS (and -h). Returns 1 when it did,
 * 0 when c is another option, or -1 when the command must return *rc now
 * (CLI_OK after --help, CLI_TROUBLE after a bad value). */
int hs_common_option(int c, const char *arg, hs_args *a, const char *usage, const char *description,
                     const cli_option *opts, int *rc);

/* cli.h's, under the names the commands use */
#define hs_operands    cli_operands
#define hs_parse_count cli_parse_count

/* Parses "@123" (or "123") into a node id; usage error on anything else. */
int hs_parse_id(const char *arg, uint64_t *id);

/* Opens a snapshot or database (cli_fail on error: returns CLI_TROUBLE). */
int hs_open(const char *path, int no_cache, v8a_store **out);
/* hs_open for SQL: a raw snapshot's import has the row tables, and a
 * database without them (imported with --no-rows) is refused. */
int hs_open_rows(const char *path, int no_cache, v8a_store **out);
/* Loads the heap, and the analysis when a is not NULL (computed if the
 * database has none). CLI_TROUBLE after printing the error. */
int hs_load(v8a_store *s, v8a_heap **h, v8a_analysis **a);
/* A snapshot opened with its heap and analysis loaded. */
typedef struct hs_loaded {
    v8a_store *s;
    v8a_heap *h;
    v8a_analysis *a;
} hs_loaded;

/* hs_open and hs_load together; CLI_TROUBLE after printing the error, with
 * nothing left open. */
int hs_open_loaded(const char *path, int no_cache, hs_loaded *l);
void hs_loaded_close(hs_loaded *l);

/* The code of the node type named name, or UINT32_MAX. */
unsigned hs_node_type(const v8a_heap *h, const char *name);

/* Options every report command has. */
#define HS_COMMON_OPTIONS                                                                          \
    {"format", 'f', "FMT", "text (default), json, csv or markdown"},                               \
        {"output", 'o', "FILE", "write the report to FILE instead of standard output"},            \
        {"no-cache", 257, NULL, "import a raw snapshot afresh, into a temporary file"},            \
        {"help", 'h', NULL, "show this help"},                                                     \
    {                                                                                              \
        NULL, 0, NULL, NULL                                                                        \
    }
#define HS_OPT_NO_CACHE 257

#endif
