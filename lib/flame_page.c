/* flame_page.c - the page around the frames, shared by the SVG and Cairo
 * writers: geometry (title, rows, details line, legend; the row cap that
 * keeps images under Cairo's 32767-pixel limit), display strings made safe
 * (valid UTF-8, no control characters, ellipsis on code point boundaries),
 * amounts with units, and v8a_flame_render() which picks the back end.
 */
#include "alloc.h"
#include "error.h"
#include "flame_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- strings ---- */

/* Length of the valid UTF-8 sequence at s (n bytes left) and its code
 * point, or 0 when the bytes there are not valid UTF-8. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if ((c & 0xe0) == 0xc0)
        len = 2, v = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0)
        len = 3, v = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
    *cp = v;
    return len;
}

char *v8a__flame_clean(const char *s)
{
    size_t n = strlen(s);
    /* each bad byte becomes 3 bytes (U+FFFD) */
    char *out = v8a__malloc(n * 3 + 1);
    if (!out) return NULL;
    size_t o = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_seq(u + i, n - i, &cp);
        if (k == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7f) {
            i += k; /* C0 controls and DEL: dropped */
            continue;
        }
        if (cp == 0xfffe || cp == 0xffff) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
        } else {
            memcpy(out + o, s + i, k);
            o += k;
        }
        i += k;
    }
    out[o] = '\0';
    return out;
}

size_t v8a__utf8_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

void v8a__flame_ellipsis(const char *s, size_t keep, v8a_flame_truncate tr, char *out, size_t cap)
{
    static const char ell[] = "\xe2\x80\xa6";
    size_t len = strlen(s), total = v8a__utf8_count(s);
    if (cap == 0) return;
    if (keep >= total) {
        size_t k = len < cap - 1 ? len : cap - 1;
        while (k > 0 && k < len && ((unsigned char)s[k] & 0xc0) == 0x80) k--;
        memcpy(out, s, k);
        out[k] = '\0';
        return;
    }
    if (cap < 4) {
        out[0] = '\0';
        return;
    }
    size_t o = 0;
    if (tr == V8A_TRUNCATE_LEFT) {
        /* the byte where the last `keep` code points start */
        size_t skip = total - keep, i = 0, cps = 0;
        for (; i < len; i++)
            if (((unsigned char)s[i] & 0xc0) != 0x80 && cps++ == skip) break;
        memcpy(out, ell, 3);
        o = 3;
        size_t k = len - i;
        if (k > cap - 1 - o) {
            k = cap - 1 - o;
            while (k > 0 && ((unsigned char)s[i + k] & 0xc0) == 0x80) k--;
        }
        memcpy(out + o, s + i, k);
        o += k;
    } else {
        size_t i = 0, cps = 0;
        for (; i < len; i++)
            if (((unsigned char)s[i] & 0xc0) != 0x80 && cps++ == keep) break;
        if (i > cap - 4) {
            i = cap - 4;
            while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80) i--;
        }
        memcpy(out, s, i);
        o = i;
        memcpy(out + o, ell, 3);
        o += 3;
    }
    out[o] = '\0';
}

const char *v8a__flame_name(const v8a_profile *p, uint32_t frame)
{
    if (frame >= p->nframes) return "(unknown)";
    const char *s = v8a_profile_string(p, p->frames[frame].name);
    return *s ? s : "(anonymous)";
}

void v8a__flame_location(const v8a_profile *p, uint32_t frame, char *out, size_t cap)
{
    out[0] = '\0';
    if (frame >= p->nframes) return;
    const v8a_frame *f = &p->frames[frame];
    const char *url = v8a_profile_string(p, f->url);
    if (!*url || cap < 48) return;
    char suffix[32] = "";
    if (f->line > 0 && f->column > 0)
        snprintf(suffix, sizeof suffix, ":%d:%d", f->line, f->column);
    else if (f->line > 0)
        snprintf(suffix, sizeof suffix, ":%d", f->line);
    size_t ul = strlen(url), sl = strlen(suffix), at = 0;
    const char *lead = "";
    if (ul + sl + 1 > cap) {
        /* too long: its end and the line survive, after an ellipsis, cut on
         * a UTF-8 boundary */
        lead = "\xe2\x80\xa6";
        at = ul - (cap - 1 - sl - 3);
        while (at < ul && ((unsigned char)url[at] & 0xc0) == 0x80) at++;
    }
    snprintf(out, cap, "%s%s%s", lead, url + at, suffix);
}

static void with_commas(char *out, size_t cap, int64_t v)
{
    char d[32];
    int neg = v < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = snprintf(d, sizeof d, "%llu", (unsigned long long)u);
    char t[48];
    size_t o = 0;
    if (neg) t[o++] = '-';
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) t[o++] = ',';
        t[o++] = d[i];
    }
    t[o] = '\0';
    snprintf(out, cap, "%s", t);
}

void v8a__flame_amount(char *out, size_t cap, int64_t v, const char *unit)
{
    double a = fabs((double)v);
    if (strcmp(unit, "us") == 0) {
        if (a >= 1e6)
            snprintf(out, cap, "%.2f s", (double)v / 1e6);
        else if (a >= 1e3)
            snprintf(out, cap, "%.1f ms", (double)v / 1e3);
        else
            snprintf(out, cap, "%lld \xc2\xb5s", (long long)v);
    } else if (strcmp(unit, "bytes") == 0) {
        if (a >= 1024.0 * 1024 * 1024)
            snprintf(out, cap, "%.1f GiB", (double)v / (1024.0 * 1024 * 1024));
        else if (a >= 1024.0 * 1024)
            snprintf(out, cap, "%.1f MiB", (double)v / (1024.0 * 1024));
        else if (a >= 1024)
            snprintf(out, cap, "%.1f KiB", (double)v / 1024);
        else
            snprintf(out, cap, "%lld B", (long long)v);
    } else {
        char c[48];
        with_commas(c, sizeof c, v);
        snprintf(out, cap, "%s %s", c, v == 1 ? "sample" : "samples");
    }
}

void v8a__flame_subtitle(const v8a_flame_layout *l, char *out, size_t cap)
{
    static const char *const modes[] = {"flame graph", "icicle", "flame chart"};
    static const char *const weights[] = {"time", "samples", "hit counts"};
    const v8a_flame_options *o = &l->opt;
    char amount[48];
    v8a__flame_amount(amount, sizeof amount, l->total, l->unit);
    int hide_idle = l->profile->kind == V8A_PROFILE_CPU &&
                    (o->idle == V8A_FLAME_IDLE_HIDE ||
                     (o->idle == V8A_FLAME_IDLE_AUTO && o->mode != V8A_FLAME_CHART));
    size_t n = (size_t)snprintf(out, cap, "%s by %s, %s%s", modes[o->mode],
                                l->profile->format == V8A_PROFILE_FORMAT_HEAPSNAPSHOT ? "live bytes"
                                : l->profile->kind == V8A_PROFILE_HEAP ? "allocated bytes"
                                : o->mode == V8A_FLAME_CHART && o->weight == V8A_WEIGHT_HITCOUNT
                                    ? "time"
                                    : weights[o->weight],
                                amount, hide_idle ? ", idle hidden" : "");
#define MORE(...)                                                                                  \
    do {                                                                                           \
        if (n < cap) n += (size_t)snprintf(out + n, cap - n, __VA_ARGS__);                         \
    } while (0)
    if (l->total != l->unfiltered && l->unfiltered > 0)
        MORE(" (%.1f%% of all)", 100.0 * (double)l->total / (double)l->unfiltered);
    if (o->include) MORE(", include /%s/", o->include);
    if (o->exclude) MORE(", exclude /%s/", o->exclude);
    if (o->focus) MORE(", focus /%s/", o->focus);
    if (o->hide) MORE(", hide /%s/", o->hide);
    if (o->recursion == V8A_RECURSION_DIRECT) MORE(", recursion collapsed");
    if (o->recursion == V8A_RECURSION_ALL) MORE(", all recursion collapsed");
    if (l->pruned) {
        if (o->min_width_percent > 0)
            MORE(", %zu narrower than %g%% not drawn", l->pruned, o->min_width_percent);
        else
            MORE(", %zu narrower than %g px not drawn", l->pruned, o->min_width);
    }
    if (l->cut_by_depth) MORE(", depth limited to %u", o->max_depth);
#undef MORE
}

/* ---- themes ---- */

const v8a__flame_colors *v8a__flame_theme(v8a_flame_theme theme)
{
    static const v8a__flame_colors light = {0xf8f8f8, 0xeeeee6, 0x000000, 0x555555,
                                            0x333333, 0xffffff, 0x000000, 0x000000};
    static const v8a__flame_colors dark = {0x202124, 0x17181a, 0xe8eaed, 0x9aa0a6,
                                           0x8ab4f8, 0x17181a, 0xffffff, 0x000000};
    return theme == V8A_THEME_DARK ? &dark : &light;
}

/* ---- geometry ---- */

static double legend_item_width(const v8a__flame_legend *e, double font)
{
    return 14 + (double)v8a__utf8_count(e->label) * font * 0.6 + 18;
}

void v8a__flame_geometry(const v8a_flame_layout *l, uint32_t max_height, v8a__flame_geom *g)
{
    memset(g, 0, sizeof *g);
    g->width = l->opt.width;
    g->plot_width = g->width - 2 * V8A_FLAME_XPAD;
    g->scale = l->total > 0 ? g->plot_width / (double)l->total : 0;
    g->font = l->opt.font_size;
    g->row_h = l->opt.row_height;
    g->top = ceil(g->font * 4.4);
    g->root_at_bottom = l->opt.mode == V8A_FLAME_GRAPH;
    g->nlegend = v8a__flame_legend_of(l, g->legend, V8A_FLAME_LEGEND_MAX);
    double x = V8A_FLAME_XPAD;
    g->legend_rows = g->nlegend ? 1 : 0;
    for (size_t i = 0; i < g->nlegend; i++) {
        double w = legend_item_width(&g->legend[i], g->font);
        if (x + w > g->width - V8A_FLAME_XPAD && x > V8A_FLAME_XPAD) {
            g->legend_rows++;
            x = V8A_FLAME_XPAD;
        }
        x += w;
    }
    double below = g->font + 14 + g->legend_rows * (g->font + 8) + 8;
    uint32_t rows = l->depth ? l->depth : 1;
    if (max_height != UINT32_MAX) {
        double avail = ((double)max_height - g->top - below) / g->row_h;
        uint32_t cap = avail > 2 ? (uint32_t)avail : 2;
        if (rows > cap) {
            rows = cap;
            g->cut = cap - 1; /* the last row drawn is the truncation bar */
        }
    }
    g->rows = rows;
    g->details_y = g->top + rows * g->row_h + g->font + 6;
    g->legend_y = g->details_y + 8;
    g->height = ceil(g->legend_y + g->legend_rows * (g->font + 8) + 8);
}

double v8a__flame_row_y(const v8a__flame_geom *g, uint32_t depth)
{
    if (g->root_at_bottom) return g->top + (double)(g->rows - 1 - depth) * g->row_h;
    return g->top + (double)depth * g->row_h;
}

int v8a__flame_mark_box(const v8a_flame_layout *l, const v8a__flame_geom *g, size_t i, double *x,
                        double *y, double *w, double *h)
{
    const v8a_flame_options *o = &l->opt;
    if (o->mode != V8A_FLAME_CHART || i >= o->nmarks || !o->marks || l->total != l->unfiltered ||
        strcmp(l->unit, "us") != 0 || !l->depth)
        return 0;
    const v8a_flame_mark *m = &o->marks[i];
    int64_t a = m->start_us < 0 ? 0 : m->start_us, b = m->start_us + m->duration_us;
    if (b > l->total) b = l->total;
    if (b <= a) return 0;
    uint32_t rows = g->cut ? g->cut : l->depth;
    double y0 = v8a__flame_row_y(g, 0), y1 = v8a__flame_row_y(g, rows - 1);
    *x = V8A_FLAME_XPAD + (double)a * g->scale;
    *w = (double)(b - a) * g->scale;
    if (*w < 1) *w = 1;
    *y = y0 < y1 ? y0 : y1;
    *h = (y0 < y1 ? y1 - y0 : y0 - y1) + g->row_h;
    return 1;
}

/* ---- dispatch ---- */

int v8a_flame_render(const v8a_flame_layout *l, v8a_flame_format fmt, v8a_write_cb write,
                     void *payload)
{
    if (!l || !write || (unsigned)fmt > V8A_FLAME_PDF)
        return v8a__error_set(V8A_EINVAL, "v8a_flame_render: invalid argument");
    if (fmt == V8A_FLAME_SVG) return v8a__flame_render_svg(l, write, payload);
    return v8a__flame_render_cairo(l, fmt, write, payload);
}

static int file_write(void *payload, const void *data, size_t len)
{
    FILE *f = payload;
    return fwrite(data, 1, len, f) == len ? 0 : -1;
}

int v8a_flame_render_file(const v8a_flame_layout *l, v8a_flame_format fmt, FILE *f)
{
    if (!f) return v8a__error_set(V8A_EINVAL, "v8a_flame_render_file: no stream");
    int rc = v8a_flame_render(l, fmt, file_write, f);
    if (rc == 0 && fflush(f) != 0)
        return v8a__error_set(V8A_EIO, "write error: %s", strerror(errno));
    return rc;
}
