/* main.c - flame: CPU and heap profiles, from the command line.
 *
 * Dispatches to a subcommand; `flame --help` lists them and
 * `flame CMD --help` describes one.
 */
#include "flame.h"

#include <cli.h>
#include <v8a/v8a.h>

static const cli_command commands[] = {
    {"info", cmd_info, "duration, samples, interval, idle/GC shares and anomalies of a profile"},
    {"import", cmd_import, "a profile into a SQLite database every flame command accepts"},
    {"render", cmd_render, "a flame graph, flame chart or icicle as SVG, PNG or PDF"},
    {"top", cmd_top, "functions by self and total time (bottom-up), by url, package or line"},
    {"diff", cmd_diff, "per-function regressions and improvements between two profiles; CI gates"},
    {"blocking", cmd_blocking, "stretches where the event loop was blocked, longest first"},
    {"fold", cmd_fold, "a profile as folded stacks (flamegraph.pl, inferno, speedscope)"},
    {"insights", cmd_insights, "what stands out in a CPU profile, with evidence and suggestions"},
    {NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
    return cli_dispatch("flame", commands,
                        "flame COMMAND [OPTIONS] PROFILE...\n"
                        "       flame COMMAND --help\n\n"
                        "Analyse V8 CPU profiles (.cpuprofile, Chrome traces) and sampling heap\n"
                        "profiles (.heapprofile) offline, optionally gzipped.",
                        argc, argv);
}
