/* main.c - heapdiff: what grew between two heap snapshots, what keeps it
 * alive, and CI gates on it.
 *
 * heapdiff BEFORE AFTER gives DevTools' Comparison view (class by class,
 * objects matched by id), the totals, and the retainer paths of the growth;
 * heapdiff BASELINE TARGET FINAL adds memlab's leak report. --fail-on
 * gates turn it into a CI check: exit 1 when one trips.
 */
#include "heapdiff.h"

#include <output.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    OPT_CLASS = 256,
    OPT_IGNORE,
    OPT_TOP,
    OPT_GROWTH,
    OPT_PATHS,
    OPT_ALL,
    OPT_FAIL_ON,
    OPT_NO_CACHE
};

static const cli_option options[] = {
    {"format", 'f', "FMT", "text (default), json, csv, markdown or html"},
    {"output", 'o', "FILE", "write the report to FILE instead of standard output"},
    {"fail-on", OPT_FAIL_ON, "EXPR",
     "exit 1 when EXPR holds, e.g. 'total>+5MB', 'class:Foo.count>+100' (repeatable)"},
    {"class", OPT_CLASS, "REGEX", "only classes whose name matches REGEX (PCRE2)"},
    {"ignore", OPT_IGNORE, "REGEX", "leave out classes whose name matches REGEX"},
    {"top", OPT_TOP, "N", "show the N classes that grew most (default 20; json, csv: all; 0: all)"},
    {"growth", OPT_GROWTH, "N", "explain the N classes that grew most (default 3; 0: none)"},
    {"paths", OPT_PATHS, "N", "retainer paths per class (default 3)"},
    {"all", OPT_ALL, NULL, "also classes without new or deleted objects (DevTools hides them)"},
    {"jobs", 'j', "N", "import up to N raw snapshots at once, 1 to 3 (default: half the cores)"},
    {"no-cache", OPT_NO_CACHE, NULL, "import raw snapshots afresh, into temporary files"},
    {"help", 'h', NULL, "show this help"},
    {"version", 'V', NULL, "show the version"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "Usage: heapdiff [OPTIONS] BEFORE AFTER\n"
                            "       heapdiff [OPTIONS] BASELINE TARGET FINAL\n";

static const char description[] =
    "Compare V8 heap snapshots (.heapsnapshot, optionally gzipped, or databases\n"
    "made by 'heapsnap import'). With two snapshots: DevTools' Comparison view\n"
    "(objects matched by id within each class), the totals, and the retainer\n"
    "paths that hold the new objects of the classes that grew most. With three:\n"
    "also memlab's leaks, the objects allocated between BASELINE and TARGET that\n"
    "are still alive in FINAL, by class and by retainer path.\n\n"
    "Gates (--fail-on): MEASURE OP VALUE, where MEASURE is total, heap, native,\n"
    "external, strings, class:NAME[.FIELD], class:/REGEX/[.FIELD] (FIELD: count,\n"
    "size, retained, new, deleted, alloc, freed) or leaked.count|size|retained;\n"
    "OP is >, >=, < or <=; a signed VALUE (+5MB) or a percentage (+10%) compares\n"
    "the change, an unsigned one the value after. Units: B KB MB GB (1000),\n"
    "KiB MiB GiB (1024). See heapdiff(1).\n\n"
    "Exit status: 0 no gate tripped, 1 a gate tripped, 2 trouble.";

static int parse_format(const char *arg, hd_format *out)
{
    static const char *const names[] = {"text", "json", "csv", "markdown", "html"};
    for (int i = 0; i < 5; i++)
        if (strcmp(arg, names[i]) == 0) {
            *out = (hd_format)i;
            return 0;
        }
    return cli_usage_error("--format: '%s' is not text, json, csv, markdown or html", arg);
}

static int compile(v8a_regex **re, const char *pattern, const char *what)
{
    if (pattern && v8a_regex_new(re, pattern, what) < 0)
        return cli_usage_error("%s", v8a_error_last()->message);
    return 0;
}

int main(int argc, char **argv)
{
    cli_set_name("heapdiff", NULL);
    cli_process_setup();
    hd_options o;
    memset(&o, 0, sizeof o);
    o.fmt = HD_TEXT;
    o.top = -2; /* by format */
    o.growth = 3;
    o.paths = 3;
    /* an import keeps two cores busy (its parse and its analysis each run
     * on two threads): more at once only adds memory on a small machine */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN) / 2;
    o.jobs = ncpu < 1 ? 1 : ncpu > 3 ? 3 : (int)ncpu;
    const char *only = NULL, *ignore = NULL, *arg;
    const char **gates = calloc((size_t)argc + 1, sizeof *gates);
    hd_report r;
    memset(&r, 0, sizeof r);
    int c, rc = CLI_TROUBLE;
    if (!gates) return cli_error("out of memory");
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        long v;
        switch (c) {
        case 'f':
            if (parse_format(arg, &o.fmt)) goto done;
            break;
        case 'o': o.output = arg; break;
        case OPT_FAIL_ON: gates[o.ngates++] = arg; break;
        case OPT_CLASS: only = arg; break;
        case OPT_IGNORE: ignore = arg; break;
        case OPT_TOP:
            if (cli_parse_count("--top", arg, &o.top)) goto done;
            break;
        case OPT_GROWTH:
            if (cli_parse_count("--growth", arg, &o.growth)) goto done;
            break;
        case OPT_PATHS:
            if (cli_parse_count("--paths", arg, &o.paths)) goto done;
            break;
        case OPT_ALL: o.all = 1; break;
        case 'j':
            if (cli_parse_count("--jobs", arg, &v)) goto done;
            if (v < 1 || v > 3) {
                rc = cli_usage_error("--jobs: '%s' is not 1, 2 or 3", arg);
                goto done;
            }
            o.jobs = (int)v;
            break;
        case OPT_NO_CACHE: o.no_cache = 1; break;
        case 'h':
            cli_print_help(stdout, usage, description, options);
            rc = CLI_OK;
            goto done;
        case 'V':
            printf("heapdiff (v8a) %s\n", v8a_version());
            rc = CLI_OK;
            goto done;
        default: goto done;
        }
    }
    int i = cli_operand_index();
    if (argc - i < 2) {
        cli_usage_error("missing %s", argc - i == 0 ? "BEFORE and AFTER" : "AFTER");
        goto done;
    }
    if (argc - i > 3) {
        cli_usage_error("unexpected argument '%s'", argv[i + 3]);
        goto done;
    }
    o.ninputs = argc - i;
    for (int k = 0; k < o.ninputs; k++) o.inputs[k] = argv[i + k];
    if (o.top == -2) o.top = o.fmt == HD_JSON || o.fmt == HD_CSV ? 0 : 20;
    int stdin_inputs = 0;
    for (int k = 0; k < o.ninputs; k++) stdin_inputs += strcmp(o.inputs[k], "-") == 0;
    if (stdin_inputs > 1) {
        cli_usage_error("standard input (-) can be read once: give it as one input only");
        goto done;
    }
    o.gates = gates;
    if (compile(&o.only, only, "--class") || compile(&o.ignore, ignore, "--ignore")) goto done;
    /* malformed gates are usage errors, found before any work */
    if (hd_gates_parse(&r, &o)) goto done;
    if (hd_compare(&r, &o) || hd_gates_check(&r, &o)) goto done;

    cli_out out;
    if (cli_out_open(&out, o.output)) goto done;
    if (hd_write(&r, &o, out.f) < 0) {
        cli_out_abort(&out);
        rc = cli_error("%s: write error", o.output ? o.output : "standard output");
        goto done;
    }
    if (cli_out_commit(&out)) goto done;
    cli_gates_report(&r.gates);
    rc = r.gates.tripped ? CLI_FINDING : CLI_OK;
done:
    hd_report_free(&r);
    v8a_regex_free(o.only);
    v8a_regex_free(o.ignore);
    free(gates);
    return rc;
}
