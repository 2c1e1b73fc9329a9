/* cmd_insights.c - flame insights: an automatic reading of a CPU profile.
 *
 * The findings of v8a_insights_new (wide plateaus, deep stacks, repeated
 * short calls, GC pressure, functions V8 will not optimise, the longest
 * stall), highest time at stake first, each with its evidence, the stack
 * and a one-line suggestion; a summary line with the idle and GC shares and
 * the longest stall. JSON (schema_version 1, docs/flame-insights.1) keeps
 * every number and the time ranges of the evidence, for CI artifacts.
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

enum {
    OPT_THREAD = 256,
    OPT_TOP,
    OPT_PLATEAU,
    OPT_DEEP,
    OPT_BURSTS,
    OPT_BURST_MAX,
    OPT_GC_SHARE,
    OPT_STALL,
    OPT_MIN_SHARE
};

static const cli_option options[] = {
    {"top", OPT_TOP, "N", "show the N findings at stake most (default 10; 0: all)"},
    {"plateau", OPT_PLATEAU, "TIME",
     "a plateau is one stack on top for TIME or more (default 50ms)"},
    {"deep-depth", OPT_DEEP, "N", "a stack of N frames or more is deep (default 64)"},
    {"min-bursts", OPT_BURSTS, "N", "a repeated pattern recurs in N bursts or more (default 20)"},
    {"burst-max", OPT_BURST_MAX, "TIME", "... of at most TIME each on average (default 2ms)"},
    {"gc-share", OPT_GC_SHARE, "PCT", "report GC from PCT% of busy time (default 10%)"},
    {"stall", OPT_STALL, "TIME", "stretches longer than TIME are stalls (default 50ms)"},
    {"min-share", OPT_MIN_SHARE, "PCT",
     "drop findings with less than PCT% of busy time at stake (default 1%)"},
    {"format", 'f', "FMT", "text (default), json, csv or markdown"},
    {"output", 'o', "FILE", "write the report to FILE instead of standard output"},
    {"thread", OPT_THREAD, "T", "Chrome traces: the thread, as PID:TID or a thread name"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "Usage: flame insights [OPTIONS] PROFILE|DB\n";
static const char description[] =
    "Reads a CPU profile and reports what stands out, highest time at stake\n"
    "first: wide plateaus (one stack on top for long: a synchronous operation\n"
    "blocking the event loop), deep narrow stacks (recursion), short stacks\n"
    "recurring in many bursts (a loop of small calls), GC pressure (with the\n"
    "functions running before GC), functions V8 will not optimise (deoptReason)\n"
    "and the longest event-loop stall. Each finding has its evidence, its stack\n"
    "and a suggestion. See flame-insights(1).\n\n"
    "Exit status: 0 read, 2 trouble.";

#define STACK_FRAMES 6

static const char *kind_title(v8a_insight_kind k)
{
    switch (k) {
    case V8A_INSIGHT_PLATEAU: return "wide plateau";
    case V8A_INSIGHT_DEEP: return "deep narrow stacks";
    case V8A_INSIGHT_REPEATED: return "repeated pattern";
    case V8A_INSIGHT_GC: return "GC pressure";
    case V8A_INSIGHT_DEOPT: return "not optimised";
    case V8A_INSIGHT_STALL: return "event-loop stall";
    }
    return "?";
}

static double pct(int64_t part, int64_t whole)
{
    return whole > 0 ? (double)part * 100.0 / (double)whole : 0.0;
}

static const char *ht(char *buf, size_t cap, int64_t us)
{
    cli_human_time(buf, cap, us);
    return buf;
}

/* "name (file:line)": the hot line for the evidence's top node, else the
 * frame's own position. */
static void node_label(char *buf, size_t cap, const v8a_profile *p, uint32_t node, int32_t hot)
{
    const v8a_frame *f = &p->frames[p->nodes[node].frame];
    fl_frame_label(buf, cap, v8a_profile_string(p, f->name), v8a_profile_string(p, f->url),
                   hot ? hot : f->line, hot ? 0 : f->column);
}

static void stack_text(char *buf, size_t cap, const v8a_profile *p, const v8a_insight *it,
                       int limit)
{
    size_t n = 0;
    buf[0] = '\0';
    int k = 0;
    for (uint32_t v = it->node; v != V8A_PROFILE_NONE && v != 0; v = p->nodes[v].parent, k++) {
        if (limit && k == limit) {
            snprintf(buf + n, cap - n, " < ...");
            return;
        }
        char lab[1200];
        node_label(lab, sizeof lab, p, v, k == 0 ? it->line : 0);
        int w = snprintf(buf + n, cap - n, "%s%s", k ? " < " : "", lab);
        if (w < 0 || (size_t)w >= cap - n) return;
        n += (size_t)w;
    }
}

/* The evidence in one sentence. */
static void evidence_text(char *buf, size_t cap, const v8a_insights *in, const v8a_insight *it)
{
    const v8a_profile *p = in->profile;
    char a[32], b[32], c[32], d[32];
    int64_t start = it->nranges ? it->ranges[0].start_us : 0;
    switch (it->kind) {
    case V8A_INSIGHT_PLATEAU:
        snprintf(buf, cap, "on top of the stack for %s from %s (%s of it in GC), %lld samples",
                 ht(a, sizeof a, it->time_us), ht(b, sizeof b, start), ht(c, sizeof c, it->gc_us),
                 (long long)it->count);
        break;
    case V8A_INSIGHT_DEEP:
        snprintf(buf, cap,
                 "%s in %lld samples with stacks of %u frames or more (deepest %u, mean %.0f); "
                 "%s per frame",
                 ht(a, sizeof a, it->time_us), (long long)it->count, in->opt.deep_depth, it->depth,
                 it->mean_depth,
                 ht(b, sizeof b,
                    it->mean_depth > 0 ? (int64_t)((double)it->time_us / it->mean_depth) : 0));
        break;
    case V8A_INSIGHT_REPEATED:
        snprintf(buf, cap, "%lld separate bursts of %s on average, %s in all", (long long)it->count,
                 ht(a, sizeof a, it->count ? it->time_us / it->count : 0),
                 ht(b, sizeof b, it->time_us));
        break;
    case V8A_INSIGHT_GC: {
        size_t n = (size_t)snprintf(buf, cap,
                                    "%s in GC: %.1f%% of busy time, %.1f%% inside the %zu "
                                    "stretch%s longer than %s",
                                    ht(a, sizeof a, it->time_us), pct(it->time_us, in->busy_us),
                                    pct(in->blocked_gc_us, in->blocked_us), in->nstretches,
                                    in->nstretches == 1 ? "" : "es",
                                    ht(b, sizeof b, in->opt.stall_min_us));
        for (size_t k = 0; k < it->nculprits && n < cap; k++) {
            const v8a_frame *f = &p->frames[p->nodes[it->culprits[k].node].frame];
            int w = snprintf(buf + n, cap - n, "%s%s (%s)",
                             k ? ", " : "; running before GC: ", v8a_profile_string(p, f->name),
                             ht(a, sizeof a, it->culprits[k].gc_us));
            if (w < 0) break;
            n += (size_t)w;
        }
        break;
    }
    case V8A_INSIGHT_DEOPT:
        snprintf(buf, cap, "V8: \"%s\"; %s of self time in %lld samples",
                 v8a_profile_string(p, it->reason), ht(a, sizeof a, it->time_us),
                 (long long)it->count);
        break;
    case V8A_INSIGHT_STALL:
        snprintf(buf, cap,
                 "the event loop was blocked for %s from %s (%s of it in GC); %s of it is "
                 "explained by no other finding",
                 ht(a, sizeof a, it->time_us), ht(b, sizeof b, start), ht(c, sizeof c, it->gc_us),
                 ht(d, sizeof d, it->score_us));
        break;
    }
}

static void summary_text(char *buf, size_t cap, const v8a_insights *in)
{
    char a[32], b[32], c[32];
    size_t n =
        (size_t)snprintf(buf, cap, "%s sampled, %s busy; idle %.1f%%; GC %.1f%% of busy time",
                         ht(a, sizeof a, in->time_us), ht(b, sizeof b, in->busy_us),
                         pct(in->idle_us, in->time_us), pct(in->gc_us, in->busy_us));
    if (n >= cap) return;
    if (in->has_longest) {
        const v8a_profile *p = in->profile;
        snprintf(buf + n, cap - n, "; longest stall %s from %s (task %s)",
                 ht(a, sizeof a, in->longest.duration_us), ht(c, sizeof c, in->longest.start_us),
                 v8a_profile_string(p, p->frames[p->nodes[in->longest.task].frame].name));
    }
}

static const char *fname(const v8a_profile *p, const v8a_insight *it)
{
    return it->frame == V8A_PROFILE_NONE ? "(garbage collector)"
                                         : v8a_profile_string(p, p->frames[it->frame].name);
}

static char big[16384];

static int write_text(FILE *f, const char *path, const v8a_insights *in, size_t shown, int md)
{
    const v8a_profile *p = in->profile;
    summary_text(big, sizeof big, in);
    if (md) {
        fputs("## flame insights ", f);
        cli_md_code(f, path);
        fprintf(f, "\n\n%s.\n\n", big);
    } else {
        fprintf(f, "%s: %s\n", path, big);
    }
    fprintf(f, "%zu finding%s, highest time at stake first%s\n", in->nitems,
            in->nitems == 1 ? "" : "s",
            shown < in->nitems ? " (the first shown; --top 0 for all)" : "");
    for (size_t i = 0; i < shown; i++) {
        const v8a_insight *it = &in->items[i];
        char t[32], lab[1400];
        ht(t, sizeof t, it->score_us);
        if (it->node != V8A_PROFILE_NONE)
            node_label(lab, sizeof lab, p, it->node, it->line);
        else
            snprintf(lab, sizeof lab, "%s", fname(p, it));
        if (md) {
            fprintf(f, "\n### %zu. %s: ", i + 1, kind_title(it->kind));
            cli_md_code(f, fname(p, it));
            fprintf(f, ", %s at stake (%.1f%% of busy time)\n\n- where: ", t, it->share_pct);
            cli_md_code(f, lab);
            evidence_text(big, sizeof big, in, it);
            fputs("\n- evidence: ", f);
            cli_md_code(f, big);
            if (it->node != V8A_PROFILE_NONE) {
                stack_text(big, sizeof big, p, it, STACK_FRAMES);
                fputs("\n- stack: ", f);
                cli_md_code(f, big);
            }
            fprintf(f, "\n- suggestion: %s\n", it->suggestion);
        } else {
            fprintf(f, "\n%zu. %s  %s at stake (%.1f%% of busy time)\n   %s\n", i + 1,
                    kind_title(it->kind), t, it->share_pct, lab);
            evidence_text(big, sizeof big, in, it);
            fprintf(f, "   %s\n", big);
            if (it->node != V8A_PROFILE_NONE) {
                stack_text(big, sizeof big, p, it, STACK_FRAMES);
                fprintf(f, "   stack: %s\n", big);
            }
            fprintf(f, "   suggestion: %s\n", it->suggestion);
        }
    }
    return ferror(f) ? -1 : 0;
}

static int write_csv(FILE *f, const v8a_insights *in, size_t shown)
{
    const v8a_profile *p = in->profile;
    cli_table *t = cli_table_new();
    if (!t) return -1;
    static const char *const cols[] = {"rank",  "kind",  "score_ms", "share_pct", "function",
                                       "url",   "line",  "column",   "hot_line",  "time_ms",
                                       "gc_ms", "count", "start_ms", "evidence",  "suggestion"};
    static const cli_col_kind kinds[] = {CLI_COL_INT,   CLI_COL_TEXT,  CLI_COL_TEXT,  CLI_COL_FLOAT,
                                         CLI_COL_TEXT,  CLI_COL_TEXT,  CLI_COL_INT,   CLI_COL_INT,
                                         CLI_COL_INT,   CLI_COL_FLOAT, CLI_COL_FLOAT, CLI_COL_INT,
                                         CLI_COL_FLOAT, CLI_COL_TEXT,  CLI_COL_TEXT};
    int bad = 0;
    for (size_t k = 0; k < sizeof cols / sizeof *cols && !bad; k++)
        bad = cli_table_column(t, cols[k], k == 2 ? CLI_COL_FLOAT : kinds[k]);
    for (size_t i = 0; i < shown && !bad; i++) {
        const v8a_insight *it = &in->items[i];
        const char *kind = v8a_insight_kind_name(it->kind), *name = fname(p, it), *url = "";
        int32_t line = 0, col = 0;
        if (it->frame != V8A_PROFILE_NONE) {
            const v8a_frame *fr = &p->frames[it->frame];
            url = v8a_profile_string(p, fr->url);
            line = fr->line;
            col = fr->column;
        }
        evidence_text(big, sizeof big, in, it);
        bad = cli_table_uint(t, i + 1) || cli_table_text(t, kind, strlen(kind)) ||
              cli_table_float(t, (double)it->score_us / 1000.0) ||
              cli_table_float(t, it->share_pct) || cli_table_text(t, name, strlen(name)) ||
              cli_table_text(t, url, strlen(url)) ||
              (line ? cli_table_int(t, line) : cli_table_null(t)) ||
              (col ? cli_table_int(t, col) : cli_table_null(t)) ||
              (it->line ? cli_table_int(t, it->line) : cli_table_null(t)) ||
              cli_table_float(t, (double)it->time_us / 1000.0) ||
              cli_table_float(t, (double)it->gc_us / 1000.0) || cli_table_int(t, it->count) ||
              cli_table_float(t, it->nranges ? (double)it->ranges[0].start_us / 1000.0 : 0) ||
              cli_table_text(t, big, strlen(big)) ||
              cli_table_text(t, it->suggestion, strlen(it->suggestion));
    }
    int rc = bad ? -1 : cli_table_write(t, f, CLI_CSV, 0);
    cli_table_free(t);
    return rc;
}

static void j_frame(yajl_gen g, const v8a_profile *p, uint32_t frame)
{
    const v8a_frame *f = &p->frames[frame];
    const char *url = v8a_profile_string(p, f->url);
    yajl_gen_map_open(g);
    fl_jstr(g, "function", v8a_profile_string(p, f->name));
    fl_jstr(g, "url", url[0] ? url : NULL);
    fl_jpos(g, "line", f->line);
    fl_jpos(g, "column", f->column);
    yajl_gen_map_close(g);
}

static void j_stack(yajl_gen g, const v8a_profile *p, uint32_t node)
{
    yajl_gen_array_open(g);
    for (uint32_t v = node; v != V8A_PROFILE_NONE && v != 0; v = p->nodes[v].parent)
        j_frame(g, p, p->nodes[v].frame);
    yajl_gen_array_close(g);
}

static void j_evidence(yajl_gen g, const v8a_insights *in, const v8a_insight *it)
{
    const v8a_profile *p = in->profile;
    fl_jkey(g, "evidence");
    yajl_gen_map_open(g);
    fl_jms(g, "time_ms", (double)it->time_us);
    switch (it->kind) {
    case V8A_INSIGHT_PLATEAU:
    case V8A_INSIGHT_STALL:
        fl_jms(g, "start_ms", (double)(it->nranges ? it->ranges[0].start_us : 0));
        fl_jms(g, "gc_ms", (double)it->gc_us);
        fl_jint(g, "samples", it->count);
        if (it->kind == V8A_INSIGHT_STALL) fl_jms(g, "unexplained_ms", (double)it->score_us);
        break;
    case V8A_INSIGHT_DEEP:
        fl_jint(g, "samples", it->count);
        fl_jint(g, "deep_depth", in->opt.deep_depth);
        fl_jint(g, "max_depth", it->depth);
        fl_jnum(g, "mean_depth", round(it->mean_depth * 10.0) / 10.0);
        break;
    case V8A_INSIGHT_REPEATED:
        fl_jint(g, "bursts", it->count);
        fl_jms(g, "mean_burst_ms", it->count ? (double)it->time_us / (double)it->count : 0);
        break;
    case V8A_INSIGHT_GC:
        fl_jint(g, "samples", it->count);
        fl_jnum(g, "busy_pct", pct(it->time_us, in->busy_us));
        fl_jnum(g, "blocked_pct", pct(in->blocked_gc_us, in->blocked_us));
        fl_jkey(g, "before_gc");
        yajl_gen_array_open(g);
        for (size_t k = 0; k < it->nculprits; k++) {
            yajl_gen_map_open(g);
            fl_jkey(g, "function");
            j_frame(g, p, p->nodes[it->culprits[k].node].frame);
            fl_jms(g, "gc_ms", (double)it->culprits[k].gc_us);
            yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        break;
    case V8A_INSIGHT_DEOPT:
        fl_jstr(g, "reason", v8a_profile_string(p, it->reason));
        fl_jint(g, "samples", it->count);
        break;
    }
    yajl_gen_map_close(g);
}

static int write_json(FILE *f, const char *path, const v8a_insights *in, size_t shown)
{
    const v8a_profile *p = in->profile;
    yajl_gen g = fl_json_open(f);
    if (!g) return -1;
    yajl_gen_map_open(g);
    fl_jint(g, "schema_version", 1);
    fl_jstr(g, "profile", path);
    fl_jkey(g, "summary");
    yajl_gen_map_open(g);
    fl_jms(g, "time_ms", (double)in->time_us);
    fl_jms(g, "busy_ms", (double)in->busy_us);
    fl_jms(g, "idle_ms", (double)in->idle_us);
    fl_jnum(g, "idle_pct", pct(in->idle_us, in->time_us));
    fl_jms(g, "gc_ms", (double)in->gc_us);
    fl_jnum(g, "gc_pct", pct(in->gc_us, in->busy_us));
    fl_jint(g, "stretches", (long long)in->nstretches);
    fl_jms(g, "blocked_ms", (double)in->blocked_us);
    fl_jnum(g, "blocked_gc_pct", pct(in->blocked_gc_us, in->blocked_us));
    fl_jkey(g, "longest_stall");
    if (in->has_longest) {
        const v8a_stretch *s = &in->longest;
        yajl_gen_map_open(g);
        fl_jms(g, "start_ms", (double)s->start_us);
        fl_jms(g, "duration_ms", (double)s->duration_us);
        fl_jms(g, "gc_ms", (double)s->gc_us);
        fl_jkey(g, "task");
        j_frame(g, p, p->nodes[s->task].frame);
        fl_jpos(g, "hot_line", s->hot_line);
        fl_jkey(g, "stack");
        j_stack(g, p, s->heaviest);
        yajl_gen_map_close(g);
    } else {
        yajl_gen_null(g);
    }
    yajl_gen_map_close(g);
    fl_jkey(g, "options");
    yajl_gen_map_open(g);
    fl_jms(g, "plateau_ms", (double)in->opt.plateau_min_us);
    fl_jint(g, "deep_depth", in->opt.deep_depth);
    fl_jint(g, "min_bursts", in->opt.min_bursts);
    fl_jms(g, "burst_max_ms", (double)in->opt.max_burst_us);
    fl_jnum(g, "gc_share_pct", in->opt.gc_min_pct);
    fl_jms(g, "stall_ms", (double)in->opt.stall_min_us);
    fl_jnum(g, "min_share_pct", in->opt.min_share_pct);
    yajl_gen_map_close(g);
    fl_jkey(g, "findings");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < shown; i++) {
        const v8a_insight *it = &in->items[i];
        yajl_gen_map_open(g);
        fl_jint(g, "rank", (long long)(i + 1));
        fl_jstr(g, "kind", v8a_insight_kind_name(it->kind));
        fl_jms(g, "score_ms", (double)it->score_us);
        fl_jnum(g, "share_pct", round(it->share_pct * 100.0) / 100.0);
        fl_jkey(g, "function");
        if (it->frame != V8A_PROFILE_NONE)
            j_frame(g, p, it->frame);
        else
            yajl_gen_null(g);
        fl_jpos(g, "hot_line", it->line);
        j_evidence(g, in, it);
        fl_jkey(g, "stack");
        j_stack(g, p, it->node);
        fl_jkey(g, "ranges");
        yajl_gen_array_open(g);
        for (size_t r = 0; r < it->nranges; r++) {
            yajl_gen_map_open(g);
            fl_jms(g, "start_ms", (double)it->ranges[r].start_us);
            fl_jms(g, "duration_ms", (double)it->ranges[r].duration_us);
            yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        fl_jstr(g, "suggestion", it->suggestion);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    yajl_gen_free(g);
    fputc('\n', f);
    return ferror(f) ? -1 : 0;
}

static int parse_pct(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0 || v > 100 || (*end && strcmp(end, "%") != 0)) return -1;
    *out = v;
    return 0;
}

int cmd_insights(int argc, char **argv)
{
    const char *output = NULL, *thread = NULL, *arg;
    cli_format fmt = CLI_TEXT;
    long top = 10, n;
    v8a_insights_options opt;
    v8a_insights_options_init(&opt);
    v8a_profile *p = NULL;
    v8a_insights *in = NULL;
    int c, rc = CLI_TROUBLE;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        switch (c) {
        case 'f':
            if (cli_format_option(arg, &fmt)) goto done;
            break;
        case 'o': output = arg; break;
        case OPT_THREAD: thread = arg; break;
        case OPT_TOP:
            if (fl_parse_count(arg, &top) < 0) {
                cli_usage_error("--top: '%s' is not a count", arg);
                goto done;
            }
            break;
        case OPT_DEEP:
        case OPT_BURSTS:
            if (fl_parse_count(arg, &n) < 0 || n < 1) {
                cli_usage_error("--%s: '%s' is not a positive count",
                                c == OPT_DEEP ? "deep-depth" : "min-bursts", arg);
                goto done;
            }
            if (c == OPT_DEEP)
                opt.deep_depth = (uint32_t)n;
            else
                opt.min_bursts = (uint32_t)n;
            break;
        case OPT_PLATEAU:
        case OPT_BURST_MAX:
        case OPT_STALL: {
            int64_t *to = c == OPT_PLATEAU ? &opt.plateau_min_us
                          : c == OPT_STALL ? &opt.stall_min_us
                                           : &opt.max_burst_us;
            if (fl_parse_time(arg, to) < 0) {
                cli_usage_error("--%s: '%s' is not a time such as 50ms, 1s or 500us",
                                c == OPT_PLATEAU ? "plateau"
                                : c == OPT_STALL ? "stall"
                                                 : "burst-max",
                                arg);
                goto done;
            }
            break;
        }
        case OPT_GC_SHARE:
        case OPT_MIN_SHARE:
            if (parse_pct(arg, c == OPT_GC_SHARE ? &opt.gc_min_pct : &opt.min_share_pct) < 0) {
                cli_usage_error("--%s: '%s' is not a percentage such as 10%%",
                                c == OPT_GC_SHARE ? "gc-share" : "min-share", arg);
                goto done;
            }
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
    if (v8a_insights_new(&in, p, &opt) < 0) {
        rc = cli_error("%s: %s", argv[i], v8a_error_last()->message);
        goto done;
    }
    size_t shown = top == 0 || (size_t)top > in->nitems ? in->nitems : (size_t)top;
    cli_out out;
    if (cli_out_open(&out, output)) goto done;
    int w = fmt == CLI_JSON  ? write_json(out.f, argv[i], in, shown)
            : fmt == CLI_CSV ? write_csv(out.f, in, shown)
                             : write_text(out.f, argv[i], in, shown, fmt == CLI_MARKDOWN);
    if (w < 0) {
        cli_out_abort(&out);
        rc = cli_error("%s: write error", output ? output : "standard output");
        goto done;
    }
    if (cli_out_commit(&out)) goto done;
    rc = CLI_OK;
done:
    v8a_insights_free(in);
    v8a_profile_free(p);
    return rc;
}
