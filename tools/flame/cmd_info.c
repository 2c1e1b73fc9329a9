/* cmd_info.c - flame info: what a profile holds and what looks wrong in it.
 *
 * One record: the layout, the thread (traces), the span under the time
 * model (docs/formats.md), counts, the shares of (idle), (program) and
 * (garbage collector) in the sampled time, and the anomalies the reader
 * noticed. Heap profiles report their sampled bytes instead of times.
 */
#include "flame.h"

#include <cli.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <table.h>
#include <v8a/v8a.h>

enum { OPT_THREAD = 256 };

static const cli_option options[] = {
    {"format", 'f', "FMT", "text (default), json, csv or markdown"},
    {"output", 'o', "FILE", "write the report to FILE instead of standard output"},
    {"thread", OPT_THREAD, "T", "Chrome traces: the thread, as PID:TID or a thread name"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "Usage: flame info [OPTIONS] PROFILE|DB\n";
static const char description[] =
    "Prints the format, duration, sample count, median interval, node and frame\n"
    "counts, maximum depth, the shares of idle, program and GC time, and the\n"
    "anomalies of a CPU profile (.cpuprofile, legacy, Chrome trace), a sampling\n"
    "heap profile (.heapprofile) or a profile database (flame import).\n";

typedef struct {
    cli_table *t;
    int ok;
    int human; /* text and Markdown: times and shares in human units */
} info;

/* Human formats drop the unit suffix the value now carries: "duration_us"
 * becomes "duration: 1.32 s", "gc_pct" becomes "gc: 4.5%". */
static void col(info *in, const char *name, cli_col_kind kind)
{
    char buf[64];
    size_t n = strlen(name);
    if (in->human && (kind == CLI_COL_TIME || kind == CLI_COL_PERCENT) && n > 4 && n < sizeof buf) {
        memcpy(buf, name, n + 1);
        buf[n - (kind == CLI_COL_TIME ? 3 : 4)] = '\0';
        name = buf;
    }
    if (cli_table_column(in->t, name, kind) < 0) in->ok = 0;
}

static void put_text(info *in, const char *v)
{
    if (cli_table_text(in->t, v, v ? strlen(v) : 0) < 0) in->ok = 0;
}

static void put_i(info *in, int64_t v)
{
    if (cli_table_int(in->t, v) < 0) in->ok = 0;
}

static void put_null(info *in)
{
    if (cli_table_null(in->t) < 0) in->ok = 0;
}

static void put_pct(info *in, int64_t part, int64_t whole)
{
    if (whole <= 0) {
        put_null(in);
        return;
    }
    double v = round((double)part * 10000.0 / (double)whole) / 100.0;
    if (cli_table_float(in->t, v) < 0) in->ok = 0;
}

static int report(info *in, const char *path, const v8a_profile *p)
{
    int cpu = p->kind == V8A_PROFILE_CPU;
    int64_t *self = calloc(p->nnodes ? p->nnodes : 1, sizeof *self);
    if (!self) return cli_error("out of memory");
    v8a_profile_self_weights(p, V8A_WEIGHT_TIME, self);
    int64_t cat[8] = {0}, bytes = 0;
    for (uint32_t i = 0; i < p->nnodes; i++) {
        uint32_t c = p->frames[p->nodes[i].frame].category;
        if (c < 8) cat[c] += self[i];
        bytes += p->nodes[i].self_bytes;
    }
    free(self);

    static const struct {
        const char *name;
        cli_col_kind kind;
    } cols[] = {
        {"file", CLI_COL_TEXT},
        {"format", CLI_COL_TEXT},
        {"kind", CLI_COL_TEXT},
        {"thread", CLI_COL_TEXT},
        {"threads", CLI_COL_INT},
        {"start_time_us", CLI_COL_TIME},
        {"end_time_us", CLI_COL_TIME},
        {"duration_us", CLI_COL_TIME},
        {"samples", CLI_COL_INT},
        {"interval_us", CLI_COL_TIME},
        {"nodes", CLI_COL_INT},
        {"frames", CLI_COL_INT},
        {"max_depth", CLI_COL_INT},
        {"idle_pct", CLI_COL_PERCENT},
        {"program_pct", CLI_COL_PERCENT},
        {"gc_pct", CLI_COL_PERCENT},
        {"sampled_bytes", CLI_COL_BYTES},
        {"negative_deltas", CLI_COL_INT},
        {"hitcount_mismatches", CLI_COL_INT},
        {"long_gaps", CLI_COL_INT},
        {"longest_gap_us", CLI_COL_TIME},
        {"orphan_samples", CLI_COL_INT},
    };
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) col(in, cols[i].name, cols[i].kind);

    put_text(in, path);
    put_text(in, v8a_profile_format_name(p->format));
    put_text(in, cpu ? "cpu" : "heap");
    if (p->format == V8A_PROFILE_FORMAT_TRACE) {
        char buf[512];
        const char *nm = v8a_profile_string(p, p->thread_name);
        snprintf(buf, sizeof buf, "%lld:%lld%s%s%s", (long long)p->pid, (long long)p->tid,
                 nm[0] ? " (" : "", nm, nm[0] ? ")" : "");
        put_text(in, buf);
    } else {
        put_null(in);
    }
    put_i(in, p->nthreads);
    if (cpu) {
        put_i(in, p->start_time_us);
        put_i(in, p->end_time_us);
        put_i(in, p->duration_us);
    } else {
        put_null(in);
        put_null(in);
        put_null(in);
    }
    put_i(in, (int64_t)p->nsamples);
    if (cpu)
        put_i(in, p->interval_us);
    else
        put_null(in);
    put_i(in, p->nnodes);
    put_i(in, p->nframes);
    put_i(in, p->max_depth);
    if (cpu) {
        put_pct(in, cat[V8A_CAT_IDLE], p->duration_us);
        put_pct(in, cat[V8A_CAT_PROGRAM], p->duration_us);
        put_pct(in, cat[V8A_CAT_GC], p->duration_us);
        put_null(in);
        put_i(in, (int64_t)p->anomalies.negative_deltas);
        put_i(in, (int64_t)p->anomalies.hitcount_mismatches);
        put_i(in, (int64_t)p->anomalies.long_gaps);
        put_i(in, p->anomalies.longest_gap_us);
        put_null(in);
    } else {
        put_null(in);
        put_null(in);
        put_null(in);
        if (cli_table_uint(in->t, (uint64_t)bytes) < 0) in->ok = 0;
        put_null(in);
        put_i(in, (int64_t)p->anomalies.hitcount_mismatches);
        put_null(in);
        put_null(in);
        put_i(in, (int64_t)p->orphan_samples);
    }
    return 0;
}

int cmd_info(int argc, char **argv)
{
    const char *output = NULL, *thread = NULL, *arg;
    cli_format fmt = CLI_TEXT;
    int c;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        switch (c) {
        case 'f':
            if (cli_format_option(arg, &fmt)) return CLI_TROUBLE;
            break;
        case 'o': output = arg; break;
        case OPT_THREAD: thread = arg; break;
        case 'h': cli_print_help(stdout, usage, description, options); return CLI_OK;
        default: return CLI_TROUBLE;
        }
    }
    int i = fl_operands(argc, argv, 1, 1, "PROFILE");
    if (i < 0) return CLI_TROUBLE;
    v8a_profile *p = NULL;
    if (fl_open(argv[i], thread, &p) != 0) return CLI_TROUBLE;
    info in = {cli_table_new(), 1, fmt == CLI_TEXT || fmt == CLI_MARKDOWN};
    int rc = in.t ? report(&in, argv[i], p) : cli_error("out of memory");
    v8a_profile_free(p);
    if (rc == 0 && !in.ok) rc = cli_error("out of memory");
    if (rc == 0) rc = cli_table_emit(in.t, output, fmt, 1);
    cli_table_free(in.t);
    return rc;
}
