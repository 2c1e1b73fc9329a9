/* cli.c - option parsing, help, error messages and the progress meter.
 *
 * The getopt_long tables are built from cli_option arrays on each call; no
 * tool has more than a few dozen options, so this costs nothing.
 */
#include "cli.h"

#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <v8a/v8a.h>

static char tool_name[128] = "v8a";
static char base_name[64] = "v8a";

void cli_set_name(const char *tool, const char *command)
{
    snprintf(base_name, sizeof base_name, "%s", tool);
    if (command)
        snprintf(tool_name, sizeof tool_name, "%s %s", tool, command);
    else
        snprintf(tool_name, sizeof tool_name, "%s", tool);
}

const char *cli_tool(void)
{
    return tool_name;
}

int cli_next_option(int argc, char **argv, const cli_option *opts, const char **arg)
{
    struct option longs[64];
    char shorts[160];
    size_t n = 0, s = 0;
    shorts[s++] = ':'; /* report a missing argument as ':' */
    for (; opts[n].name && n < 63; n++) {
        longs[n].name = opts[n].name;
        longs[n].has_arg = opts[n].arg ? required_argument : no_argument;
        longs[n].flag = NULL;
        longs[n].val = opts[n].key;
        if (opts[n].key > 0 && opts[n].key < 256 && s + 3 < sizeof shorts) {
            shorts[s++] = (char)opts[n].key;
            if (opts[n].arg) shorts[s++] = ':';
        }
    }
    memset(&longs[n], 0, sizeof longs[n]);
    shorts[s] = '\0';
    opterr = 0;
    int c = getopt_long(argc, argv, shorts, longs, NULL);
    *arg = optarg;
    if (c == '?') {
        if (optopt && optopt < 256)
            cli_usage_error("unknown option '-%c'", optopt);
        else
            cli_usage_error("unknown option '%s'", argv[optind - 1]);
        return -2;
    }
    if (c == ':') {
        cli_usage_error("option '%s' needs an argument", argv[optind - 1]);
        return -2;
    }
    return c;
}

int cli_operand_index(void)
{
    return optind;
}

void cli_print_help(FILE *f, const char *usage, const char *description, const cli_option *opts)
{
    fprintf(f, "%s", usage);
    if (description) fprintf(f, "\n%s", description);
    if (!opts || !opts[0].name) return;
    fprintf(f, "\nOptions:\n");
    for (size_t i = 0; opts[i].name; i++) {
        char left[80];
        int k = opts[i].key;
        if (k > 0 && k < 256)
            snprintf(left, sizeof left, "-%c, --%s%s%s", k, opts[i].name, opts[i].arg ? " " : "",
                     opts[i].arg ? opts[i].arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", opts[i].name, opts[i].arg ? " " : "",
                     opts[i].arg ? opts[i].arg : "");
        if (strlen(left) > 26)
            fprintf(f, "  %s\n  %-26s  %s\n", left, "", opts[i].help);
        else
            fprintf(f, "  %-26s  %s\n", left, opts[i].help);
    }
}

static void vmsg(const char *fmt, va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    cli_progress_done();
    fprintf(stderr, "%s: %s\n", tool_name, buf);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '%s --help'.\n", tool_name);
    return CLI_TROUBLE;
}

int cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
    return CLI_TROUBLE;
}

int cli_fail(void)
{
    const v8a_error *e = v8a_error_last();
    return cli_error("%s", e ? e->message : "unknown error");
}

/* ---- progress ---- */

static double start_time = -1;
static int meter_shown;
static double last_draw;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int cli_progress(void *payload, const char *stage, uint64_t done, uint64_t total)
{
    (void)payload;
    static int tty = -1;
    if (tty < 0) tty = isatty(STDERR_FILENO);
    if (!tty) return 0;
    double t = now_s();
    if (start_time < 0) start_time = t;
    if (t - start_time < 1.0 || t - last_draw < 0.1) return 0;
    last_draw = t;
    char a[32], b[32];
    if (strcmp(stage, "parse") == 0) {
        cli_human_bytes(a, sizeof a, done);
        cli_human_bytes(b, sizeof b, total);
    } else {
        snprintf(a, sizeof a, "%llu", (unsigned long long)done);
        snprintf(b, sizeof b, "%llu rows", (unsigned long long)total);
    }
    if (total)
        fprintf(stderr, "\r%s: %s %3.0f%% (%s of %s)\033[K", base_name, stage,
                100.0 * (double)done / (double)total, a, b);
    else
        fprintf(stderr, "\r%s: %s %s\033[K", base_name, stage, a);
    meter_shown = 1;
    return 0;
}

void cli_progress_done(void)
{
    if (meter_shown) fprintf(stderr, "\r\033[K");
    meter_shown = 0;
}

int cli_parse_format(const char *s, cli_format *out)
{
    static const char *const names[] = {"text", "json", "csv", "markdown"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (cli_format)i;
            return 0;
        }
    if (strcmp(s, "md") == 0) {
        *out = CLI_MARKDOWN;
        return 0;
    }
    return -1;
}

void cli_human_time(char *buf, size_t cap, int64_t us)
{
    const char *sign = us < 0 ? "-" : "";
    uint64_t m = us < 0 ? 0 - (uint64_t)us : (uint64_t)us;
    if (m < 1000) {
        snprintf(buf, cap, "%s%llu us", sign, (unsigned long long)m);
        return;
    }
    double d = (double)m / 1000.0;
    const char *unit = "ms";
    if (m >= 1000000) {
        d /= 1000.0;
        unit = "s";
    }
    int prec = d < 9.995 ? 2 : d < 99.95 ? 1 : 0;
    snprintf(buf, cap, "%s%.*f %s", sign, prec, d, unit);
}

void cli_human_bytes(char *buf, size_t cap, uint64_t v)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    if (v < 1024) {
        snprintf(buf, cap, "%llu B", (unsigned long long)v);
        return;
    }
    double d = (double)v;
    int u = 0;
    while (d >= 1024 && u < 5) {
        d /= 1024;
        u++;
    }
    snprintf(buf, cap, "%.1f %s", d, units[u]);
}

int cli_parse_size(const char *s, uint64_t *out)
{
    char *end;
    if (!s[0] || s[0] == '-') return -1;
    unsigned long long v = strtoull(s, &end, 10);
    uint64_t mul = 1;
    if (*end == 'k' || *end == 'K')
        mul = 1ull << 10;
    else if (*end == 'm' || *end == 'M')
        mul = 1ull << 20;
    else if (*end == 'g' || *end == 'G')
        mul = 1ull << 30;
    else if (*end)
        return -1;
    if (*end) {
        end++;
        if (strcmp(end, "") != 0 && strcmp(end, "B") != 0 && strcmp(end, "iB") != 0) return -1;
    }
    if (v > UINT64_MAX / mul) return -1;
    *out = v * mul;
    return 0;
}

int cli_dispatch(const char *tool, const cli_command *commands, const char *synopsis, int argc,
                 char **argv)
{
    cli_set_name(tool, NULL);
    cli_process_setup();
    const char *a = argc > 1 ? argv[1] : NULL;
    int help = a && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "help") == 0);
    if (!a || help) {
        if (a && argc > 2 && strcmp(a, "help") == 0) {
            char *args[] = {argv[2], "--help", NULL};
            for (const cli_command *c = commands; c->name; c++)
                if (strcmp(c->name, argv[2]) == 0) {
                    cli_set_name(tool, c->name);
                    return c->run(2, args);
                }
            return cli_usage_error("unknown command '%s'", argv[2]);
        }
        FILE *f = a ? stdout : stderr;
        fprintf(f, "Usage: %s\n\nCommands:\n", synopsis);
        for (const cli_command *c = commands; c->name; c++)
            fprintf(f, "  %-10s  %s\n", c->name, c->summary);
        fprintf(f,
                "\nOptions:\n  -h, --help     show this help\n"
                "  -V, --version  show the version\n\n"
                "Exit status: 0 ok, 1 a finding, 2 trouble (usage, I/O, malformed input).\n"
                "See %s(1) for details.\n",
                tool);
        return a ? CLI_OK : CLI_TROUBLE;
    }
    if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
        printf("%s (v8a) %s\n", tool, v8a_version());
        return CLI_OK;
    }
    for (const cli_command *c = commands; c->name; c++)
        if (strcmp(c->name, a) == 0) {
            cli_set_name(tool, c->name);
            return c->run(argc - 1, argv + 1);
        }
    return cli_usage_error("unknown command '%s'", a);
}

int cli_operands(int argc, char **argv, int min, int max, const char *missing)
{
    int i = cli_operand_index();
    if (argc - i < min) {
        cli_usage_error("missing %s", missing);
        return -1;
    }
    if (argc - i > max) {
        cli_usage_error("unexpected argument '%s'", argv[i + max]);
        return -1;
    }
    return i;
}

int cli_parse_count(const char *opt, const char *arg, long *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (!*arg || *end || v < 0 || v > 100000000)
        return cli_usage_error("%s: '%s' is not a count", opt, arg);
    *out = v;
    return 0;
}

char *cli_default_db(const char *in, const char *const *suffixes)
{
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    if (strcmp(in, "-") == 0) base = "stdin";
    size_t n = strlen(base);
    char *out = malloc(n + 8);
    if (!out) return NULL;
    memcpy(out, base, n + 1);
    size_t k = strlen(out);
    if (k > 3 && strcmp(out + k - 3, ".gz") == 0) out[k -= 3] = '\0';
    for (; *suffixes; suffixes++) {
        size_t s = strlen(*suffixes);
        if (k > s && strcmp(out + k - s, *suffixes) == 0) out[k -= s] = '\0';
    }
    strcat(out, ".v8adb");
    return out;
}

void cli_process_setup(void)
{
    /* past a file-size limit (ulimit -f, quotas) writes then fail with EFBIG
     * and the output's temporary file is removed, instead of the process
     * dying with SIGXFSZ and leaving it behind */
    signal(SIGXFSZ, SIG_IGN);
#ifdef __GLIBC__
    /* Arrays of a large heap (24 MB per 4-byte column of 6 million nodes)
     * are mapped and unmapped whole: glibc's moving threshold would put the
     * analysis's scratch arrays on the heap after the first big free, where
     * freeing them does not give the memory back (heapdiff then holds one
     * import's scratch while the next runs). */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

int cli_format_option(const char *arg, cli_format *out)
{
    if (cli_parse_format(arg, out) == 0) return 0;
    return cli_usage_error("--format: '%s' is not text, json, csv or markdown", arg);
}
