/* main.c - heapsnap: one heap snapshot, from the command line.
 *
 * Dispatches to a subcommand; `heapsnap --help` lists them and
 * `heapsnap CMD --help` describes one.
 */
#include "heapsnap.h"

#include <cli.h>
#include <v8a/v8a.h>

static const cli_command commands[] = {
    {"import", cmd_import, "read a snapshot into a v8a database (SQLite)"},
    {"info", cmd_info, "layout and counts of a snapshot or database"},
    {"summary", cmd_summary, "DevTools' Summary: objects, shallow and retained size per class"},
    {"dominators", cmd_dominators, "the objects that retain the most, with what they hold"},
    {"retainers", cmd_retainers, "what keeps an object or a class alive: retainer paths"},
    {"show", cmd_show, "one object: what it holds, who holds it, its dominators"},
    {"stats", cmd_stats, "DevTools' statistics: V8 heap, native, code, strings, arrays"},
    {"strings", cmd_strings, "duplicated strings, by bytes wasted"},
    {"sql", cmd_sql, "run SQL on a snapshot's database"},
    {NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
    return cli_dispatch(
        "heapsnap", commands,
        "heapsnap COMMAND [OPTIONS] SNAPSHOT...\n"
        "       heapsnap COMMAND --help\n\n"
        "Analyse one V8 heap snapshot (.heapsnapshot, optionally gzipped) offline.\n"
        "Every command takes a raw snapshot or a database made by 'heapsnap import';\n"
        "a raw snapshot is imported once and cached (see --no-cache).",
        argc, argv);
}
