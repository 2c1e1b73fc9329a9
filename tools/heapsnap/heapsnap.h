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

/* Opens a snapshot or database (cli_fail on error: returns CLI_TROUBLE). */
int hs_open(const char *path, int no_cache, v8a_store **out);
/* Loads the heap, and the analysis when a is not NULL (computed if the
 * database has none). CLI_TROUBLE after printing the error. */
int hs_load(v8a_store *s, v8a_heap **h, v8a_analysis **a);
/* Parses a non-negative count option; a usage error otherwise. */
int hs_parse_count(const char *opt, const char *arg, long *out);

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
