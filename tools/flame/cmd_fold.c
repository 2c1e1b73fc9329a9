/* cmd_fold.c - flame fold: a profile as folded stacks ("a;b;c 12" lines), for
 * flamegraph.pl, inferno, speedscope or a diff of two runs with text tools.
 *
 * The library writes the lines (v8a_flame_fold) into our stream; the file is
 * written through cli_out (temporary file + rename), so a failed run leaves
 * nothing behind. The filters are flame render's.
 */
#include "flame.h"

#include <cli.h>
#include <output.h>
#include <string.h>
#include <v8a/v8a.h>

enum {
    OPT_OUTPUT = 'o',
    OPT_WEIGHT = 'w',
    OPT_HELP = 'h',
    OPT_INCLUDE = 256,
    OPT_EXCLUDE,
    OPT_FOCUS,
    OPT_HIDE,
    OPT_RECURSION,
    OPT_RECURSION_ALL,
    OPT_HIDE_IDLE,
    OPT_THREAD,
};

static const cli_option options[] = {
    {"output", OPT_OUTPUT, "FILE", "write to FILE (default: standard output)"},
    {"weight", OPT_WEIGHT, "W",
     "samples (default: counts add up to the sample count) or time (us)"},
    {"include", OPT_INCLUDE, "REGEX",
     "only samples whose stack has a frame whose name or url matches"},
    {"exclude", OPT_EXCLUDE, "REGEX", "leave out samples whose stack has a matching frame"},
    {"focus", OPT_FOCUS, "REGEX", "re-root: stacks start at their first matching frame"},
    {"hide", OPT_HIDE, "REGEX", "remove matching frames; their weight goes to the caller"},
    {"collapse-recursion", OPT_RECURSION, NULL, "a function calling itself directly appears once"},
    {"collapse-all-recursion", OPT_RECURSION_ALL, NULL, "drop any frame already on the stack"},
    {"hide-idle", OPT_HIDE_IDLE, NULL, "leave (idle) out (default: every sample is written)"},
    {"thread", OPT_THREAD, "T", "Chrome traces: PID:TID or thread name (default: the busiest)"},
    {"help", OPT_HELP, NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "Usage: flame fold [OPTIONS] PROFILE [-o FILE]\n";
static const char description[] =
    "Writes PROFILE's stacks as folded lines, 'frame;frame;leaf N', root first\n"
    "(the (root) node left out), one per distinct stack, sorted frame by frame.\n"
    "A frame is the function's name, plus ' [url:line]' when its script is known.\n"
    "With --weight samples (the default) the counts add up to the number of\n"
    "samples; with time they are microseconds (heap profiles: bytes). The output\n"
    "is what flamegraph.pl and inferno read, and flame render reads it back.\n";

static int stream_write(void *payload, const void *data, size_t len)
{
    return fwrite(data, 1, len, payload) == len ? 0 : -1;
}

int cmd_fold(int argc, char **argv)
{
    v8a_flame_options o;
    v8a_flame_options_init(&o);
    o.weight = V8A_WEIGHT_SAMPLES;
    o.idle = V8A_FLAME_IDLE_SHOW;
    const char *out_path = NULL, *thread = NULL, *arg;
    int c;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        switch (c) {
        case OPT_HELP: cli_print_help(stdout, usage, description, options); return CLI_OK;
        case OPT_OUTPUT: out_path = arg; break;
        case OPT_WEIGHT:
            if (strcmp(arg, "samples") == 0)
                o.weight = V8A_WEIGHT_SAMPLES;
            else if (strcmp(arg, "time") == 0)
                o.weight = V8A_WEIGHT_TIME;
            else
                return cli_usage_error("--weight: '%s' is not samples or time", arg);
            break;
        case OPT_INCLUDE: o.include = arg; break;
        case OPT_EXCLUDE: o.exclude = arg; break;
        case OPT_FOCUS: o.focus = arg; break;
        case OPT_HIDE: o.hide = arg; break;
        case OPT_RECURSION: o.recursion = V8A_RECURSION_DIRECT; break;
        case OPT_RECURSION_ALL: o.recursion = V8A_RECURSION_ALL; break;
        case OPT_HIDE_IDLE: o.idle = V8A_FLAME_IDLE_HIDE; break;
        case OPT_THREAD: thread = arg; break;
        default: return CLI_TROUBLE;
        }
    }
    int i = fl_operands(argc, argv, 1, 1, "PROFILE");
    if (i < 0) return CLI_TROUBLE;
    v8a_profile *p = NULL;
    cli_out out;
    int rc;
    if (fl_open(argv[i], thread, &p)) return CLI_TROUBLE;
    if ((rc = cli_out_open(&out, out_path)) != 0) goto done;
    if (v8a_flame_fold(p, &o, stream_write, out.f) < 0) {
        const v8a_error *e = v8a_error_last();
        int usage_err = e && e->code == V8A_EINVAL;
        cli_out_abort(&out);
        rc = cli_error("%s: %s",
                       usage_err  ? argv[i]
                       : out_path ? out_path
                                  : "standard output",
                       e ? e->message : "unknown error");
        goto done;
    }
    rc = cli_out_commit(&out);
done:
    v8a_profile_free(p);
    return rc;
}
