/* flame_color.c - deterministic frame colours and the legend that explains
 * them.
 *
 * A colour depends only on strings (the function name, the package name or
 * the script url) and the frame's category, through a fixed hash (FNV-1a
 * with a final mix), so the same function has the same colour in every run
 * and every profile. Palettes:
 *   category  app warm (reds, oranges); npm packages green to teal, the hue
 *             from the package name and the shade from the function; node
 *             core blue; V8/native grey; GC violet; (program) grey; (idle)
 *             light grey;
 *   hot       flamegraph.pl's hot palette, by name;
 *   package   one hue per package (or per script file for app and core).
 */
#include "flame_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static double unit(uint32_t h, int k)
{
    return (double)((h >> (8 * k)) & 0xff) / 255.0;
}

static uint32_t rgb(double r, double g, double b)
{
    int R = (int)lround(r * 255), G = (int)lround(g * 255), B = (int)lround(b * 255);
    R = R < 0 ? 0 : R > 255 ? 255 : R;
    G = G < 0 ? 0 : G > 255 ? 255 : G;
    B = B < 0 ? 0 : B > 255 ? 255 : B;
    return (uint32_t)R << 16 | (uint32_t)G << 8 | (uint32_t)B;
}

static double hue_part(double p, double q, double t)
{
    if (t < 0) t += 1;
    if (t > 1) t -= 1;
    if (t < 1.0 / 6) return p + (q - p) * 6 * t;
    if (t < 0.5) return q;
    if (t < 2.0 / 3) return p + (q - p) * (2.0 / 3 - t) * 6;
    return p;
}

/* h in degrees, s and l in 0..1 */
static uint32_t hsl(double h, double s, double l)
{
    h = fmod(h, 360.0) / 360.0;
    if (s <= 0) return rgb(l, l, l);
    double q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;
    return rgb(hue_part(p, q, h + 1.0 / 3), hue_part(p, q, h), hue_part(p, q, h - 1.0 / 3));
}

/* The colour of category cat; h is the hash of the function name (shade),
 * ph the hash of the package name (hue of packages). */
static uint32_t category_color(uint32_t cat, uint32_t h, uint32_t ph)
{
    double v1 = unit(h, 0), v2 = unit(h, 1), v3 = unit(h, 2);
    switch (cat) {
    case V8A_CAT_APP: return hsl(8 + 37 * v1, 0.70 + 0.20 * v2, 0.55 + 0.10 * v3);
    case V8A_CAT_PACKAGE: return hsl(75 + 115 * unit(ph, 0), 0.45 + 0.15 * v2, 0.52 + 0.14 * v3);
    case V8A_CAT_CORE: return hsl(205 + 20 * v1, 0.50 + 0.15 * v2, 0.62 + 0.10 * v3);
    case V8A_CAT_NATIVE: return hsl(45, 0.06 + 0.06 * v1, 0.62 + 0.12 * v3);
    case V8A_CAT_GC: return hsl(280 + 15 * v1, 0.40, 0.66);
    case V8A_CAT_IDLE: return 0xececec;
    case V8A_CAT_PROGRAM: return 0xc8c8c8;
    default: return 0xd9d3c7; /* (root) and anything unknown */
    }
}

/* The string a frame's package colour keys on. */
static const char *module_key(const v8a_profile *p, const v8a_frame *fr)
{
    if (fr->category == V8A_CAT_PACKAGE && fr->package) return v8a_profile_string(p, fr->package);
    if (fr->category == V8A_CAT_APP || fr->category == V8A_CAT_CORE)
        return v8a_profile_string(p, fr->url);
    return "";
}

uint32_t v8a_flame_color(const v8a_profile *p, uint32_t frame, v8a_flame_palette pal)
{
    if (!p || frame >= p->nframes) return 0xcccccc;
    const v8a_frame *fr = &p->frames[frame];
    uint32_t h = hash_str(v8a_profile_string(p, fr->name));
    switch (pal) {
    case V8A_PALETTE_HOT:
        return rgb((205 + 50 * unit(h, 2)) / 255, 230 * unit(h, 0) / 255, 55 * unit(h, 1) / 255);
    case V8A_PALETTE_PACKAGE:
        if (fr->category <= V8A_CAT_CORE) {
            uint32_t k = hash_str(module_key(p, fr));
            return hsl(360 * unit(k, 0), 0.50 + 0.10 * unit(k, 1), 0.60 + 0.08 * unit(h, 2));
        }
        return category_color(fr->category, h, 0);
    default: {
        uint32_t ph =
            fr->category == V8A_CAT_PACKAGE ? hash_str(v8a_profile_string(p, fr->package)) : 0;
        return category_color(fr->category, h, ph);
    }
    }
}

/* ---- legend ---- */

typedef struct {
    char label[64];
    uint32_t rgb;
    int64_t weight;
} entry;

static void add_weight(entry *e, size_t *n, size_t cap, const char *label, uint32_t col, int64_t w)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(e[i].label, label) == 0) {
            e[i].weight += w;
            return;
        }
    if (*n == cap) return;
    size_t len = strlen(label), cap_ = sizeof e[*n].label - 1;
    if (len > cap_) { /* cut on a code point boundary */
        len = cap_;
        while (len > 0 && ((unsigned char)label[len] & 0xc0) == 0x80) len--;
    }
    memcpy(e[*n].label, label, len);
    e[*n].label[len] = '\0';
    e[*n].rgb = col;
    e[*n].weight = w;
    (*n)++;
}

static const char *basename_of(const char *url)
{
    const char *s = strrchr(url, '/');
    return s && s[1] ? s + 1 : url;
}

size_t v8a__flame_legend_of(const v8a_flame_layout *l, v8a__flame_legend *out, size_t max)
{
    enum { CAP = 64 };
    static const char *const cpu_names[] = {"app", "npm packages", "node core", "V8 / native",
                                            "GC",  "idle",         "program",   "root"};
    /* heap snapshots (v8a_profile_from_heap) put classes in these */
    static const char *const heap_names[] = {"objects",      "native", "arrays, strings, numbers",
                                             "code, system", "GC",     "idle",
                                             "program",      "root"};
    entry e[CAP];
    size_t n = 0;
    const v8a_profile *p = l->profile;
    const char *const *cat_names =
        p->format == V8A_PROFILE_FORMAT_HEAPSNAPSHOT ? heap_names : cpu_names;
    if (l->opt.palette == V8A_PALETTE_HOT) return 0;
    /* Weigh by self over drawn rectangles; only a handful of labels survive. */
    for (size_t i = 0; i < l->nrects; i++) {
        const v8a_flame_rect *r = &l->rects[i];
        if (r->frame >= p->nframes) continue;
        const v8a_frame *fr = &p->frames[r->frame];
        int64_t w = r->self > 0 ? r->self : 0;
        if (fr->category == V8A_CAT_ROOT) continue;
        if (l->opt.palette == V8A_PALETTE_PACKAGE && fr->category <= V8A_CAT_CORE) {
            const char *key = module_key(p, fr);
            uint32_t k = hash_str(key);
            const char *label = fr->category == V8A_CAT_PACKAGE ? key : basename_of(key);
            add_weight(e, &n, CAP, *label ? label : "(no url)",
                       hsl(360 * unit(k, 0), 0.50 + 0.10 * unit(k, 1), 0.64), w);
        } else if (fr->category == V8A_CAT_PACKAGE && l->opt.palette == V8A_PALETTE_CATEGORY) {
            const char *pkg = v8a_profile_string(p, fr->package);
            char label[64];
            snprintf(label, sizeof label, "%s", *pkg ? pkg : "npm packages");
            add_weight(e, &n, CAP, label, category_color(V8A_CAT_PACKAGE, 0x808080, hash_str(pkg)),
                       w);
        } else {
            uint32_t c = fr->category < 8 ? fr->category : V8A_CAT_ROOT;
            add_weight(e, &n, CAP, cat_names[c], category_color(c, 0x808080, 0), w);
        }
    }
    /* heaviest first, then by label, so the legend is stable */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            entry *a = &e[j - 1], *b = &e[j];
            if (a->weight > b->weight ||
                (a->weight == b->weight && strcmp(a->label, b->label) <= 0))
                break;
            entry t = *a;
            *a = *b;
            *b = t;
        }
    size_t k = n < max ? n : max;
    for (size_t i = 0; i < k; i++) {
        memcpy(out[i].label, e[i].label, sizeof out[i].label);
        out[i].rgb = e[i].rgb;
    }
    return k;
}
