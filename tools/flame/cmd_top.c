/* cmd_top.c - flame top: the bottom-up view, functions by self time.
 *
 * One table: per function (or url, package, source line) the self and total
 * time, their shares of the sampled time the filters keep, and the sample
 * counts. Text and Markdown add a header line and show times in human units;
 * JSON is an array of objects and CSV a table with the same raw fields
 * (docs/flame-top.1). The numbers come from v8a_top_new.
 */
#include "flame.h"

#include <gates.h>
#include "stats.h"

#include <cli.h>
#include <output.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <table.h>
#include <v8a/v8a.h>

enum { OPT_THREAD = 256, OPT_BY, OPT_TOP, OPT_INCLUDE, OPT_EXCLUDE };

static const cli_option options[] = {
    {"by", OPT_BY, "KEY", "function (default), url, package or line (from positionTicks)"},
    {"top", OPT_TOP, "N", "show the N heaviest rows (default 20 in text and markdown; 0: all)"},
    {"include", OPT_INCLUDE, "REGEX", "only samples with a frame whose name or url matches"},
    {"exclude", OPT_EXCLUDE, "REGEX", "leave out samples with a frame whose name or url matches"},
    {"format", 'f', "FMT", "text (default), json, csv or markdown"},
    {"output", 'o', "FILE", "write the report to FILE instead of standard output"},
    {"thread", OPT_THREAD, "T", "Chrome traces: the thread, as PID:TID or a thread name"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "Usage: flame top [OPTIONS] PROFILE|DB\n";
static const char description[] =
    "Lists the functions of a CPU profile bottom-up, heaviest self time first:\n"
    "self and total time, their shares of the sampled time, and the sample counts.\n"
    "A function's total counts each sample once, even when it recurses. Functions\n"
    "are told apart by name, url, line and column. See flame-top(1).\n";

static double share(int64_t part, int64_t whole)
{
    return whole > 0 ? (double)part * 100.0 / (double)whole : 0.0;
}

/* The table: human columns for text and Markdown, raw fields otherwise. */
static cli_table *make_table(const v8a_top *t, v8a_top_by by, size_t n, int human)
{
    cli_table *tb = cli_table_new();
    if (!tb) return NULL;
    int bad = 0;
    if (human) {
        bad |= cli_table_column(tb, "self", CLI_COL_TIME) ||
               cli_table_column(tb, "self%", CLI_COL_PERCENT) ||
               cli_table_column(tb, "total", CLI_COL_TIME) ||
               cli_table_column(tb, "total%", CLI_COL_PERCENT) ||
               cli_table_column(tb, "samples", CLI_COL_INT);
        bad |= cli_table_column(tb, v8a_top_by_name(by == V8A_TOP_LINE ? V8A_TOP_FUNCTION : by),
                                CLI_COL_TEXT);
        if (by == V8A_TOP_FUNCTION || by == V8A_TOP_LINE)
            bad |= cli_table_column(tb, "location", CLI_COL_TEXT);
    } else {
        static const char *const names[] = {"function", "url",      "line",         "column",
                                            "package",  "category", "self_samples", "total_samples",
                                            "self_ms",  "total_ms", "self_pct",     "total_pct"};
        static const cli_col_kind kinds[] = {
            CLI_COL_TEXT, CLI_COL_TEXT, CLI_COL_INT,   CLI_COL_INT,   CLI_COL_TEXT,  CLI_COL_TEXT,
            CLI_COL_INT,  CLI_COL_INT,  CLI_COL_FLOAT, CLI_COL_FLOAT, CLI_COL_FLOAT, CLI_COL_FLOAT};
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            bad |= cli_table_column(tb, names[i], kinds[i]);
    }
    for (size_t i = 0; i < n && !bad; i++) {
        const v8a_top_row *r = &t->rows[i];
        int fn = by == V8A_TOP_FUNCTION || by == V8A_TOP_LINE;
        if (human) {
            char loc[1024];
            fl_location(loc, sizeof loc, r->url, r->line, fn ? r->column : 0);
            bad |= cli_table_int(tb, r->self_us) ||
                   cli_table_float(tb, share(r->self_us, t->time_us)) ||
                   cli_table_int(tb, r->total_us) ||
                   cli_table_float(tb, share(r->total_us, t->time_us)) ||
                   cli_table_int(tb, r->self_samples);
            bad |= cli_table_text(tb, r->name, strlen(r->name));
            if (fn) bad |= cli_table_text(tb, loc, strlen(loc));
            continue;
        }
        const char *url = by == V8A_TOP_PACKAGE ? NULL : r->url[0] ? r->url : NULL;
        bad |= fn ? cli_table_text(tb, r->name, strlen(r->name)) : cli_table_null(tb);
        bad |= url ? cli_table_text(tb, url, strlen(url)) : cli_table_null(tb);
        bad |= fn && r->line > 0 ? cli_table_int(tb, r->line) : cli_table_null(tb);
        bad |= fn && r->column > 0 ? cli_table_int(tb, r->column) : cli_table_null(tb);
        bad |= by == V8A_TOP_PACKAGE ? cli_table_text(tb, r->name, strlen(r->name))
                                     : cli_table_null(tb);
        const char *cat = v8a_frame_category_name((v8a_frame_category)r->category);
        bad |= cli_table_text(tb, cat, strlen(cat));
        bad |= cli_table_int(tb, r->self_samples) || cli_table_int(tb, r->total_samples) ||
               cli_table_float(tb, (double)r->self_us / 1000.0) ||
               cli_table_float(tb, (double)r->total_us / 1000.0) ||
               cli_table_float(tb, share(r->self_us, t->time_us)) ||
               cli_table_float(tb, share(r->total_us, t->time_us));
    }
    if (bad) {
        cli_table_free(tb);
        return NULL;
    }
    return tb;
}

static int write_report(FILE *f, const char *path, const v8a_top *t, v8a_top_by by, size_t n,
                        cli_format fmt)
{
    int human = fmt == CLI_TEXT || fmt == CLI_MARKDOWN;
    cli_table *tb = make_table(t, by, n, human);
    if (!tb) return -1;
    if (human) {
        char a[32], b[32];
        cli_human_time(a, sizeof a, t->time_us);
        cli_human_time(b, sizeof b, t->idle_us);
        if (fmt == CLI_MARKDOWN) {
            fputs("## flame top ", f);
            cli_md_code(f, path);
            fputs("\n\n", f);
        } else {
            fprintf(f, "%s: ", path);
        }
        fprintf(f, "%s sampled (%lld samples, %s idle); by %s, %zu of %zu rows\n\n", a,
                (long long)t->samples, b, v8a_top_by_name(by), n, t->nrows);
    }
    int rc = cli_table_write(tb, f, fmt, 0);
    cli_table_free(tb);
    return rc;
}

static int compile(v8a_regex **re, const char *pattern, const char *what)
{
    if (pattern && v8a_regex_new(re, pattern, what) < 0)
        return cli_usage_error("%s", v8a_error_last()->message);
    return 0;
}

int cmd_top(int argc, char **argv)
{
    const char *output = NULL, *thread = NULL, *arg, *inc = NULL, *exc = NULL;
    cli_format fmt = CLI_TEXT;
    v8a_top_by by = V8A_TOP_FUNCTION;
    long top = -1;
    int c;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        switch (c) {
        case 'f':
            if (cli_format_option(arg, &fmt)) return CLI_TROUBLE;
            break;
        case 'o': output = arg; break;
        case OPT_THREAD: thread = arg; break;
        case OPT_BY: {
            int k = 0;
            for (; k < 4; k++)
                if (strcmp(arg, v8a_top_by_name((v8a_top_by)k)) == 0) break;
            if (k == 4)
                return cli_usage_error("--by: '%s' is not function, url, package or line", arg);
            by = (v8a_top_by)k;
            break;
        }
        case OPT_TOP:
            if (fl_parse_count(arg, &top) < 0)
                return cli_usage_error("--top: '%s' is not a count", arg);
            break;
        case OPT_INCLUDE: inc = arg; break;
        case OPT_EXCLUDE: exc = arg; break;
        case 'h': cli_print_help(stdout, usage, description, options); return CLI_OK;
        default: return CLI_TROUBLE;
        }
    }
    int i = fl_operands(argc, argv, 1, 1, "PROFILE");
    if (i < 0) return CLI_TROUBLE;
    v8a_top_options o = {by, NULL, NULL};
    v8a_profile *p = NULL;
    v8a_top *t = NULL;
    int rc = CLI_TROUBLE;
    if (compile(&o.include, inc, "--include") || compile(&o.exclude, exc, "--exclude")) goto done;
    if (fl_open(argv[i], thread, &p) != 0) goto done;
    if (v8a_top_new(&t, p, &o) < 0) {
        rc = cli_error("%s: %s", argv[i], v8a_error_last()->message);
        goto done;
    }
    if (top < 0) top = fmt == CLI_TEXT || fmt == CLI_MARKDOWN ? 20 : 0;
    size_t n = top == 0 || (size_t)top > t->nrows ? t->nrows : (size_t)top;
    cli_out out;
    if (cli_out_open(&out, output)) goto done;
    if (write_report(out.f, argv[i], t, by, n, fmt) < 0) {
        cli_out_abort(&out);
        rc = cli_error("%s: write error", output ? output : "standard output");
        goto done;
    }
    rc = cli_out_commit(&out) ? CLI_TROUBLE : CLI_OK;
done:
    v8a_top_free(t);
    v8a_profile_free(p);
    v8a_regex_free(o.include);
    v8a_regex_free(o.exclude);
    return rc;
}
