/* stats.c - helpers shared by flame top, blocking and diff: parsing times
 * and counts, naming frames, writing JSON through yajl_gen. */
#include "stats.h"

#include <cli.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int fl_parse_time(const char *s, int64_t *us)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0) return -1;
    double mul = 1000.0; /* a bare number is milliseconds */
    if (strcmp(end, "us") == 0)
        mul = 1.0;
    else if (strcmp(end, "ms") == 0 || *end == '\0')
        mul = 1000.0;
    else if (strcmp(end, "s") == 0)
        mul = 1e6;
    else
        return -1;
    v *= mul;
    if (v > 9e15) return -1;
    *us = (int64_t)(v + 0.5);
    return 0;
}

int fl_parse_count(const char *s, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 100000000) return -1;
    *out = v;
    return 0;
}

void fl_location(char *buf, size_t cap, const char *url, int32_t line, int32_t column)
{
    if (!url || !url[0]) {
        snprintf(buf, cap, "%s", "");
        return;
    }
    if (strncmp(url, "file://", 7) == 0) url += 7;
    if (line > 0 && column > 0)
        snprintf(buf, cap, "%s:%d:%d", url, (int)line, (int)column);
    else if (line > 0)
        snprintf(buf, cap, "%s:%d", url, (int)line);
    else
        snprintf(buf, cap, "%s", url);
}

void fl_frame_label(char *buf, size_t cap, const char *name, const char *url, int32_t line,
                    int32_t column)
{
    char loc[1024];
    fl_location(loc, sizeof loc, url, line, column);
    if (loc[0])
        snprintf(buf, cap, "%s (%s)", name, loc);
    else
        snprintf(buf, cap, "%s", name);
}

static void write_cb(void *ctx, const char *s, size_t n)
{
    fwrite(s, 1, n, (FILE *)ctx);
}

yajl_gen fl_json_open(FILE *f)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g) return NULL;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    yajl_gen_config(g, yajl_gen_validate_utf8, 1);
    yajl_gen_config(g, yajl_gen_print_callback, write_cb, f);
    return g;
}

void fl_jkey(yajl_gen g, const char *k)
{
    yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

void fl_jstr(yajl_gen g, const char *k, const char *v)
{
    fl_jkey(g, k);
    if (v)
        yajl_gen_string(g, (const unsigned char *)v, strlen(v));
    else
        yajl_gen_null(g);
}

void fl_jint(yajl_gen g, const char *k, long long v)
{
    fl_jkey(g, k);
    yajl_gen_integer(g, v);
}

void fl_jnum(yajl_gen g, const char *k, double v)
{
    fl_jkey(g, k);
    if (!isfinite(v)) {
        yajl_gen_null(g);
        return;
    }
    char num[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(num, sizeof num, "%.*g", prec, v);
        if (strtod(num, NULL) == v) break;
    }
    yajl_gen_number(g, num, strlen(num));
}

void fl_jms(yajl_gen g, const char *k, double us)
{
    /* to the microsecond: no 17-digit tails from scaled values */
    fl_jnum(g, k, round(us) / 1000.0);
}

void fl_jpos(yajl_gen g, const char *k, int32_t v)
{
    fl_jkey(g, k);
    if (v > 0)
        yajl_gen_integer(g, v);
    else
        yajl_gen_null(g);
}
