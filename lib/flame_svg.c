/* flame_svg.c - a flame layout as one self-contained SVG file, interactive
 * (a small embedded script) or static (--static, no script).
 *
 * Each frame is <g fg:x fg:w fg:s> holding <title> (the full name and
 * location), <rect class="cN"> and, when a label fits, <text>. fg:x, fg:w
 * and fg:s are the integer weights (offset, width = total, self), so the
 * script computes every percentage from integers: zoom percentages, and
 * "Matched" as the union of the matched intervals (nested matches are not
 * counted twice). Colours are CSS classes, one per distinct colour.
 *
 * Every string comes from the file and goes through v8a__flame_clean (valid
 * UTF-8, no control characters) and XML escaping; labels are fitted for a
 * monospace font (0.6 em per character) and cut on code point boundaries.
 * Output is buffered in 64 KiB blocks handed to the caller's write callback.
 */
#include "alloc.h"
#include "error.h"
#include "flame_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAR_EM 0.6 /* advance of a monospace glyph, in em */

typedef struct {
    v8a_write_cb write;
    void *payload;
    int failed;
    size_t n;
    char buf[1 << 16];
} sink;

static void flush(sink *s)
{
    if (s->n && !s->failed && s->write(s->payload, s->buf, s->n) != 0)
        s->failed = errno ? errno : EIO;
    s->n = 0;
}

static void put(sink *s, const char *p, size_t len)
{
    while (len) {
        if (s->n == sizeof s->buf) flush(s);
        size_t k = sizeof s->buf - s->n;
        if (k > len) k = len;
        memcpy(s->buf + s->n, p, k);
        s->n += k;
        p += k;
        len -= k;
    }
}

static void puts_(sink *s, const char *p)
{
    put(s, p, strlen(p));
}

static void putf(sink *s, const char *fmt, ...)
{
    char b[1024];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    put(s, b, (size_t)k < sizeof b ? (size_t)k : sizeof b - 1);
}

static void put_int(sink *s, int64_t v)
{
    char b[24];
    size_t i = sizeof b;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do b[--i] = (char)('0' + u % 10);
    while ((u /= 10));
    if (v < 0) b[--i] = '-';
    put(s, b + i, sizeof b - i);
}

/* v with at most two decimals, no trailing zeros. */
static void put_fixed(sink *s, double v)
{
    if (!(v > -1e15 && v < 1e15)) v = 0;
    int64_t c = (int64_t)llround(v * 100);
    if (c < 0) {
        put(s, "-", 1);
        c = -c;
    }
    put_int(s, c / 100);
    int f = (int)(c % 100);
    if (f) {
        char b[3] = {'.', (char)('0' + f / 10), (char)('0' + f % 10)};
        put(s, b, f % 10 ? 3 : 2);
    }
}

/* XML-escapes s, which must already be clean (v8a__flame_clean). */
static void put_esc(sink *s, const char *p)
{
    const char *run = p;
    for (; *p; p++) {
        const char *e = NULL;
        switch (*p) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&#39;"; break;
        default: continue;
        }
        put(s, run, (size_t)(p - run));
        puts_(s, e);
        run = p + 1;
    }
    put(s, run, (size_t)(p - run));
}

/* Cleans and escapes any string from outside. */
static int put_text(sink *s, const char *p)
{
    char *c = v8a__flame_clean(p);
    if (!c) return v8a__error_nomem("flame svg");
    put_esc(s, c);
    v8a__free(c);
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The script: zoom, search, details. C, the configuration, is written
 * before it. Depth is recovered from each rect's y. */
static const char script[] =
    "(function(){'use strict';\n"
    "var d=document,NS='http://www.w3.org/2000/svg',det=d.getElementById('details'),"
    "mat=d.getElementById('matched'),unz=d.getElementById('unzoom'),sb=d.getElementById('search'),"
    "gs=d.getElementById('frames').children,F=[],Z={x:0,w:C.total,d:-1},RE=null;\n"
    "for(var i=0;i<gs.length;i++){var g=gs[i],r=g.getElementsByTagName('rect')[0],"
    "ti=g.getElementsByTagName('title')[0].textContent.split('\\n'),y=+r.getAttribute('y');"
    "var f={g:g,r:r,t:g.getElementsByTagName('text')[0]||null,x:+g.getAttribute('fg:x'),"
    "w:+g.getAttribute('fg:w'),s:+g.getAttribute('fg:s'),n:ti[0],u:ti[1]||'',y:y,st:'',m:false,"
    "d:Math.round(C.bottom?(C.top+(C.rows-1)*C.rh-y)/C.rh:(y-C.top)/C.rh)};F.push(f);g.__f=f;}\n"
    "function amt(v){var a=Math.abs(v);if(C.unit==='us')return a>=1e6?(v/1e6).toFixed(2)+' s':"
    "a>=1e3?(v/1e3).toFixed(1)+' ms':v+' \\u00b5s';if(C.unit==='bytes')return a>=1073741824?"
    "(v/1073741824).toFixed(1)+' GiB':a>=1048576?(v/1048576).toFixed(1)+' MiB':a>=1024?"
    "(v/1024).toFixed(1)+' KiB':v+' B';return v.toLocaleString('en-US')+(v===1?' sample':"
    "' samples');}\n"
    "function pct(v,t){return t>0?(100*v/t).toFixed(2)+'%':'-';}\n"
    "function fit(f,w){var k=Math.floor((w-6)/C.cw),ch=Array.from(f.n);if(ch.length<=k)return "
    "f.n;if(k<3)return '';return C.trunc?'\\u2026'+ch.slice(ch.length-k+1).join(''):"
    "ch.slice(0,k-1).join('')+'\\u2026';}\n"
    "function cls(f){var c=(f.st?f.st+' ':'')+(f.m?'m':'');if(c)f.g.setAttribute('class',c);"
    "else f.g.removeAttribute('class');}\n"
    "function place(f,x,w){f.r.setAttribute('x',x.toFixed(2));f.r.setAttribute('width',"
    "Math.max(0,w).toFixed(2));var s=fit(f,w);if(!f.t){if(!s)return;f.t=d.createElementNS(NS,"
    "'text');f.t.setAttribute('y',(f.y+C.ty).toFixed(2));f.g.appendChild(f.t);}"
    "f.t.setAttribute('x',(x+3).toFixed(2));f.t.textContent=s;}\n"
    "function zoom(z){Z=z;var sc=C.pw/z.w;for(var i=0;i<F.length;i++){var f=F[i];"
    "if(f.d<z.d&&f.x<=z.x&&f.x+f.w>=z.x+z.w){place(f,C.xpad,C.pw);f.st='p';}"
    "else if(f.d>=z.d&&f.x>=z.x&&f.x+f.w<=z.x+z.w){place(f,C.xpad+(f.x-z.x)*sc,f.w*sc);f.st='';}"
    "else f.st='h';cls(f);}unz.setAttribute('class',z.d<0?'b h':'b');if(RE)mark();}\n"
    "function show(f){if(!f){det.textContent=' ';return;}var s=f.n+(f.u?' ('+f.u+')':'')+"
    "': total '+amt(f.w)+' ('+pct(f.w,C.total)+(Z.d>=0&&f.d>=Z.d?', '+pct(f.w,Z.w)+' of zoom':'')+"
    "'), self '+amt(f.s)+' ('+pct(f.s,C.total)+(Z.d>=0&&f.d>=Z.d?', '+pct(f.s,Z.w)+' of zoom':'')+"
    "')';det.textContent=s;}\n"
    "function mark(){var iv=[],i,f;for(i=0;i<F.length;i++){f=F[i];f.m=RE.test(f.n)||"
    "(f.u!==''&&RE.test(f.u));cls(f);if(f.m)iv.push([f.x,f.x+f.w]);}"
    "iv.sort(function(a,b){return a[0]-b[0]||b[1]-a[1];});var all=0,zm=0,s=0,e=-1,ze=Z.x+Z.w;"
    "function add(){if(e>s){all+=e-s;zm+=Math.max(0,Math.min(e,ze)-Math.max(s,Z.x));}}"
    "for(i=0;i<iv.length;i++){if(iv[i][0]>=e){add();s=iv[i][0];e=iv[i][1];}else if(iv[i][1]>e)"
    "e=iv[i][1];}add();mat.textContent='Matched: '+pct(all,C.total)+(Z.d>=0?' of all, '+"
    "pct(zm,Z.w)+' of zoom':'');sb.textContent='Reset Search';}\n"
    "function unmark(){RE=null;for(var i=0;i<F.length;i++){F[i].m=false;cls(F[i]);}"
    "mat.textContent=' ';sb.textContent='Search';}\n"
    "function ask(){var t=prompt('Search for (regular expression; (?i) prefix: ignore case)',"
    "'');if(t===null)return;if(t===''){unmark();return;}var fl='';if(t.indexOf('(?i)')===0)"
    "{fl='i';t=t.slice(4);}try{RE=new RegExp(t,fl);}catch(e){alert('Bad pattern: '+e.message);"
    "return;}mark();}\n"
    "function fr(e){var g=e.target;while(g&&!g.__f)g=g.parentNode;return g?g.__f:null;}\n"
    "var fe=d.getElementById('frames');fe.addEventListener('mouseover',function(e){show(fr(e));});"
    "fe.addEventListener('mouseout',function(){show(null);});fe.addEventListener('click',"
    "function(e){var f=fr(e);if(f&&f.st!=='h')zoom({x:f.x,w:f.w,d:f.d});});\n"
    "unz.addEventListener('click',function(){zoom({x:0,w:C.total,d:-1});});"
    "sb.addEventListener('click',function(){if(RE)unmark();else ask();});\n"
    "window.addEventListener('keydown',function(e){if(e.key==='F3'||((e.ctrlKey||e.metaKey)&&"
    "(e.key==='f'||e.key==='F'))){e.preventDefault();ask();}else if(e.key==='Escape'){"
    "zoom({x:0,w:C.total,d:-1});unmark();}});\n"
    "})();\n";

int v8a__flame_render_svg(const v8a_flame_layout *l, v8a_write_cb write, void *payload)
{
    const v8a_profile *p = l->profile;
    const v8a_flame_options *o = &l->opt;
    v8a__flame_geom g;
    v8a__flame_geometry(l, UINT32_MAX, &g);
    sink *s = v8a__malloc(sizeof *s);
    uint32_t *col = v8a__malloc((p->nframes ? p->nframes : 1) * sizeof *col);
    size_t nused = p->nframes > l->nrects ? p->nframes : l->nrects;
    uint32_t *used = v8a__malloc((nused ? nused : 1) * sizeof *used);
    char **clean = v8a__calloc(p->nframes ? p->nframes : 1, sizeof *clean);
    char *label = NULL, *strip_name = NULL;
    int rc = 0, interactive = !o->static_svg;
    if (!s || !col || !used || !clean) {
        rc = v8a__error_nomem("flame svg");
        goto done;
    }
    s->write = write;
    s->payload = payload;
    s->failed = 0;
    s->n = 0;
    /* colours of the frames drawn, and one class per distinct colour */
    memset(col, 0xff, (p->nframes ? p->nframes : 1) * sizeof *col);
    size_t ncol = 0;
    for (size_t i = 0; i < l->nrects && !l->base; i++) {
        uint32_t f = l->rects[i].frame;
        if (f < p->nframes && col[f] == UINT32_MAX) {
            col[f] = v8a_flame_color(p, f, o->palette);
            used[ncol++] = col[f];
        }
    }
    for (size_t i = 0; i < l->nrects && l->base; i++)
        used[ncol++] = v8a__flame_rect_color(l, &l->rects[i]);
    qsort(used, ncol, sizeof *used, cmp_u32);
    size_t nu = 0;
    for (size_t i = 0; i < ncol; i++)
        if (!nu || used[nu - 1] != used[i]) used[nu++] = used[i];

    double W = g.width, H = g.height, font = g.font, rh = g.row_h;
    double cw = font * CHAR_EM, ty = (rh + font * 0.7) / 2 - 0.5;
    puts_(s, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
             "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" "
             "xmlns:fg=\"https://v8a.invalid/flame\" width=\"");
    put_fixed(s, W);
    puts_(s, "\" height=\"");
    put_fixed(s, H);
    puts_(s, "\" viewBox=\"0 0 ");
    put_fixed(s, W);
    puts_(s, " ");
    put_fixed(s, H);
    putf(s, "\" fg:total=\"%lld\" fg:unit=\"%s\">\n", (long long)l->total, l->unit);
    const v8a__flame_colors *th = v8a__flame_theme(o->theme);
    putf(s,
         "<style>\ntext{font-family:monospace;font-size:%gpx;fill:#%06x}\n"
         ".t{font-size:%gpx;text-anchor:middle}\n.st{fill:#%06x;text-anchor:middle}\n"
         ".b{cursor:pointer;fill:#%06x;text-decoration:underline}\n.h{display:none}\n"
         ".p{opacity:.5}\n#frames rect{stroke:#%06x;stroke-width:.3}\n"
         "#frames g:hover rect{stroke:#%06x;stroke-width:.6}\n"
         "#frames text{pointer-events:none;fill:#%06x}\n#frames g{cursor:pointer}\n",
         font, (unsigned)th->text, font + 5, (unsigned)th->subtitle, (unsigned)th->button,
         (unsigned)th->stroke, (unsigned)th->hover, (unsigned)th->label);
    for (size_t i = 0; i < nu; i++) putf(s, ".c%zx{fill:#%06x}\n", i, (unsigned)used[i]);
    puts_(s, ".m>rect{fill:#e600e6}\n</style>\n");
    putf(s,
         "<defs><linearGradient id=\"bg\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
         "<stop stop-color=\"#%06x\" offset=\"5%%\"/><stop stop-color=\"#%06x\" "
         "offset=\"95%%\"/></linearGradient></defs>\n"
         "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"url(#bg)\"/>\n",
         (unsigned)th->bg_top, (unsigned)th->bg_bottom);
    /* title and subtitle */
    const char *title = o->title                      ? o->title
                        : o->mode == V8A_FLAME_ICICLE ? "Icicle Graph"
                        : o->mode == V8A_FLAME_CHART  ? "Flame Chart"
                                                      : "Flame Graph";
    putf(s, "<text class=\"t\" x=\"%g\" y=\"%g\">", W / 2, font * 2);
    if ((rc = put_text(s, title)) < 0) goto done;
    puts_(s, "</text>\n");
    char sub[1024];
    v8a__flame_subtitle(l, sub, sizeof sub);
    putf(s, "<text class=\"st\" x=\"%g\" y=\"%g\">", W / 2, font * 3.4);
    if ((rc = put_text(s, sub)) < 0) goto done;
    puts_(s, "</text>\n");
    if (interactive)
        putf(s,
             "<text id=\"unzoom\" class=\"b h\" x=\"%g\" y=\"%g\">Reset Zoom</text>\n"
             "<text id=\"search\" class=\"b\" x=\"%g\" y=\"%g\" "
             "style=\"text-anchor:end\">Search</text>\n",
             V8A_FLAME_XPAD, font * 2, W - V8A_FLAME_XPAD, font * 2);
    if (!l->nrects)
        putf(s, "<text x=\"%g\" y=\"%g\" style=\"text-anchor:middle\">no samples to draw</text>\n",
             W / 2, g.top + rh - 4);

    /* frames */
    size_t label_cap = 4096;
    label = v8a__malloc(label_cap);
    if (!label) {
        rc = v8a__error_nomem("flame svg");
        goto done;
    }
    puts_(s, "<g id=\"frames\">\n");
    for (size_t i = 0; i < l->nrects; i++) {
        const v8a_flame_rect *r = &l->rects[i];
        uint32_t f = r->frame;
        const v8a_profile *rp = v8a__flame_rect_profile(l, r);
        v8a__free(strip_name);
        strip_name = NULL;
        if (rp != p) {
            /* a diff layout's strip: frames of the base */
            if (!(strip_name = v8a__flame_clean(
                      r->depth == l->strip_depth ? "only in base" : v8a__flame_name(rp, f)))) {
                rc = v8a__error_nomem("flame svg");
                goto done;
            }
        } else if (f < p->nframes && !clean[f] &&
                   !(clean[f] = v8a__flame_clean(v8a__flame_name(p, f)))) {
            rc = v8a__error_nomem("flame svg");
            goto done;
        }
        const char *name = strip_name ? strip_name : f < p->nframes ? clean[f] : "(unknown)";
        double x = V8A_FLAME_XPAD + (double)r->x * g.scale, w = (double)r->width * g.scale;
        double y = v8a__flame_row_y(&g, r->depth);
        puts_(s, "<g fg:x=\"");
        put_int(s, r->x);
        puts_(s, "\" fg:w=\"");
        put_int(s, r->width);
        puts_(s, "\" fg:s=\"");
        put_int(s, r->self);
        puts_(s, "\"><title>");
        put_esc(s, name);
        char loc[4096];
        v8a__flame_location(rp, f, loc, sizeof loc);
        if (loc[0]) {
            puts_(s, "&#10;");
            if ((rc = put_text(s, loc)) < 0) goto done;
        }
        if (!interactive) {
            char a[48], b[48];
            v8a__flame_amount(a, sizeof a, r->total, l->unit);
            v8a__flame_amount(b, sizeof b, r->self, l->unit);
            putf(s, "&#10;total %s (%.2f%%), self %s (%.2f%%)", a,
                 l->total ? 100.0 * (double)r->total / (double)l->total : 0.0, b,
                 l->total ? 100.0 * (double)r->self / (double)l->total : 0.0);
        }
        if (l->base) {
            char d[48];
            v8a__flame_amount(d, sizeof d, r->delta, l->unit);
            putf(s, "&#10;%s%s%s", r->delta > 0 ? "+" : "", d,
                 r->flags & V8A_FLAME_RECT_NEW         ? " (new)"
                 : r->flags & V8A_FLAME_RECT_BASE_ONLY ? " (only in base)"
                                                       : "");
        }
        uint32_t rc_col = l->base ? v8a__flame_rect_color(l, r) : f < p->nframes ? col[f] : 0;
        const uint32_t *hit = bsearch(&rc_col, used, nu, sizeof *used, cmp_u32);
        putf(s, "</title><rect class=\"c%zx\" x=\"", hit ? (size_t)(hit - used) : (size_t)0);
        put_fixed(s, x);
        puts_(s, "\" y=\"");
        put_fixed(s, y);
        puts_(s, "\" width=\"");
        put_fixed(s, w);
        puts_(s, "\" height=\"");
        put_fixed(s, rh - 1);
        puts_(s, "\"/>");
        size_t keep = w > 6 ? (size_t)((w - 6) / cw) : 0;
        size_t cps = v8a__utf8_count(name);
        if (cps <= keep || keep >= 3) {
            size_t need = strlen(name) + 8;
            if (need > label_cap) {
                char *nl = v8a__realloc(label, need);
                if (!nl) {
                    rc = v8a__error_nomem("flame svg");
                    goto done;
                }
                label = nl;
                label_cap = need;
            }
            v8a__flame_ellipsis(name, cps <= keep ? keep : keep - 1, o->truncate, label, label_cap);
            puts_(s, "<text x=\"");
            put_fixed(s, x + 3);
            puts_(s, "\" y=\"");
            put_fixed(s, y + ty);
            puts_(s, "\">");
            put_esc(s, label);
            puts_(s, "</text>");
        }
        puts_(s, "</g>\n");
        if (s->failed) break;
    }
    puts_(s, "</g>\n");
    /* chart marks, over the frames, letting the pointer through */
    for (size_t i = 0; i < o->nmarks; i++) {
        double mx, my, mw, mh;
        if (!v8a__flame_mark_box(l, &g, i, &mx, &my, &mw, &mh)) continue;
        putf(s,
             "<g class=\"mk\" style=\"pointer-events:none\"><rect x=\"%.2f\" y=\"%.2f\" "
             "width=\"%.2f\" height=\"%.2f\" fill=\"#d00000\" fill-opacity=\"0.12\" "
             "stroke=\"#d00000\" stroke-opacity=\"0.6\"/><text x=\"%.2f\" y=\"%.2f\" "
             "style=\"fill:#a00000;font-weight:bold\">",
             mx, my, mw, mh, mx + 3, my + g.row_h - 4);
        /* the label where it fits (about 0.6 em a character) */
        const char *lab = o->marks[i].label ? o->marks[i].label : "";
        if ((double)v8a__utf8_count(lab) * g.font * 0.6 + 6 > mw) lab = "";
        if ((rc = put_text(s, lab)) < 0) goto done;
        puts_(s, "</text></g>\n");
    }
    if (interactive)
        putf(s,
             "<text id=\"details\" x=\"%g\" y=\"%g\"> </text>\n"
             "<text id=\"matched\" x=\"%g\" y=\"%g\" style=\"text-anchor:end\"> </text>\n",
             V8A_FLAME_XPAD, g.details_y, W - V8A_FLAME_XPAD, g.details_y);
    /* legend */
    if (g.nlegend) {
        puts_(s, "<g id=\"legend\">\n");
        double lx = V8A_FLAME_XPAD, ly = g.legend_y;
        for (size_t i = 0; i < g.nlegend; i++) {
            double iw = 14 + (double)v8a__utf8_count(g.legend[i].label) * font * 0.6 + 18;
            if (lx + iw > W - V8A_FLAME_XPAD && lx > V8A_FLAME_XPAD) {
                lx = V8A_FLAME_XPAD;
                ly += font + 8;
            }
            putf(s, "<rect x=\"%g\" y=\"%g\" width=\"12\" height=\"12\" fill=\"#%06x\"/>", lx, ly,
                 (unsigned)g.legend[i].rgb);
            putf(s, "<text x=\"%g\" y=\"%g\">", lx + 16, ly + 10);
            if ((rc = put_text(s, g.legend[i].label)) < 0) goto done;
            puts_(s, "</text>\n");
            lx += iw;
        }
        puts_(s, "</g>\n");
    }
    if (interactive) {
        putf(s,
             "<script><![CDATA[\nvar C={total:%lld,unit:'%s',xpad:%g,pw:%.4f,rh:%g,top:%g,"
             "rows:%u,bottom:%d,cw:%.4f,ty:%.2f,trunc:%d};\n",
             (long long)l->total, l->unit, V8A_FLAME_XPAD, g.plot_width, rh, g.top, g.rows,
             g.root_at_bottom, cw, ty, o->truncate == V8A_TRUNCATE_LEFT);
        puts_(s, script);
        puts_(s, "]]></script>\n");
    }
    puts_(s, "</svg>\n");
    flush(s);
    if (s->failed) rc = v8a__error_set(V8A_EIO, "svg: write error: %s", strerror(s->failed));
done:
    if (clean)
        for (uint32_t f = 0; f < p->nframes; f++) v8a__free(clean[f]);
    v8a__free(clean);
    v8a__free(col);
    v8a__free(used);
    v8a__free(label);
    v8a__free(strip_name);
    v8a__free(s);
    return rc;
}
