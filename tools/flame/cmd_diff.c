/* cmd_diff.c - flame diff: what got slower or faster between two profiles.
 *
 * Per function (matched by name, url, line and column) the self and total
 * deltas, normalised to each profile's busy time unless --absolute, split
 * into regressions and improvements above --min-delta; --fail-on gates on
 * self:NAME, total:NAME and cpu make it a CI check. Text and Markdown (for
 * a pull-request comment) are sections of tables; CSV is one row per listed
 * function; JSON follows docs/flame-diff.1 (schema_version 1).
 */
#include "flame.h"

#include <gates.h>
#include "stats.h"

#include <cli.h>
#include <math.h>
#include <output.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <table.h>
#include <v8a/v8a.h>

#define SCHEMA_VERSION 1

enum { OPT_THREAD = 256, OPT_ABSOLUTE, OPT_MIN_DELTA, OPT_TOP, OPT_SORT, OPT_FAIL_ON, OPT_GRAPH };

static const cli_option options[] = {
    {"absolute", OPT_ABSOLUTE, NULL, "compare raw times (default: normalised to busy time)"},
    {"min-delta", OPT_MIN_DELTA, "D",
     "ignore changes under D: a share of busy time (1%, the default) or a time (5ms)"},
    {"sort", OPT_SORT, "KEY", "rank by self (default) or total delta"},
    {"top", OPT_TOP, "N", "list N regressions and N improvements (default 10 in text; 0: all)"},
    {"fail-on", OPT_FAIL_ON, "EXPR",
     "exit 1 when EXPR holds: 'self:/parseBody/>+10%', 'total:main>+20%', 'cpu>+15%'"},
    {"format", 'f', "FMT", "text (default), json, csv or markdown"},
    {"output", 'o', "FILE", "write the report to FILE instead of standard output"},
    {"graph", OPT_GRAPH, "FILE",
     "also draw a differential flame graph: FILE.svg, .png or .pdf (red: more time)"},
    {"thread", OPT_THREAD, "T", "Chrome traces: the thread of both, as PID:TID or a name"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "Usage: flame diff [OPTIONS] BASE NEW\n";
static const char description[] =
    "Compares two CPU profiles function by function (name, url, line and column:\n"
    "a function that moved is a different function). Deltas are normalised: BASE's\n"
    "times are scaled to NEW's busy time, so a delta is a change of share; with\n"
    "--absolute they are raw. Changes under --min-delta are noise.\n\n"
    "Gates (--fail-on): self:NAME, self:/REGEX/, total:NAME, total:/REGEX/ (the\n"
    "time of the samples with such a function on the stack) and cpu (busy time),\n"
    "then >, >=, < or <=, then a change (+10%, +5ms) or a time in NEW (200ms).\n"
    "See flame-diff(1).\n\n"
    "Exit status: 0 no gate tripped, 1 a gate tripped, 2 trouble.";

typedef struct {
    const char *paths[2];
    cli_format fmt;
    long top;
    const v8a_pdiff *d;
    cli_gates gates;
} report;

static size_t shown(const report *r, size_t n)
{
    return r->top == 0 || (size_t)r->top > n ? n : (size_t)r->top;
}

static const char *status(const v8a_pdiff_func *f)
{
    return f->in_base && f->in_new ? "changed" : f->in_new ? "new" : "gone";
}

/* ---- text and Markdown ---- */

static cli_table *human_table(const v8a_pdiff_func *const *fs, size_t n)
{
    cli_table *t = cli_table_new();
    if (!t) return NULL;
    int bad = cli_table_column(t, "self Δ", CLI_COL_DELTA_TIME) ||
              cli_table_column(t, "total Δ", CLI_COL_DELTA_TIME) ||
              cli_table_column(t, "self% base", CLI_COL_PERCENT) ||
              cli_table_column(t, "self% new", CLI_COL_PERCENT) ||
              cli_table_column(t, "total% base", CLI_COL_PERCENT) ||
              cli_table_column(t, "total% new", CLI_COL_PERCENT) ||
              cli_table_column(t, "function", CLI_COL_TEXT) ||
              cli_table_column(t, "location", CLI_COL_TEXT);
    for (size_t i = 0; i < n && !bad; i++) {
        const v8a_pdiff_func *f = fs[i];
        char loc[1024], name[1100];
        fl_location(loc, sizeof loc, f->url, f->line, f->column);
        snprintf(name, sizeof name, "%s%s", f->name,
                 f->in_base ? (f->in_new ? "" : " (gone)") : " (new)");
        bad = cli_table_int(t, llround(f->self_delta_us)) ||
              cli_table_int(t, llround(f->total_delta_us)) ||
              cli_table_float(t, f->base_self_pct) || cli_table_float(t, f->new_self_pct) ||
              cli_table_float(t, f->base_total_pct) || cli_table_float(t, f->new_total_pct) ||
              cli_table_text(t, name, strlen(name)) || cli_table_text(t, loc, strlen(loc));
    }
    if (bad) {
        cli_table_free(t);
        return NULL;
    }
    return t;
}

static void input_line(FILE *f, int md, const char *role, const char *path, const v8a_profile *p,
                       int64_t busy)
{
    char a[32], b[32];
    cli_human_time(a, sizeof a, p->duration_us);
    cli_human_time(b, sizeof b, busy);
    fprintf(f, md ? "- %s: " : "%-4s  ", role);
    if (md)
        cli_md_code(f, path);
    else
        fputs(path, f);
    fprintf(f, " (%s sampled, %s busy, %zu samples)\n", a, b, p->nsamples);
}

static int write_human(FILE *f, const report *r, int md)
{
    const v8a_pdiff *d = r->d;
    if (md) fputs("## flame diff\n\n", f);
    input_line(f, md, "base", r->paths[0], d->base, d->base_busy_us);
    input_line(f, md, "new", r->paths[1], d->cur, d->new_busy_us);
    char a[32], b[32], th[32];
    cli_human_time(a, sizeof a, d->base_busy_us);
    cli_human_time(b, sizeof b, d->new_busy_us);
    double ch = d->base_busy_us > 0 ? ((double)d->new_busy_us - (double)d->base_busy_us) * 100.0 /
                                          (double)d->base_busy_us
                                    : 0;
    fprintf(f, "%sBusy time: %s -> %s (%+.1f%%).\n", md ? "\n" : "\n", a, b, ch);
    if (d->opt.min_delta_pct >= 0)
        snprintf(th, sizeof th, "%g%% of busy time", d->opt.min_delta_pct);
    else
        cli_human_time(th, sizeof th, d->opt.min_delta_us);
    if (d->opt.absolute)
        fprintf(f, "Deltas are raw times; changes under %s are left out.\n", th);
    else
        fprintf(f,
                "Deltas are normalised: base scaled by %.3f to new's busy time; changes under %s "
                "are left out.\n",
                d->scale, th);
    const char *by = d->opt.rank_total ? "total" : "self";
    for (int k = 0; k < 2; k++) {
        const v8a_pdiff_func *const *fs = k ? d->improvements : d->regressions;
        size_t n = k ? d->nimprovements : d->nregressions, m = shown(r, n);
        char title[128];
        snprintf(title, sizeof title, "%s (by %s delta): %zu of %zu",
                 k ? "Improvements" : "Regressions", by, m, n);
        fprintf(f, md ? "\n### %s\n\n" : "\n%s\n", title);
        if (!n) {
            fprintf(f, "None.\n");
            continue;
        }
        cli_table *t = human_table(fs, m);
        if (!t) return -1;
        int rc = cli_table_write(t, f, md ? CLI_MARKDOWN : CLI_TEXT, 0);
        cli_table_free(t);
        if (rc < 0) return -1;
    }
    cli_gates_write(f, &r->gates, md);
    fputs(md ? "\n" : "", f);
    return ferror(f) ? -1 : 0;
}

/* ---- CSV ---- */

static int write_csv(FILE *f, const report *r)
{
    const v8a_pdiff *d = r->d;
    cli_table *t = cli_table_new();
    if (!t) return -1;
    static const char *const names[] = {"kind",          "function",       "url",
                                        "line",          "column",         "status",
                                        "self_delta_ms", "total_delta_ms", "base_self_ms",
                                        "new_self_ms",   "base_total_ms",  "new_total_ms",
                                        "base_self_pct", "new_self_pct",   "base_total_pct",
                                        "new_total_pct"};
    int bad = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names && !bad; i++)
        bad = cli_table_column(t, names[i],
                               i < 3 || i == 5 ? CLI_COL_TEXT
                               : i < 5         ? CLI_COL_INT
                                               : CLI_COL_FLOAT);
    for (int k = 0; k < 2 && !bad; k++) {
        const v8a_pdiff_func *const *fs = k ? d->improvements : d->regressions;
        size_t n = shown(r, k ? d->nimprovements : d->nregressions);
        const char *kind = k ? "improvement" : "regression";
        for (size_t i = 0; i < n && !bad; i++) {
            const v8a_pdiff_func *x = fs[i];
            const char *st = status(x);
            bad = cli_table_text(t, kind, strlen(kind)) ||
                  cli_table_text(t, x->name, strlen(x->name)) ||
                  (x->url[0] ? cli_table_text(t, x->url, strlen(x->url)) : cli_table_null(t)) ||
                  (x->line > 0 ? cli_table_int(t, x->line) : cli_table_null(t)) ||
                  (x->column > 0 ? cli_table_int(t, x->column) : cli_table_null(t)) ||
                  cli_table_text(t, st, strlen(st)) ||
                  cli_table_float(t, round(x->self_delta_us) / 1000.0) ||
                  cli_table_float(t, round(x->total_delta_us) / 1000.0) ||
                  cli_table_float(t, (double)x->base_self_us / 1000.0) ||
                  cli_table_float(t, (double)x->new_self_us / 1000.0) ||
                  cli_table_float(t, (double)x->base_total_us / 1000.0) ||
                  cli_table_float(t, (double)x->new_total_us / 1000.0) ||
                  cli_table_float(t, x->base_self_pct) || cli_table_float(t, x->new_self_pct) ||
                  cli_table_float(t, x->base_total_pct) || cli_table_float(t, x->new_total_pct);
        }
    }
    int rc = bad ? -1 : cli_table_write(t, f, CLI_CSV, 0);
    cli_table_free(t);
    return rc;
}

/* ---- JSON ---- */

static void j_input(yajl_gen g, const char *k, const char *path, const v8a_profile *p, int64_t busy)
{
    fl_jkey(g, k);
    yajl_gen_map_open(g);
    fl_jstr(g, "path", path);
    fl_jint(g, "samples", (long long)p->nsamples);
    fl_jms(g, "duration_ms", (double)p->duration_us);
    fl_jms(g, "busy_ms", (double)busy);
    yajl_gen_map_close(g);
}

static void j_func(yajl_gen g, const v8a_pdiff_func *f)
{
    yajl_gen_map_open(g);
    fl_jstr(g, "function", f->name);
    fl_jstr(g, "url", f->url[0] ? f->url : NULL);
    fl_jpos(g, "line", f->line);
    fl_jpos(g, "column", f->column);
    fl_jstr(g, "category", v8a_frame_category_name((v8a_frame_category)f->category));
    fl_jstr(g, "status", status(f));
    fl_jms(g, "self_delta_ms", f->self_delta_us);
    fl_jms(g, "total_delta_ms", f->total_delta_us);
    fl_jms(g, "base_self_ms", (double)f->base_self_us);
    fl_jms(g, "new_self_ms", (double)f->new_self_us);
    fl_jms(g, "base_total_ms", (double)f->base_total_us);
    fl_jms(g, "new_total_ms", (double)f->new_total_us);
    fl_jint(g, "base_self_samples", f->base_self_samples);
    fl_jint(g, "new_self_samples", f->new_self_samples);
    fl_jnum(g, "base_self_pct", f->base_self_pct);
    fl_jnum(g, "new_self_pct", f->new_self_pct);
    fl_jnum(g, "base_total_pct", f->base_total_pct);
    fl_jnum(g, "new_total_pct", f->new_total_pct);
    fl_jnum(g, "self_pct_delta", f->new_self_pct - f->base_self_pct);
    fl_jnum(g, "total_pct_delta", f->new_total_pct - f->base_total_pct);
    yajl_gen_map_close(g);
}

static int write_json(FILE *f, const report *r)
{
    const v8a_pdiff *d = r->d;
    yajl_gen g = fl_json_open(f);
    if (!g) return -1;
    yajl_gen_map_open(g);
    fl_jint(g, "schema_version", SCHEMA_VERSION);
    j_input(g, "base", r->paths[0], d->base, d->base_busy_us);
    j_input(g, "new", r->paths[1], d->cur, d->new_busy_us);
    fl_jkey(g, "normalised");
    yajl_gen_bool(g, !d->opt.absolute);
    fl_jnum(g, "scale", d->scale);
    fl_jstr(g, "rank_by", d->opt.rank_total ? "total" : "self");
    fl_jkey(g, "min_delta");
    yajl_gen_map_open(g);
    if (d->opt.min_delta_pct >= 0)
        fl_jnum(g, "pct", d->opt.min_delta_pct);
    else
        fl_jms(g, "ms", (double)d->opt.min_delta_us);
    yajl_gen_map_close(g);
    for (int k = 0; k < 2; k++) {
        fl_jkey(g, k ? "improvements" : "regressions");
        yajl_gen_array_open(g);
        size_t n = shown(r, k ? d->nimprovements : d->nregressions);
        for (size_t i = 0; i < n; i++) j_func(g, k ? d->improvements[i] : d->regressions[i]);
        yajl_gen_array_close(g);
    }
    fl_jkey(g, "gates");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < r->gates.n; i++) {
        const cli_gate *gt = &r->gates.v[i];
        yajl_gen_map_open(g);
        fl_jstr(g, "expr", gt->g->text);
        fl_jms(g, "before_ms", gt->before);
        fl_jms(g, "after_ms", gt->after);
        fl_jnum(g, "measured", gt->g->unit == V8A_UNIT_TIME ? gt->measured / 1000.0 : gt->measured);
        fl_jstr(g, "unit", gt->g->unit == V8A_UNIT_TIME ? "ms" : "%");
        fl_jkey(g, "tripped");
        yajl_gen_bool(g, gt->tripped);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    fl_jstr(g, "verdict", r->gates.tripped ? "fail" : "pass");
    yajl_gen_map_close(g);
    yajl_gen_free(g);
    fputc('\n', f);
    return ferror(f) ? -1 : 0;
}

/* ---- gates ---- */

static int parse_gate(const char *expr, cli_gates *gates)
{
    cli_gate *gt = cli_gates_add(gates, expr);
    if (!gt) return CLI_TROUBLE;
    const v8a_gate *g = gt->g;
    int cpu = strcmp(g->subject, "cpu") == 0;
    if (!cpu && strcmp(g->subject, "self") != 0 && strcmp(g->subject, "total") != 0)
        return cli_usage_error("--fail-on '%s': column 1: unknown measure '%s' (self:NAME, "
                               "total:NAME, cpu)",
                               expr, g->subject);
    if (cpu && g->target)
        return cli_usage_error("--fail-on '%s': column %zu: cpu takes no name", expr,
                               g->target_col);
    if (!cpu && !g->target)
        return cli_usage_error("--fail-on '%s': %s needs a function: %s:NAME or %s:/REGEX/", expr,
                               g->subject, g->subject, g->subject);
    if (g->field)
        return cli_usage_error("--fail-on '%s': column %zu: %s has no fields", expr, g->field_col,
                               g->subject);
    if (g->unit != V8A_UNIT_TIME && g->unit != V8A_UNIT_PERCENT)
        return cli_usage_error("--fail-on '%s': %s is a time: write a change (+10%%, +5ms) or a "
                               "time (200ms)",
                               expr, g->subject);
    return 0;
}

static int check_gates(report *r)
{
    for (size_t i = 0; i < r->gates.n; i++) {
        cli_gate *gt = &r->gates.v[i];
        const v8a_gate *g = gt->g;
        double before, after;
        v8a_pdiff_measure m = strcmp(g->subject, "cpu") == 0    ? V8A_PDIFF_CPU
                              : strcmp(g->subject, "self") == 0 ? V8A_PDIFF_SELF
                                                                : V8A_PDIFF_TOTAL;
        if (v8a_pdiff_measure_get(r->d, m, gt->re ? NULL : g->target, gt->re, &before, &after) < 0)
            return cli_fail();
        cli_gate_judge(&r->gates, gt, before, after);
    }
    return 0;
}

static int parse_min_delta(const char *arg, v8a_pdiff_options *o)
{
    size_t n = strlen(arg);
    if (n > 1 && arg[n - 1] == '%') {
        char buf[64], *end;
        if (n >= sizeof buf) return -1;
        memcpy(buf, arg, n - 1);
        buf[n - 1] = '\0';
        double v = strtod(buf, &end);
        if (end == buf || *end || !isfinite(v) || v < 0) return -1;
        o->min_delta_pct = v;
        return 0;
    }
    if (fl_parse_time(arg, &o->min_delta_us) < 0) return -1;
    o->min_delta_pct = -1;
    return 0;
}

/* The differential flame graph (v8a_flame_diff_layout_new) into path. */
static int draw_graph(const char *path, v8a_flame_format fmt, const v8a_profile *base,
                      const v8a_profile *neu, int absolute)
{
    v8a_flame_options fo;
    v8a_flame_options_init(&fo);
    fo.diff_normalize = !absolute;
    fo.title = "Differential flame graph: red more time in NEW, blue less, purple new";
    v8a_flame_layout *l = NULL;
    if (v8a_flame_diff_layout_new(&l, base, neu, &fo) < 0) return cli_fail();
    cli_out out;
    int rc = cli_out_open(&out, path);
    if (!rc && v8a_flame_render_file(l, fmt, out.f) < 0) {
        cli_out_abort(&out);
        rc = cli_fail();
    } else if (!rc) {
        rc = cli_out_commit(&out);
    }
    v8a_flame_layout_free(l);
    return rc;
}

int cmd_diff(int argc, char **argv)
{
    const char *output = NULL, *thread = NULL, *graph = NULL, *arg;
    v8a_flame_format gfmt = V8A_FLAME_SVG;
    report r;
    memset(&r, 0, sizeof r);
    r.fmt = CLI_TEXT;
    r.top = -1;
    v8a_pdiff_options o;
    v8a_pdiff_options_init(&o);
    v8a_profile *pb = NULL, *pn = NULL;
    v8a_pdiff *d = NULL;
    int c, rc = CLI_TROUBLE;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        switch (c) {
        case 'f':
            if (cli_format_option(arg, &r.fmt)) goto done;
            break;
        case 'o': output = arg; break;
        case OPT_THREAD: thread = arg; break;
        case OPT_GRAPH:
            if (fl_image_format(arg, &gfmt) < 0) {
                cli_usage_error("--graph: '%s' does not end in .svg, .png or .pdf", arg);
                goto done;
            }
            graph = arg;
            break;
        case OPT_ABSOLUTE: o.absolute = 1; break;
        case OPT_MIN_DELTA:
            if (parse_min_delta(arg, &o) < 0) {
                cli_usage_error("--min-delta: '%s' is not a share (1%%) or a time (5ms)", arg);
                goto done;
            }
            break;
        case OPT_SORT:
            if (strcmp(arg, "self") != 0 && strcmp(arg, "total") != 0) {
                cli_usage_error("--sort: '%s' is not self or total", arg);
                goto done;
            }
            o.rank_total = strcmp(arg, "total") == 0;
            break;
        case OPT_TOP:
            if (fl_parse_count(arg, &r.top) < 0) {
                cli_usage_error("--top: '%s' is not a count", arg);
                goto done;
            }
            break;
        case OPT_FAIL_ON:
            if (parse_gate(arg, &r.gates)) goto done;
            break;
        case 'h':
            cli_print_help(stdout, usage, description, options);
            rc = CLI_OK;
            goto done;
        default: goto done;
        }
    }
    int i = cli_operand_index();
    if (argc - i < 2) {
        cli_usage_error("missing %s", argc - i == 0 ? "BASE and NEW" : "NEW");
        goto done;
    }
    if (argc - i > 2) {
        cli_usage_error("unexpected argument '%s'", argv[i + 2]);
        goto done;
    }
    r.paths[0] = argv[i];
    r.paths[1] = argv[i + 1];
    if (r.top < 0) r.top = r.fmt == CLI_TEXT || r.fmt == CLI_MARKDOWN ? 10 : 0;
    if (fl_open(r.paths[0], thread, &pb) != 0 || fl_open(r.paths[1], thread, &pn) != 0) goto done;
    if (v8a_pdiff_new(&d, pb, pn, &o) < 0) {
        rc = cli_error("%s: %s", pb->kind != V8A_PROFILE_CPU ? r.paths[0] : r.paths[1],
                       v8a_error_last()->message);
        goto done;
    }
    r.d = d;
    if (check_gates(&r)) goto done;
    cli_out out;
    if (cli_out_open(&out, output)) goto done;
    int w = r.fmt == CLI_JSON  ? write_json(out.f, &r)
            : r.fmt == CLI_CSV ? write_csv(out.f, &r)
                               : write_human(out.f, &r, r.fmt == CLI_MARKDOWN);
    if (w < 0) {
        cli_out_abort(&out);
        rc = cli_error("%s: write error", output ? output : "standard output");
        goto done;
    }
    if (cli_out_commit(&out)) goto done;
    if (graph && draw_graph(graph, gfmt, pb, pn, o.absolute)) goto done;
    cli_gates_report(&r.gates);
    rc = r.gates.tripped ? CLI_FINDING : CLI_OK;
done:
    cli_gates_free(&r.gates);
    v8a_pdiff_free(d);
    v8a_profile_free(pb);
    v8a_profile_free(pn);
    return rc;
}
