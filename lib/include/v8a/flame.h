/* v8a/flame.h - flame graphs, icicles and flame charts of a profile, drawn
 * as interactive SVG, PNG or PDF.
 *
 * Two steps. v8a_flame_layout_new() turns a profile (v8a/profile.h) into
 * rectangles measured in integer weight units (microseconds, samples or
 * bytes): x, width, depth and frame. v8a_flame_render() draws one layout; the
 * SVG writer and the Cairo back end (PNG, PDF) read the same rectangles and
 * the same geometry, so every output shows the same picture.
 *
 * Modes:
 *   graph   stacks merged (a child merges with a sibling of the same frame),
 *           siblings sorted by name or by weight, root at the bottom;
 *   icicle  the same, root at the top;
 *   chart   time on the x axis (DevTools' flame chart): a frame spans the
 *           consecutive samples that share its stack prefix; a GC sample is
 *           drawn on top of the previous sample's stack; the (root) node is
 *           not drawn, so (idle), (program) and top-level calls sit at depth 0.
 *
 * Filters (docs/flame-render.1), applied in this order to every sample's
 * stack; a sample's weight always lands on exactly one frame, so totals stay
 * consistent:
 *   include   keep only samples whose stack has a frame matching (name or url);
 *   exclude   drop samples whose stack has a matching frame;
 *   focus     re-root: the stack is cut so it starts at the first matching
 *             frame from the root (the rest of the stack is kept whole, later
 *             matches included); samples without a match are dropped; the
 *             matching frames become children of the root and merge there;
 *   hide      remove matching frames: their self weight goes to the caller and
 *             their callees move up to the caller;
 *   collapse  recursion: a frame that calls itself directly (a;b;b;b;c becomes
 *             a;b;c), or with V8A_RECURSION_ALL any frame already on the stack
 *             (a;b;c;b;d becomes a;b;c;d, as speedscope's "r"); the time of a
 *             dropped frame goes to the frame below it on the new stack.
 * Include and exclude look at the stack as recorded; focus too; hide and
 * collapse work on what focus left. Chart mode applies the same transforms to
 * each sample and merges consecutive samples with equal transformed stacks.
 */
#ifndef V8A_PUBLIC_FLAME_H
#define V8A_PUBLIC_FLAME_H

#include <v8a/common.h>
#include <v8a/profile.h>

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum v8a_flame_mode {
    V8A_FLAME_GRAPH = 0,
    V8A_FLAME_ICICLE = 1,
    V8A_FLAME_CHART = 2
} v8a_flame_mode;

typedef enum v8a_flame_sort {
    V8A_FLAME_SORT_NAME = 0,  /* siblings by name, then url, line, column (flamegraph.pl) */
    V8A_FLAME_SORT_WEIGHT = 1 /* heaviest first, ties by name (speedscope's left heavy) */
} v8a_flame_sort;

/* (idle) samples. AUTO hides them in graph and icicle (percentages are of
 * the busy time, as in speedscope) and shows them in chart (the time axis
 * stays true, as in DevTools). */
typedef enum v8a_flame_idle {
    V8A_FLAME_IDLE_AUTO = 0,
    V8A_FLAME_IDLE_SHOW = 1,
    V8A_FLAME_IDLE_HIDE = 2
} v8a_flame_idle;

typedef enum v8a_flame_palette {
    V8A_PALETTE_CATEGORY = 0, /* app warm, one hue per npm package, node core blue,
                                 native/V8 grey, GC violet, idle light grey */
    V8A_PALETTE_HOT = 1,      /* flamegraph.pl's reds and yellows, by name */
    V8A_PALETTE_PACKAGE = 2   /* one colour per package or script file */
} v8a_flame_palette;

typedef enum v8a_flame_truncate {
    V8A_TRUNCATE_RIGHT = 0, /* "processTicksAndRej…": the start of the name stays */
    V8A_TRUNCATE_LEFT = 1   /* "…AndRejections": the end stays */
} v8a_flame_truncate;

typedef enum v8a_flame_recursion {
    V8A_RECURSION_KEEP = 0,   /* stacks as recorded */
    V8A_RECURSION_DIRECT = 1, /* a frame directly calling itself is drawn once */
    V8A_RECURSION_ALL = 2     /* any frame already on the stack is dropped (indirect too) */
} v8a_flame_recursion;

typedef enum v8a_flame_theme {
    V8A_THEME_LIGHT = 0, /* flamegraph.pl's light grey page, dark text */
    V8A_THEME_DARK = 1   /* a dark page and light text; frames keep their colours */
} v8a_flame_theme;

typedef enum v8a_flame_format {
    V8A_FLAME_SVG = 0,
    V8A_FLAME_PNG = 1,
    V8A_FLAME_PDF = 2
} v8a_flame_format;

/* Everything a layout and its rendering depend on. Initialise with
 * v8a_flame_options_init(), then set what you need. */
typedef struct v8a_flame_options {
    v8a_flame_mode mode;
    v8a_weight weight; /* chart mode reads HITCOUNT as TIME; heap profiles weigh bytes */
    v8a_flame_sort sort;
    v8a_flame_idle idle;
    uint32_t width;           /* image width in pixels (default 1200) */
    double min_width;         /* drop frames narrower than this many pixels (default 0.1) */
    double min_width_percent; /* when > 0: drop frames below this % of the total instead */
    uint32_t max_depth;       /* draw at most this many rows; 0 for all */
    const char *focus;        /* PCRE2: re-root at the first frame whose name or url matches
                                 (see Filters above); NULL for none */
    const char *exclude;      /* PCRE2: drop the samples whose stack has a matching frame */
    const char *title;        /* NULL: "Flame Graph", "Icicle Graph" or "Flame Chart" */
    v8a_flame_palette palette;
    v8a_flame_truncate truncate;
    int static_svg;      /* write SVG without JavaScript */
    uint32_t row_height; /* pixels per row (default 16) */
    uint32_t font_size;  /* pixels (default 12) */
    v8a_progress_cb progress;
    void *progress_payload;
    /* Newer fields. */
    const char *include;                /* PCRE2: keep only samples whose stack has a frame
                                           whose name or url matches; NULL for all */
    const char *hide;                   /* PCRE2: remove matching frames, crediting callers */
    v8a_flame_recursion recursion;      /* collapse recursion (default: keep) */
    v8a_flame_theme theme;              /* page colours (default light) */
    int diff_normalize;                 /* diff layouts: scale BASE to NEW's total */
    const struct v8a_flame_mark *marks; /* chart mode: stretches of time to mark */
    size_t nmarks;                      /* (borrowed: must outlive the layout) */
} v8a_flame_options;

/* A stretch of time marked on a flame chart (flame render --annotate): a
 * translucent band behind the frames from start to start + duration, in
 * the profile's sample time (microseconds from the first sample), with a
 * label above it and as its tooltip. Ignored outside chart mode, and drawn
 * only while idle is shown (otherwise the time axis is compressed). */
typedef struct v8a_flame_mark {
    int64_t start_us, duration_us;
    const char *label;
} v8a_flame_mark;

void v8a_flame_options_init(v8a_flame_options *o);

/* One rectangle. x and width are in weight units from the left edge; for
 * graph and icicle width == total (the frame's inclusive weight), for chart
 * the frame's span in time. self is the frame's own weight (chart: the part
 * of its span no child covers). Children dropped by pruning are not added to
 * self: they leave a visible gap under their parent. */
typedef struct v8a_flame_rect {
    int64_t x;
    int64_t width;
    int64_t self;
    int64_t total;
    uint32_t depth;  /* row: 0 is the root (graph, icicle) or a top-level frame (chart) */
    uint32_t frame;  /* ordinal into profile->frames */
    uint32_t parent; /* ordinal of the parent rectangle; V8A_PROFILE_NONE at depth 0 */
    uint32_t node;   /* a profile node of this frame (the first one merged, in graph) */
    /* Differential layouts only (0 otherwise): total in NEW minus total in
     * BASE for the same stack (BASE scaled when opt.diff_normalize), and
     * V8A_FLAME_RECT_* flags. */
    int64_t delta;
    uint32_t flags;
} v8a_flame_rect;

#define V8A_FLAME_RECT_NEW 1u /* the stack is not in BASE: a new frame */
#define V8A_FLAME_RECT_BASE_ONLY                                                                   \
    2u /* in the strip of BASE's vanished stacks: frame and node                                   \
          index layout->base, x and width are BASE's weights */

/* A layout: read it, don't change it. Rectangles are in pre-order: a parent
 * comes before its children, siblings left to right. */
typedef struct v8a_flame_layout {
    const v8a_profile *profile; /* borrowed: must outlive the layout */
    v8a_flame_options opt;      /* a copy; opt.title is owned by the layout */
    v8a_flame_rect *rects;
    size_t nrects;
    int64_t total;       /* the whole x axis, in weight units */
    int64_t unfiltered;  /* the total before the filters and hidden idle */
    uint32_t depth;      /* rows needed: 1 + the deepest kept rectangle */
    uint32_t max_depth;  /* rows the profile has before --max-depth and pruning */
    size_t pruned;       /* subtrees dropped as narrower than the minimum width */
    size_t cut_by_depth; /* subtrees dropped by --max-depth */
    const char *unit;    /* "us", "samples" or "bytes" (static) */
    /* Differential layouts (v8a_flame_diff_layout_new); NULL / 0 otherwise.
     * rects[0 .. nmain) are NEW's graph; rects[nmain .. nrects) are the
     * strip of stacks only in BASE, laid out as a graph of BASE's weights
     * (the frames of BASE that are in NEW too are drawn as their context),
     * its rows starting at strip_depth (one empty row above the main graph). */
    const v8a_profile *base;
    int64_t base_total; /* BASE's total after the filters, before scaling */
    int64_t max_delta;  /* the largest |delta| of a main rect other than the root */
    size_t nmain;
    uint32_t strip_depth;
} v8a_flame_layout;

/* Lays out profile p under options o (NULL for defaults). Returns 0, or
 * V8A_EINVAL (a bad option or regex; the message names it), V8A_ENOMEM, or
 * V8A_EUNSUPPORTED (chart of a profile without samples). *out is the
 * caller's, freed with v8a_flame_layout_free(); NULL on failure. */
int v8a_flame_layout_new(v8a_flame_layout **out, const v8a_profile *p, const v8a_flame_options *o);

void v8a_flame_layout_free(v8a_flame_layout *l);

/* A differential flame graph of NEW against BASE (for `flame diff`):
 * widths come from NEW (graph or icicle; chart is V8A_EUNSUPPORTED), each
 * rect's delta is its total in NEW minus the same stack's total in BASE
 * (frames are matched across the two profiles by name, url, line and
 * column, after o's filters), stacks that BASE lacks are flagged
 * V8A_FLAME_RECT_NEW, and the stacks only BASE has follow in a strip of
 * V8A_FLAME_RECT_BASE_ONLY rects (see v8a_flame_layout). With
 * o->diff_normalize BASE's weights are scaled to NEW's total first (for
 * profiles of different lengths). v8a_flame_render draws it: red for more,
 * blue for less (intensity |delta| / max_delta), purple for new frames, the
 * strip grey-blue under the title "only in base". Both profiles must
 * outlive the layout. Returns as v8a_flame_layout_new. */
int v8a_flame_diff_layout_new(v8a_flame_layout **out, const v8a_profile *base,
                              const v8a_profile *newp, const v8a_flame_options *o);

/* Receives output bytes; returns 0, or non-zero to fail the rendering with
 * V8A_EIO (the callback may set errno to say why). */
typedef int (*v8a_write_cb)(void *payload, const void *data, size_t len);

/* Draws layout l in format fmt through write. Returns 0, V8A_EIO (a write
 * failed, or Cairo did: the message has cairo_status_to_string), V8A_ENOMEM
 * or V8A_EINVAL. PNG and PDF keep the image under 32767 pixels in height:
 * rows beyond that are cut and a "depth truncated at N" bar drawn instead.
 * On failure some bytes may already have been written. */
int v8a_flame_render(const v8a_flame_layout *l, v8a_flame_format fmt, v8a_write_cb write,
                     void *payload);

/* The same into a stdio stream (the caller opens and closes it). */
int v8a_flame_render_file(const v8a_flame_layout *l, v8a_flame_format fmt, FILE *f);

/* Writes p as folded stacks ("frame;frame;leaf N" lines, root first, the
 * root itself left out) through write: the weights under o->weight (NULL o:
 * samples), after o's filters (include, exclude, focus, hide, recursion;
 * o->idle HIDE leaves (idle) out, AUTO and SHOW keep it). A frame is its
 * display name, plus " [url:line]" when the url is known; ';' inside a name
 * or url becomes ':'. Lines are sorted frame by frame in byte order (a stack
 * before its extensions) and their counts add up to the kept total (with
 * samples and no filter: the sample count). Returns 0, V8A_EINVAL (bad
 * argument or regex), V8A_ENOMEM or V8A_EIO (a write failed). */
int v8a_flame_fold(const v8a_profile *p, const v8a_flame_options *o, v8a_write_cb write,
                   void *payload);

/* The colour of frame `frame` of p under palette pal, as 0xRRGGBB. Depends
 * only on the frame's name, url, package and category, so it is stable
 * across runs and profiles. */
uint32_t v8a_flame_color(const v8a_profile *p, uint32_t frame, v8a_flame_palette pal);

/* Frees the caches Cairo keeps for fonts (process-wide). Only for leak
 * checkers at the very end of a process: no rendering may run at the same
 * time or later. */
void v8a_flame_global_cleanup(void);

#ifdef __cplusplus
}
#endif
#endif
