/* flame_cairo.c - a flame layout drawn with Cairo, as PNG or PDF.
 *
 * Same geometry as the SVG (v8a__flame_geometry), capped so the image stays
 * under Cairo's 32767-pixel limit: rows from the cut on are replaced by one
 * "depth truncated at N" bar. Labels are fitted with Cairo's own text
 * metrics (cairo_text_extents) and shortened with an ellipsis on a code point
 * boundary. Cairo's errors become V8A_ENOMEM or V8A_EIO with
 * cairo_status_to_string; a failing write callback becomes V8A_EIO.
 */
#include "alloc.h"
#include "error.h"
#include "flame_internal.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    v8a_write_cb write;
    void *payload;
    int failed; /* errno of the failed write, or EIO */
} wctx;

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len)
{
    wctx *c = closure;
    if (c->failed) return CAIRO_STATUS_WRITE_ERROR;
    errno = 0;
    if (c->write(c->payload, data, len) != 0) {
        c->failed = errno ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

static int cairo_error(cairo_status_t st, const wctx *c, const char *what)
{
    if (c->failed) return v8a__error_set(V8A_EIO, "%s: write error: %s", what, strerror(c->failed));
    if (st == CAIRO_STATUS_NO_MEMORY) return v8a__error_nomem("cairo surface");
    return v8a__error_set(V8A_EIO, "%s: cairo: %s", what, cairo_status_to_string(st));
}

static void set_rgb(cairo_t *cr, uint32_t c)
{
    cairo_set_source_rgb(cr, ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0,
                         (c & 0xff) / 255.0);
}

static double advance(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Writes into out the longest form of name that fits in avail pixels:
 * the whole name, or a part of it with an ellipsis (at least two code
 * points). Returns 0 when nothing fits. full is the name's advance. */
static int fit_label(cairo_t *cr, const char *name, double full, double avail,
                     v8a_flame_truncate tr, char *out, size_t cap)
{
    if (full <= avail) {
        v8a__flame_ellipsis(name, (size_t)-1, tr, out, cap);
        return 1;
    }
    size_t cps = v8a__utf8_count(name), lo = 2, hi = cps ? cps - 1 : 0, best = 0;
    while (lo <= hi) {
        size_t mid = lo + (hi - lo) / 2;
        v8a__flame_ellipsis(name, mid, tr, out, cap);
        if (advance(cr, out) <= avail) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    if (!best) return 0;
    v8a__flame_ellipsis(name, best, tr, out, cap);
    return 1;
}

static void centered(cairo_t *cr, double cx, double y, const char *s)
{
    cairo_move_to(cr, cx - advance(cr, s) / 2, y);
    cairo_show_text(cr, s);
}

int v8a__flame_render_cairo(const v8a_flame_layout *l, v8a_flame_format fmt, v8a_write_cb write,
                            void *payload)
{
    const v8a_profile *p = l->profile;
    const v8a_flame_options *o = &l->opt;
    const char *what = fmt == V8A_FLAME_PDF ? "pdf" : "png";
    v8a__flame_geom g;
    v8a__flame_geometry(l, V8A_FLAME_MAX_HEIGHT, &g);
    wctx c = {write, payload, 0};
    cairo_surface_t *sf = NULL;
    cairo_t *cr = NULL;
    char **clean = v8a__calloc(p->nframes ? p->nframes : 1, sizeof *clean);
    double *full = v8a__malloc((p->nframes ? p->nframes : 1) * sizeof *full);
    size_t label_cap = 4096;
    char *label = v8a__malloc(label_cap), *tmp = NULL;
    int rc = 0;
    if (!clean || !full || !label) {
        rc = v8a__error_nomem("flame render");
        goto done;
    }
    for (uint32_t f = 0; f < p->nframes; f++) full[f] = -1;
    int W = (int)g.width, H = (int)g.height;
    if (fmt == V8A_FLAME_PDF)
        sf = cairo_pdf_surface_create_for_stream(write_cb, &c, W, H);
    else
        sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
        rc = cairo_error(cairo_surface_status(sf), &c, what);
        goto done;
    }
    cr = cairo_create(sf);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        rc = cairo_error(cairo_status(cr), &c, what);
        goto done;
    }
    /* background, title, subtitle */
    const v8a__flame_colors *th = v8a__flame_theme(o->theme);
    cairo_pattern_t *bg = cairo_pattern_create_linear(0, 0, 0, H);
    uint32_t c0 = th->bg_top, c1 = th->bg_bottom;
    cairo_pattern_add_color_stop_rgb(bg, 0.05, (c0 >> 16) / 255.0, ((c0 >> 8) & 0xff) / 255.0,
                                     (c0 & 0xff) / 255.0);
    cairo_pattern_add_color_stop_rgb(bg, 0.95, (c1 >> 16) / 255.0, ((c1 >> 8) & 0xff) / 255.0,
                                     (c1 & 0xff) / 255.0);
    cairo_set_source(cr, bg);
    cairo_paint(cr);
    cairo_pattern_destroy(bg);
    double font = g.font, rh = g.row_h;
    const char *title = o->title                      ? o->title
                        : o->mode == V8A_FLAME_ICICLE ? "Icicle Graph"
                        : o->mode == V8A_FLAME_CHART  ? "Flame Chart"
                                                      : "Flame Graph";
    char sub[1024];
    v8a__flame_subtitle(l, sub, sizeof sub);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, font + 5);
    set_rgb(cr, th->text);
    if (!(tmp = v8a__flame_clean(title))) goto nomem;
    centered(cr, g.width / 2, font * 2, tmp);
    v8a__free(tmp);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, font);
    set_rgb(cr, th->subtitle);
    if (!(tmp = v8a__flame_clean(sub))) goto nomem;
    centered(cr, g.width / 2, font * 3.4, tmp);
    v8a__free(tmp);
    tmp = NULL;
    if (!l->nrects) centered(cr, g.width / 2, g.top + rh - 4, "no samples to draw");

    /* frames */
    double ty = (rh + font * 0.7) / 2 - 0.5;
    for (size_t i = 0; i < l->nrects; i++) {
        const v8a_flame_rect *r = &l->rects[i];
        if (g.cut && r->depth >= g.cut) continue;
        uint32_t f = r->frame;
        double x = V8A_FLAME_XPAD + (double)r->x * g.scale, w = (double)r->width * g.scale;
        double y = v8a__flame_row_y(&g, r->depth);
        const v8a_profile *rp = v8a__flame_rect_profile(l, r);
        set_rgb(cr, v8a__flame_rect_color(l, r));
        cairo_rectangle(cr, x, y, w, rh - 1);
        cairo_fill(cr);
        if (w < font * 1.2 || f >= rp->nframes) continue;
        const char *name;
        double adv;
        if (rp != p) { /* a diff layout's strip: frames of the base */
            v8a__free(tmp);
            if (!(tmp = v8a__flame_clean(r->depth == l->strip_depth ? "only in base"
                                                                    : v8a__flame_name(rp, f))))
                goto nomem;
            name = tmp;
            adv = advance(cr, tmp);
        } else {
            if (!clean[f] && !(clean[f] = v8a__flame_clean(v8a__flame_name(p, f)))) goto nomem;
            if (full[f] < 0) full[f] = advance(cr, clean[f]);
            name = clean[f];
            adv = full[f];
        }
        size_t need = strlen(name) + 8;
        if (need > label_cap) {
            char *nl = v8a__realloc(label, need);
            if (!nl) goto nomem;
            label = nl;
            label_cap = need;
        }
        if (fit_label(cr, name, adv, w - 6, o->truncate, label, label_cap)) {
            set_rgb(cr, th->label);
            cairo_move_to(cr, x + 3, y + ty);
            cairo_show_text(cr, label);
        }
    }
    v8a__free(tmp); /* the last strip label */
    tmp = NULL;
    /* chart marks, over the frames */
    for (size_t i = 0; i < o->nmarks; i++) {
        double mx, my, mw, mh;
        if (!v8a__flame_mark_box(l, &g, i, &mx, &my, &mw, &mh)) continue;
        cairo_set_source_rgba(cr, 0.82, 0, 0, 0.12);
        cairo_rectangle(cr, mx, my, mw, mh);
        cairo_fill_preserve(cr);
        cairo_set_source_rgba(cr, 0.82, 0, 0, 0.6);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
        v8a__free(tmp);
        if (!(tmp = v8a__flame_clean(o->marks[i].label ? o->marks[i].label : ""))) goto nomem;
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
        set_rgb(cr, 0xa00000);
        if (advance(cr, tmp) + 6 <= mw) {
            cairo_move_to(cr, mx + 3, my + rh - 4);
            cairo_show_text(cr, tmp);
        }
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    }
    v8a__free(tmp);
    tmp = NULL;
    if (g.cut) {
        char msg[160];
        double y = v8a__flame_row_y(&g, g.cut);
        snprintf(msg, sizeof msg, "depth truncated at %u: %u deeper rows not drawn", g.cut,
                 l->depth - g.cut);
        set_rgb(cr, 0xb22222);
        cairo_rectangle(cr, V8A_FLAME_XPAD, y, g.plot_width, rh - 1);
        cairo_fill(cr);
        set_rgb(cr, 0xffffff);
        cairo_move_to(cr, V8A_FLAME_XPAD + 3, y + ty);
        cairo_show_text(cr, msg);
    }
    /* legend */
    double lx = V8A_FLAME_XPAD, ly = g.legend_y;
    for (size_t i = 0; i < g.nlegend; i++) {
        double iw = 14 + (double)v8a__utf8_count(g.legend[i].label) * font * 0.6 + 18;
        if (lx + iw > g.width - V8A_FLAME_XPAD && lx > V8A_FLAME_XPAD) {
            lx = V8A_FLAME_XPAD;
            ly += font + 8;
        }
        set_rgb(cr, g.legend[i].rgb);
        cairo_rectangle(cr, lx, ly, 12, 12);
        cairo_fill(cr);
        set_rgb(cr, th->text);
        if (!(tmp = v8a__flame_clean(g.legend[i].label))) goto nomem;
        cairo_move_to(cr, lx + 16, ly + 10);
        cairo_show_text(cr, tmp);
        v8a__free(tmp);
        tmp = NULL;
        lx += iw;
    }
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        rc = cairo_error(cairo_status(cr), &c, what);
        goto done;
    }
    if (fmt == V8A_FLAME_PDF) {
        cairo_show_page(cr);
        cairo_destroy(cr);
        cr = NULL;
        cairo_surface_finish(sf);
        if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS)
            rc = cairo_error(cairo_surface_status(sf), &c, what);
    } else {
        cairo_surface_flush(sf);
        cairo_status_t st = cairo_surface_write_to_png_stream(sf, write_cb, &c);
        if (st != CAIRO_STATUS_SUCCESS) rc = cairo_error(st, &c, what);
    }
    goto done;
nomem:
    rc = v8a__error_nomem("flame render");
done:
    v8a__free(tmp);
    if (cr) cairo_destroy(cr);
    if (sf) cairo_surface_destroy(sf);
    if (clean)
        for (uint32_t f = 0; f < p->nframes; f++) v8a__free(clean[f]);
    v8a__free(clean);
    v8a__free(full);
    v8a__free(label);
    return rc;
}

void v8a_flame_global_cleanup(void)
{
    cairo_debug_reset_static_data();
}
