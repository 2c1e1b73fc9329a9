/* cmd_blocking.c - flame blocking: where the event loop was blocked.
 *
 * The stretches of v8a_blocking_new longer than --threshold, longest first:
 * start, duration, time in GC, the task, and the heaviest stack inside with
 * the hottest line of its top frame. Gates (--fail-on) on the longest
 * stretch (max), their sum (total) and their number (count) make it a CI
 * check. JSON is an array of objects (docs/flame-blocking.1).
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

enum { OPT_THREAD = 256, OPT_THRESHOLD, OPT_FAIL_ON };

static const cli_option options[] = {
    {"threshold", OPT_THRESHOLD, "TIME", "report stretches longer than TIME (default 50ms)"},
    {"fail-on", OPT_FAIL_ON, "EXPR",
     "exit 1 when EXPR holds: 'max>100ms', 'total>1s', 'count>3' (repeatable)"},
    {"format", 'f', "FMT", "text (default), json, csv or markdown"},
    {"output", 'o', "FILE", "write the report to FILE instead of standard output"},
    {"thread", OPT_THREAD, "T", "Chrome traces: the thread, as PID:TID or a thread name"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "Usage: flame blocking [OPTIONS] PROFILE|DB\n";
static const char description[] =
    "Finds the stretches where the event loop was blocked: runs of consecutive\n"
    "busy samples of one task (the frame below (root)), GC and (program) samples\n"
    "inside a run included, ended by (idle) or another task. Lists those longer\n"
    "than the threshold, longest first, with their time in GC and their heaviest\n"
    "stack. Gates: max, total (times) and count. See flame-blocking(1).\n\n"
    "Exit status: 0 no gate tripped, 1 a gate tripped, 2 trouble.";

#define TEXT_FRAMES 6

static const v8a_frame *frame_of(const v8a_profile *p, uint32_t node)
{
    return &p->frames[p->nodes[node].frame];
}

/* The heaviest stack as text: top frame (with its hot line) first. */
static void stack_text(char *buf, size_t cap, const v8a_profile *p, const v8a_stretch *s, int limit)
{
    size_t n = 0;
    buf[0] = '\0';
    int k = 0;
    for (uint32_t v = s->heaviest; v != V8A_PROFILE_NONE && v != 0; v = p->nodes[v].parent, k++) {
        if (limit && k == limit) {
            snprintf(buf + n, cap - n, " < ...");
            return;
        }
        const v8a_frame *f = frame_of(p, v);
        char lab[1200];
        int32_t line = k == 0 && s->hot_line ? s->hot_line : f->line;
        fl_frame_label(lab, sizeof lab, v8a_profile_string(p, f->name),
                       v8a_profile_string(p, f->url), line, k == 0 && s->hot_line ? 0 : f->column);
        int w = snprintf(buf + n, cap - n, "%s%s", k ? " < " : "", lab);
        if (w < 0 || (size_t)w >= cap - n) return;
        n += (size_t)w;
    }
}

static double pct(int64_t part, int64_t whole)
{
    return whole > 0 ? (double)part * 100.0 / (double)whole : 0.0;
}

static cli_table *make_table(const v8a_blocking *b, int human)
{
    const v8a_profile *p = b->profile;
    cli_table *t = cli_table_new();
    if (!t) return NULL;
    int bad = 0;
    if (human) {
        bad = cli_table_column(t, "start", CLI_COL_TIME) ||
              cli_table_column(t, "duration", CLI_COL_TIME) ||
              cli_table_column(t, "gc", CLI_COL_TIME) ||
              cli_table_column(t, "gc%", CLI_COL_PERCENT) ||
              cli_table_column(t, "task", CLI_COL_TEXT) ||
              cli_table_column(t, "heaviest stack", CLI_COL_TEXT);
    } else {
        bad = cli_table_column(t, "start_ms", CLI_COL_FLOAT) ||
              cli_table_column(t, "duration_ms", CLI_COL_FLOAT) ||
              cli_table_column(t, "gc_ms", CLI_COL_FLOAT) ||
              cli_table_column(t, "gc_pct", CLI_COL_FLOAT) ||
              cli_table_column(t, "samples", CLI_COL_INT) ||
              cli_table_column(t, "task", CLI_COL_TEXT) ||
              cli_table_column(t, "stack", CLI_COL_TEXT);
    }
    static char st[8192];
    for (size_t i = 0; i < b->nstretches && !bad; i++) {
        const v8a_stretch *s = &b->stretches[i];
        const char *task = v8a_profile_string(p, frame_of(p, s->task)->name);
        stack_text(st, sizeof st, p, s, human ? TEXT_FRAMES : 0);
        if (human)
            bad = cli_table_int(t, s->start_us) || cli_table_int(t, s->duration_us) ||
                  cli_table_int(t, s->gc_us) || cli_table_float(t, pct(s->gc_us, s->duration_us));
        else
            bad = cli_table_float(t, (double)s->start_us / 1000.0) ||
                  cli_table_float(t, (double)s->duration_us / 1000.0) ||
                  cli_table_float(t, (double)s->gc_us / 1000.0) ||
                  cli_table_float(t, pct(s->gc_us, s->duration_us)) || cli_table_uint(t, s->count);
        bad = bad || cli_table_text(t, task, strlen(task)) || cli_table_text(t, st, strlen(st));
    }
    if (bad) {
        cli_table_free(t);
        return NULL;
    }
    return t;
}

static void j_frame(yajl_gen g, const v8a_profile *p, uint32_t node)
{
    const v8a_frame *f = frame_of(p, node);
    const char *url = v8a_profile_string(p, f->url);
    yajl_gen_map_open(g);
    fl_jstr(g, "function", v8a_profile_string(p, f->name));
    fl_jstr(g, "url", url[0] ? url : NULL);
    fl_jpos(g, "line", f->line);
    fl_jpos(g, "column", f->column);
    yajl_gen_map_close(g);
}

static int write_json(FILE *f, const v8a_blocking *b)
{
    const v8a_profile *p = b->profile;
    yajl_gen g = fl_json_open(f);
    if (!g) return -1;
    yajl_gen_array_open(g);
    for (size_t i = 0; i < b->nstretches; i++) {
        const v8a_stretch *s = &b->stretches[i];
        yajl_gen_map_open(g);
        fl_jms(g, "start_ms", (double)s->start_us);
        fl_jms(g, "duration_ms", (double)s->duration_us);
        fl_jms(g, "gc_ms", (double)s->gc_us);
        fl_jnum(g, "gc_pct", pct(s->gc_us, s->duration_us));
        fl_jint(g, "samples", (long long)s->count);
        fl_jkey(g, "task");
        j_frame(g, p, s->task);
        fl_jms(g, "heaviest_ms", (double)s->heaviest_us);
        fl_jpos(g, "hot_line", s->hot_line);
        fl_jkey(g, "stack");
        yajl_gen_array_open(g);
        for (uint32_t v = s->heaviest; v != V8A_PROFILE_NONE && v != 0; v = p->nodes[v].parent)
            j_frame(g, p, v);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_free(g);
    fputc('\n', f);
    return ferror(f) ? -1 : 0;
}

static int write_report(FILE *f, const char *path, const v8a_blocking *b, cli_format fmt,
                        const cli_gates *gates)
{
    if (fmt == CLI_JSON) return write_json(f, b);
    int human = fmt != CLI_CSV, md = fmt == CLI_MARKDOWN;
    cli_table *t = make_table(b, human);
    if (!t) return -1;
    if (human) {
        char th[32], bl[32], bu[32];
        cli_human_time(th, sizeof th, b->threshold_us);
        cli_human_time(bl, sizeof bl, b->blocked_us);
        cli_human_time(bu, sizeof bu, b->busy_us);
        if (md) {
            fputs("## flame blocking ", f);
            cli_md_code(f, path);
            fputs("\n\n", f);
        } else {
            fprintf(f, "%s: ", path);
        }
        fprintf(f, "%zu stretch%s longer than %s; blocked %s of %s busy (%.1f%%)\n", b->nstretches,
                b->nstretches == 1 ? "" : "es", th, bl, bu, pct(b->blocked_us, b->busy_us));
        if (b->nstretches) fputc('\n', f);
    }
    int rc = b->nstretches || !human ? cli_table_write(t, f, fmt, 0) : 0;
    cli_table_free(t);
    if (rc < 0 || !human) return rc;
    cli_gates_write(f, gates, md);
    return ferror(f) ? -1 : 0;
}

/* Parses one gate and checks what it names. Usage error: CLI_TROUBLE. */
static int parse_gate(const char *expr, cli_gates *gates)
{
    cli_gate *gt = cli_gates_add(gates, expr);
    if (!gt) return CLI_TROUBLE;
    const v8a_gate *g = gt->g;
    int is_count = strcmp(g->subject, "count") == 0;
    if (!is_count && strcmp(g->subject, "max") != 0 && strcmp(g->subject, "total") != 0)
        return cli_usage_error("--fail-on '%s': column 1: unknown measure '%s' (max, total, count)",
                               expr, g->subject);
    if (g->target)
        return cli_usage_error("--fail-on '%s': column %zu: %s takes no name", expr, g->target_col,
                               g->subject);
    if (g->field)
        return cli_usage_error("--fail-on '%s': column %zu: %s has no fields", expr, g->field_col,
                               g->subject);
    if (g->change)
        return cli_usage_error("--fail-on '%s': one profile has no change to compare: write "
                               "%s>%s without a sign or %%",
                               expr, g->subject, is_count ? "3" : "100ms");
    if (is_count && g->unit != V8A_UNIT_COUNT)
        return cli_usage_error("--fail-on '%s': count is a number of stretches", expr);
    if (!is_count && g->unit != V8A_UNIT_TIME)
        return cli_usage_error("--fail-on '%s': %s is a time: write %s>100ms", expr, g->subject,
                               g->subject);
    return 0;
}

int cmd_blocking(int argc, char **argv)
{
    const char *output = NULL, *thread = NULL, *arg;
    cli_format fmt = CLI_TEXT;
    int64_t threshold = 50000;
    cli_gates gates = {0};
    v8a_profile *p = NULL;
    v8a_blocking *b = NULL;
    int c, rc = CLI_TROUBLE;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        switch (c) {
        case 'f':
            if (cli_format_option(arg, &fmt)) goto done;
            break;
        case 'o': output = arg; break;
        case OPT_THREAD: thread = arg; break;
        case OPT_THRESHOLD:
            if (fl_parse_time(arg, &threshold) < 0) {
                cli_usage_error("--threshold: '%s' is not a time such as 50ms, 1s or 500us", arg);
                goto done;
            }
            break;
        case OPT_FAIL_ON:
            if (parse_gate(arg, &gates)) goto done;
            break;
        case 'h':
            cli_print_help(stdout, usage, description, options);
            rc = CLI_OK;
            goto done;
        default: goto done;
        }
    }
    int i = fl_operands(argc, argv, 1, 1, "PROFILE");
    if (i < 0) goto done;
    if (fl_open(argv[i], thread, &p) != 0) goto done;
    if (v8a_blocking_new(&b, p, threshold) < 0) {
        rc = cli_error("%s: %s", argv[i], v8a_error_last()->message);
        goto done;
    }
    for (size_t k = 0; k < gates.n; k++) {
        const v8a_gate *g = gates.v[k].g;
        double v = strcmp(g->subject, "count") == 0 ? (double)b->nstretches
                   : strcmp(g->subject, "total") == 0
                       ? (double)b->blocked_us
                       : (double)(b->nstretches ? b->stretches[0].duration_us : 0);
        cli_gate_judge(&gates, &gates.v[k], 0, v);
    }
    cli_out out;
    if (cli_out_open(&out, output)) goto done;
    if (write_report(out.f, argv[i], b, fmt, &gates) < 0) {
        cli_out_abort(&out);
        rc = cli_error("%s: write error", output ? output : "standard output");
        goto done;
    }
    if (cli_out_commit(&out)) goto done;
    cli_gates_report(&gates);
    rc = gates.tripped ? CLI_FINDING : CLI_OK;
done:
    cli_gates_free(&gates);
    v8a_blocking_free(b);
    v8a_profile_free(p);
    return rc;
}
