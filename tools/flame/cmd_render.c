/* cmd_render.c - flame render: a flame graph, icicle or flame chart of a
 * profile as interactive SVG, static SVG, PNG or PDF.
 *
 * The library lays the profile out and draws it into our stream; the file
 * itself is written through cli_out (temporary file + rename), so a failed
 * run leaves nothing behind. The format comes from --format, else from the
 * extension of -o, else SVG.
 */
#include "flame.h"

#include <snapshot.h>

#include <cli.h>
#include <errno.h>
#include <output.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <v8a/v8a.h>

enum {
    OPT_OUTPUT = 'o',
    OPT_MODE = 'm',
    OPT_FORMAT = 'f',
    OPT_WEIGHT = 'w',
    OPT_SORT = 's',
    OPT_HELP = 'h',
    OPT_MIN_WIDTH = 256,
    OPT_MAX_DEPTH,
    OPT_HIDE_IDLE,
    OPT_SHOW_IDLE,
    OPT_FOCUS,
    OPT_EXCLUDE,
    OPT_TITLE,
    OPT_WIDTH,
    OPT_PALETTE,
    OPT_TRUNCATE,
    OPT_STATIC,
    OPT_ROW_HEIGHT,
    OPT_FONT_SIZE,
    OPT_THREAD,
    OPT_ALLOCATIONS,
    OPT_ANNOTATE,
    OPT_INCLUDE,
    OPT_HIDE,
    OPT_RECURSION,
    OPT_RECURSION_ALL,
    OPT_THEME,
};

static const cli_option options[] = {
    {"output", OPT_OUTPUT, "FILE", "write to FILE (default: standard output)"},
    {"format", OPT_FORMAT, "FMT", "svg, png or pdf (default: from FILE's extension, else svg)"},
    {"mode", OPT_MODE, "MODE", "graph (default), icicle or chart (time order)"},
    {"weight", OPT_WEIGHT, "W", "time (default), samples or hitcount; heap profiles: bytes"},
    {"sort", OPT_SORT, "KEY", "siblings by name (default) or weight (heaviest first)"},
    {"min-width", OPT_MIN_WIDTH, "PX|PCT%",
     "drop frames narrower than PX pixels (default 0.1) or PCT%"},
    {"minwidth", OPT_MIN_WIDTH, "PX|PCT%", "the same (flamegraph.pl's spelling)"},
    {"max-depth", OPT_MAX_DEPTH, "N", "draw at most N rows"},
    {"hide-idle", OPT_HIDE_IDLE, NULL, "leave (idle) out (default in graph and icicle)"},
    {"show-idle", OPT_SHOW_IDLE, NULL, "draw (idle) (default in chart)"},
    {"include", OPT_INCLUDE, "REGEX",
     "only samples whose stack has a frame whose name or url matches"},
    {"exclude", OPT_EXCLUDE, "REGEX", "leave out samples whose stack has a matching frame"},
    {"focus", OPT_FOCUS, "REGEX",
     "re-root: stacks start at their first matching frame; others are dropped"},
    {"hide", OPT_HIDE, "REGEX", "remove matching frames; their time goes to the caller"},
    {"collapse-recursion", OPT_RECURSION, NULL, "draw a function calling itself directly once"},
    {"collapse-all-recursion", OPT_RECURSION_ALL, NULL,
     "drop any frame already on the stack (indirect recursion too)"},
    {"theme", OPT_THEME, "T", "light (default) or dark"},
    {"title", OPT_TITLE, "TEXT", "the heading (default: Flame Graph, Icicle Graph, Flame Chart)"},
    {"width", OPT_WIDTH, "PX", "image width in pixels (default 1200)"},
    {"palette", OPT_PALETTE, "P", "category (default), hot or package"},
    {"truncate", OPT_TRUNCATE, "SIDE", "cut long labels on the right (default) or left"},
    {"static", OPT_STATIC, NULL, "SVG without JavaScript"},
    {"row-height", OPT_ROW_HEIGHT, "PX", "height of a row (default 16)"},
    {"font-size", OPT_FONT_SIZE, "PX", "label size (default 12)"},
    {"thread", OPT_THREAD, "T", "Chrome traces: PID:TID or thread name (default: the busiest)"},
    {"annotate", OPT_ANNOTATE, NULL,
     "chart mode: mark what flame insights finds (plateaus, stalls, GC...) on the timeline"},
    {"allocations", OPT_ALLOCATIONS, NULL,
     "heap snapshots: allocation stacks by live bytes (needs allocation tracking)"},
    {"help", OPT_HELP, NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "Usage: flame render [OPTIONS] PROFILE [-o OUT.svg|OUT.png|OUT.pdf]\n";
static const char description[] =
    "Draws a flame graph (stacks merged, root at the bottom), an icicle (root at\n"
    "the top) or a flame chart (time on the x axis, as in DevTools) of a CPU\n"
    "profile, Chrome trace, heap profile or folded stacks (optionally gzipped,\n"
    "or a database from 'flame import'). The SVG is interactive: hover for\n"
    "details, click to zoom, Ctrl-F or Search for a regular expression; --static\n"
    "leaves the script out. PNG and PDF are drawn by Cairo from the same layout.\n"
    "Filters apply in the order --include, --exclude, --focus, --hide, recursion.\n";

/* Looks s up in a NULL-terminated list; returns its index or -1. */
static int pick(const char *s, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

static int parse_uint(const char *opt, const char *s, unsigned long lo, unsigned long hi,
                      uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi)
        return cli_usage_error("%s: '%s' is not a number from %lu to %lu", opt, s, lo, hi);
    *out = (uint32_t)v;
    return 0;
}

static int parse_min_width(const char *s, v8a_flame_options *o)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    int pct = end != s && *end == '%' && end[1] == '\0';
    if (errno || end == s || (*end && !pct) || !(v >= 0) || v > (pct ? 100 : 100000))
        return cli_usage_error("--min-width: '%s' is not a width in pixels or a percentage", s);
    if (pct) {
        o->min_width_percent = v;
    } else {
        o->min_width = v;
        o->min_width_percent = 0;
    }
    return 0;
}

#define MAX_MARKS      64
#define MARKS_PER_FIND 20

/* flame insights' plateaus and stalls as marks on the chart: each one's time
 * ranges, labelled with its kind, function and time. The labels live in the
 * same allocation, after the marks. CLI_TROUBLE after printing the error. */
static int annotations(const v8a_profile *p, v8a_flame_mark **out, size_t *n)
{
    v8a_insights *in = NULL;
    if (v8a_insights_new(&in, p, NULL) < 0) return cli_fail();
    size_t k = 0;
    char(*labels)[96] = NULL;
    v8a_flame_mark *m = malloc(MAX_MARKS * (sizeof *m + sizeof *labels));
    if (!m) {
        v8a_insights_free(in);
        return cli_error("out of memory");
    }
    labels = (char(*)[96])(m + MAX_MARKS);
    for (size_t f = 0; f < in->nitems && k < MAX_MARKS; f++) {
        const v8a_insight *it = &in->items[f];
        /* what blocked the loop; GC and bursts are too many to mark */
        if (it->kind != V8A_INSIGHT_PLATEAU && it->kind != V8A_INSIGHT_STALL) continue;
        for (size_t r = 0; r < it->nranges && r < MARKS_PER_FIND && k < MAX_MARKS; r++) {
            char t[32];
            cli_human_time(t, sizeof t, it->ranges[r].duration_us);
            const char *fn = it->frame != V8A_PROFILE_NONE && it->frame < p->nframes
                                 ? v8a_profile_string(p, p->frames[it->frame].name)
                                 : "";
            snprintf(labels[k], sizeof labels[k], "%s%s%.60s %s", v8a_insight_kind_name(it->kind),
                     *fn ? ": " : "", fn, t);
            m[k].start_us = it->ranges[r].start_us;
            m[k].duration_us = it->ranges[r].duration_us;
            m[k].label = labels[k];
            k++;
        }
    }
    v8a_insights_free(in);
    *out = m;
    *n = k;
    return 0;
}

/* A heap snapshot (raw or database) as a heap profile: its dominator tree,
 * or its allocation stacks. CLI_TROUBLE after printing the error. */
static int heap_profile(const char *path, int allocations, v8a_profile **out)
{
    v8a_store *s = NULL;
    v8a_heap *h = NULL;
    v8a_analysis *a = NULL;
    int rc = cli_snapshot_open(path, 0, CLI_SNAP_KEEP, &s);
    if (rc == 0) rc = cli_snapshot_load(s, &h, allocations ? NULL : &a);
    if (rc == 0)
        rc = allocations ? v8a_profile_from_allocations(out, h) : v8a_profile_from_heap(out, h, a);
    v8a_analysis_free(a);
    v8a_heap_free(h);
    v8a_store_close(s);
    return rc < 0 ? cli_fail() : 0;
}

int cmd_render(int argc, char **argv)
{
    static const char *const modes[] = {"graph", "icicle", "chart", NULL};
    static const char *const formats[] = {"svg", "png", "pdf", NULL};
    static const char *const weights[] = {"time", "samples", "hitcount", NULL};
    static const char *const sorts[] = {"name", "weight", NULL};
    static const char *const palettes[] = {"category", "hot", "package", NULL};
    static const char *const sides[] = {"right", "left", NULL};
    static const char *const themes[] = {"light", "dark", NULL};
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    const char *out_path = NULL, *thread = NULL, *arg;
    int fmt = -1, c, k, mode_given = 0, allocations = 0, annotate = 0;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        switch (c) {
        case OPT_HELP: cli_print_help(stdout, usage, description, options); return CLI_OK;
        case OPT_OUTPUT: out_path = arg; break;
        case OPT_FORMAT:
            if ((fmt = pick(arg, formats)) < 0)
                return cli_usage_error("--format: '%s' is not svg, png or pdf", arg);
            break;
        case OPT_MODE:
            if ((k = pick(arg, modes)) < 0)
                return cli_usage_error("--mode: '%s' is not graph, icicle or chart", arg);
            o.mode = (v8a_flame_mode)k;
            mode_given = 1;
            break;
        case OPT_WEIGHT:
            if ((k = pick(arg, weights)) < 0)
                return cli_usage_error("--weight: '%s' is not time, samples or hitcount", arg);
            o.weight = (v8a_weight)k;
            break;
        case OPT_SORT:
            if ((k = pick(arg, sorts)) < 0)
                return cli_usage_error("--sort: '%s' is not name or weight", arg);
            o.sort = (v8a_flame_sort)k;
            break;
        case OPT_PALETTE:
            if ((k = pick(arg, palettes)) < 0)
                return cli_usage_error("--palette: '%s' is not category, hot or package", arg);
            o.palette = (v8a_flame_palette)k;
            break;
        case OPT_TRUNCATE:
            if ((k = pick(arg, sides)) < 0)
                return cli_usage_error("--truncate: '%s' is not right or left", arg);
            o.truncate = (v8a_flame_truncate)k;
            break;
        case OPT_MIN_WIDTH:
            if (parse_min_width(arg, &o)) return CLI_TROUBLE;
            break;
        case OPT_MAX_DEPTH:
            if (parse_uint("--max-depth", arg, 1, 1000000, &o.max_depth)) return CLI_TROUBLE;
            break;
        case OPT_WIDTH:
            if (parse_uint("--width", arg, 100, 30000, &o.width)) return CLI_TROUBLE;
            break;
        case OPT_ROW_HEIGHT:
            if (parse_uint("--row-height", arg, 4, 200, &o.row_height)) return CLI_TROUBLE;
            break;
        case OPT_FONT_SIZE:
            if (parse_uint("--font-size", arg, 4, 100, &o.font_size)) return CLI_TROUBLE;
            break;
        case OPT_HIDE_IDLE: o.idle = V8A_FLAME_IDLE_HIDE; break;
        case OPT_SHOW_IDLE: o.idle = V8A_FLAME_IDLE_SHOW; break;
        case OPT_FOCUS: o.focus = arg; break;
        case OPT_INCLUDE: o.include = arg; break;
        case OPT_HIDE: o.hide = arg; break;
        case OPT_RECURSION: o.recursion = V8A_RECURSION_DIRECT; break;
        case OPT_RECURSION_ALL: o.recursion = V8A_RECURSION_ALL; break;
        case OPT_THEME:
            if ((k = pick(arg, themes)) < 0)
                return cli_usage_error("--theme: '%s' is not light or dark", arg);
            o.theme = (v8a_flame_theme)k;
            break;
        case OPT_EXCLUDE: o.exclude = arg; break;
        case OPT_TITLE: o.title = arg; break;
        case OPT_STATIC: o.static_svg = 1; break;
        case OPT_THREAD: thread = arg; break;
        case OPT_ALLOCATIONS: allocations = 1; break;
        case OPT_ANNOTATE: annotate = 1; break;
        default: return CLI_TROUBLE;
        }
    }
    int i = fl_operands(argc, argv, 1, 1, "PROFILE");
    if (i < 0) return CLI_TROUBLE;
    v8a_flame_format f = V8A_FLAME_SVG;
    if (fmt >= 0)
        f = (v8a_flame_format)fmt;
    else if (out_path && strcmp(out_path, "-") != 0 && fl_image_format(out_path, &f) < 0)
        return cli_usage_error("%s: cannot tell the format from the name (use --format)", out_path);
    if (o.static_svg && f != V8A_FLAME_SVG) return cli_usage_error("--static applies to SVG only");

    v8a_profile *p = NULL;
    v8a_flame_layout *l = NULL;
    v8a_flame_mark *marks = NULL;
    size_t nmarks = 0;
    cli_out out;
    int rc = CLI_OK;
    int kind = v8a_input_kind(argv[i]);
    if (kind < 0) return cli_fail();
    if (kind == V8A_INPUT_HEAP_SNAPSHOT || kind == V8A_INPUT_HEAP_DB) {
        if (!mode_given) o.mode = V8A_FLAME_ICICLE;
        if (o.mode == V8A_FLAME_CHART)
            return cli_usage_error("--mode chart: a heap snapshot has no timeline");
        if (!o.title)
            o.title = allocations ? "Allocations: live bytes by allocation stack"
                                  : "Memory: the dominator tree by retained size";
        if (heap_profile(argv[i], allocations, &p)) return CLI_TROUBLE;
    } else {
        if (allocations) return cli_usage_error("--allocations applies to heap snapshots");
        if (annotate && o.mode != V8A_FLAME_CHART)
            return cli_usage_error("--annotate marks time: use it with --mode chart");
        if (fl_open(argv[i], thread, &p)) return CLI_TROUBLE;
    }
    if (annotate && p->kind == V8A_PROFILE_CPU && annotations(p, &marks, &nmarks)) {
        rc = CLI_TROUBLE;
        goto done;
    }
    o.marks = marks;
    o.nmarks = nmarks;
    o.progress = cli_progress;
    rc = v8a_flame_layout_new(&l, p, &o);
    cli_progress_done();
    if (rc < 0) {
        const v8a_error *e = v8a_error_last();
        rc = cli_error("%s: %s", argv[i], e ? e->message : "unknown error");
        goto done;
    }
    if ((rc = cli_out_open(&out, out_path)) != 0) goto done;
    if (v8a_flame_render_file(l, f, out.f) < 0) {
        const v8a_error *e = v8a_error_last();
        rc = cli_error("%s: %s", out_path && strcmp(out_path, "-") ? out_path : "standard output",
                       e ? e->message : "unknown error");
        cli_out_abort(&out);
        goto done;
    }
    rc = cli_out_commit(&out);
done:
    v8a_flame_layout_free(l);
    v8a_profile_free(p);
    free(marks);
    v8a_flame_global_cleanup(); /* the process ends here: let leak checkers see clean books */
    return rc;
}
