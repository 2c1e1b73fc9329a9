/* flame_internal.h - what the flame layout, colours and writers share
 * (private to lib/): the page geometry, display names made safe, the legend.
 *
 * The SVG writer and the Cairo back end both place everything with
 * v8a__flame_geometry(), so the two draw the same picture.
 */
#ifndef V8A_FLAME_INTERNAL_H
#define V8A_FLAME_INTERNAL_H

#include <v8a/flame.h>

#include <stddef.h>
#include <stdint.h>

/* Cairo's image surfaces stop at 32767 pixels a side. */
#define V8A_FLAME_MAX_HEIGHT 32767u
#define V8A_FLAME_XPAD       10.0
#define V8A_FLAME_LEGEND_MAX 12

typedef struct v8a__flame_legend {
    char label[64];
    uint32_t rgb;
} v8a__flame_legend;

typedef struct v8a__flame_geom {
    double width;       /* image width */
    double height;      /* image height */
    double plot_width;  /* width - 2 * xpad */
    double scale;       /* pixels per weight unit */
    double row_h, font; /* row height and font size */
    double top;         /* y of the first row's top */
    uint32_t rows;      /* rows drawn, the truncation bar included */
    uint32_t cut;       /* depth from which rows are not drawn; 0 when none are cut */
    int root_at_bottom; /* graph mode */
    double details_y;   /* baseline of the details line */
    double legend_y;    /* top of the legend */
    size_t nlegend;
    v8a__flame_legend legend[V8A_FLAME_LEGEND_MAX];
    uint32_t legend_rows;
} v8a__flame_geom;

/* The page's colours under a theme, as 0xRRGGBB. Frames keep their palette
 * colours in every theme, and their labels stay dark. */
typedef struct v8a__flame_colors {
    uint32_t bg_top, bg_bottom; /* the background gradient */
    uint32_t text;              /* title, details, legend */
    uint32_t subtitle;
    uint32_t button; /* Reset Zoom, Search */
    uint32_t stroke; /* frame outlines (the background's colour) */
    uint32_t hover;  /* outline of the frame under the pointer */
    uint32_t label;  /* text on frames */
} v8a__flame_colors;

const v8a__flame_colors *v8a__flame_theme(v8a_flame_theme theme);

/* Computes the geometry of layout l with at most max_height pixels
 * (UINT32_MAX for no limit). */
void v8a__flame_geometry(const v8a_flame_layout *l, uint32_t max_height, v8a__flame_geom *g);

/* The box of mark i of a chart (o.marks): 1 with x, y, w, h set, or 0 when
 * marks are not drawn (not a chart, samples filtered or idle hidden, so the
 * axis is not the profile's time) or the mark is off the axis. */
int v8a__flame_mark_box(const v8a_flame_layout *l, const v8a__flame_geom *g, size_t i, double *x,
                        double *y, double *w, double *h);

/* y of the top of row `depth` (depth < g->cut or g->cut == 0). */
double v8a__flame_row_y(const v8a__flame_geom *g, uint32_t depth);

/* A copy of s fit for display: invalid UTF-8 bytes become U+FFFD, C0
 * controls and DEL are dropped, U+FFFE/U+FFFF become U+FFFD. NULL when out
 * of memory. The caller frees it with v8a__free. */
char *v8a__flame_clean(const char *s);

/* Number of code points of valid UTF-8 s. */
size_t v8a__utf8_count(const char *s);

/* Writes into out (cap bytes) the first (tr RIGHT) or last (tr LEFT) `keep`
 * code points of valid UTF-8 s with an ellipsis on the cut side. */
void v8a__flame_ellipsis(const char *s, size_t keep, v8a_flame_truncate tr, char *out, size_t cap);

/* The frame's display label ("name") and location ("url:line:col", or "";
 * a url too long for cap (at least 48) loses its start to an ellipsis, so
 * that its end and the line stay). Borrowed from the profile / static
 * storage. */
const char *v8a__flame_name(const v8a_profile *p, uint32_t frame);
void v8a__flame_location(const v8a_profile *p, uint32_t frame, char *out, size_t cap);

/* "12.3 ms", "1,234 samples", "4.5 MiB" for v in unit u. */
void v8a__flame_amount(char *out, size_t cap, int64_t v, const char *unit);

/* The legend of layout l (the categories or packages drawn, heaviest
 * first); at most max entries. */
size_t v8a__flame_legend_of(const v8a_flame_layout *l, v8a__flame_legend *out, size_t max);

/* The subtitle line: mode, weight, totals, what was hidden or pruned. */
void v8a__flame_subtitle(const v8a_flame_layout *l, char *out, size_t cap);

/* ---- filters and the transformed call tree (flame_layout.c) ---- */

/* A tree whose nodes are transformed stacks: children unique per frame key,
 * parents before children. map[i] is the merged node of profile node i
 * (V8A_PROFILE_NONE when --focus drops its samples). */
typedef struct {
    uint32_t *frame, *parent, *node, *depth;
    int64_t *self, *total, *x;
    uint32_t n;
    uint32_t *map;
} v8a__flame_merged;

/* Bits of v8a__flame_masks' mask: which option's regex a frame matches. */
enum { V8A__M_INCLUDE = 1, V8A__M_EXCLUDE = 2, V8A__M_FOCUS = 4, V8A__M_HIDE = 8 };

/* mask[nframes]: which of o's --include, --exclude, --focus and --hide
 * regexes each frame's name or url matches. V8A_EINVAL on a bad regex. */
int v8a__flame_masks(const v8a_profile *p, const v8a_flame_options *o, unsigned char *mask);

/* keep[nnodes]: 1 when samples at the node pass hidden idle, --include and
 * --exclude. 0 or V8A_ENOMEM. */
int v8a__flame_keep(const v8a_profile *p, const v8a_flame_options *o, int hide_idle,
                    const unsigned char *mask, unsigned char *keep);

/* Builds m from p: each node's stack goes through --focus, --hide and the
 * recursion collapse (mask from v8a__flame_masks, NULL for none). Frames
 * merge when key[frame] is equal (key NULL: the frame ordinal itself).
 * self[i], when self is not NULL and keep is NULL or keep[i], is added to
 * node i's merged node; totals follow. 0 or V8A_ENOMEM; free m with
 * v8a__flame_merged_free either way. */
int v8a__flame_merge(const v8a_profile *p, const v8a_flame_options *o, const unsigned char *mask,
                     const uint32_t *key, const int64_t *self, const unsigned char *keep,
                     v8a__flame_merged *m);
void v8a__flame_merged_free(v8a__flame_merged *m);

/* Weight below which a subtree is not drawn. */
double v8a__flame_prune_threshold(const v8a_flame_options *o, int64_t total);

/* Appends the graph/icicle rects of merged tree m to l (l->opt, l->profile
 * set; cap of l->rects as v8a__grow left it) and sets l->total, depth and
 * max_depth. delta and flags (may be NULL) give each merged node's values.
 * 0 or V8A_ENOMEM. */
int v8a__flame_layout_graph(v8a_flame_layout *l, v8a__flame_merged *m, const int64_t *delta,
                            const uint32_t *flags);

/* The profile a rect's frame belongs to (a diff layout's strip: the base). */
const v8a_profile *v8a__flame_rect_profile(const v8a_flame_layout *l, const v8a_flame_rect *r);

/* The fill of rect r: its palette colour, or its diff colour. */
uint32_t v8a__flame_rect_color(const v8a_flame_layout *l, const v8a_flame_rect *r);

int v8a__flame_render_svg(const v8a_flame_layout *l, v8a_write_cb write, void *payload);
int v8a__flame_render_cairo(const v8a_flame_layout *l, v8a_flame_format fmt, v8a_write_cb write,
                            void *payload);

#endif
