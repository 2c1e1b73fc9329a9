/* fuzz_svg.c - libFuzzer target: arbitrary bytes as frame names and urls,
 * drawn by the flame SVG writer, whose output must be well-formed and safe.
 *
 * Input: two option bytes, then tokens separated by NUL; an empty token
 * ends a stack (root first). A token is a frame's name, and the bytes after
 * its first 0x01 are its url. Everything else is kept as it is: invalid
 * UTF-8, control characters, markup, "]]>". No reader stores such names
 * (the profile model promises valid UTF-8), but the writer cleans whatever
 * it is given, and that is what is tested. The profile is built here, as a
 * CPU profile, a folded file, a heap profile or a heap snapshot's tree (the
 * first option byte says which), and drawn as a graph, an icicle, a chart
 * (with a mark labelled by a name, as flame insights' annotations are), and
 * as a differential graph against a base that shares some of its stacks.
 *
 * Every SVG goes through an XML scanner written here, independent of the
 * writer: valid UTF-8 of XML characters only (no C0 control other than tab,
 * newline and carriage return; no DEL); only the elements the writer uses,
 * balanced, under one <svg> root; no element inside <title>, <text>,
 * <style> or <script>; attribute values quoted, unique, with no raw '<';
 * no event handler or link attribute; '&' only as &amp; &lt; &gt; &quot;
 * &apos; or a character reference to an XML character; no "]]>" in text;
 * one CDATA section, in <script>, when the SVG is interactive, and none
 * when static, holding the same script whatever the input. Then the
 * frames: one <g fg:x> per rectangle of the layout, whose <title> says the
 * frame's name cleaned as the writer documents (invalid bytes as U+FFFD,
 * controls dropped) and whose label is that name or a cut of it with an
 * ellipsis. So a hostile name is escaped as text, neither dropped nor
 * turned into markup.
 */
#include "alloc.h"

#include <v8a/v8a.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define MAX_TOKENS 256 /* frames and nodes stay below this, plus the root */
#define MAX_DEPTH  48

static void fail(const char *what, size_t at)
{
    const v8a_error *e = v8a_error_last();
    fprintf(stderr, "fuzz_svg: %s (SVG byte %zu; last error: %s)\n", what, at,
            e ? e->message : "none");
    abort();
}

/* ---- the profile ---- */

typedef struct {
    const unsigned char *p;
    size_t len;
} slice;

typedef struct {
    v8a_profile *p;
    size_t cap_strings;
} builder;

/* The ordinal of the string s[0..n), added when new (linear: inputs are
 * small). s holds no NUL (NUL separates tokens). */
static uint32_t intern(builder *b, const unsigned char *s, size_t n)
{
    v8a_profile *p = b->p;
    for (uint32_t i = 0; i < p->nstrings; i++)
        if (strlen(p->strings[i]) == n && memcmp(p->strings[i], s, n) == 0) return i;
    if (p->nstrings == b->cap_strings) fail("string table full", 0);
    char *c = v8a__malloc(n + 1);
    if (!c) fail("out of memory", 0);
    memcpy(c, s, n);
    c[n] = '\0';
    p->strings[p->nstrings] = c;
    return p->nstrings++;
}

static uint32_t frame_of(builder *b, slice t)
{
    v8a_profile *p = b->p;
    const unsigned char *sep = memchr(t.p, 1, t.len);
    size_t nlen = sep ? (size_t)(sep - t.p) : t.len;
    uint32_t name = intern(b, t.p, nlen);
    uint32_t url = sep ? intern(b, sep + 1, t.len - nlen - 1) : 0;
    int32_t line = url ? 1 + (int32_t)(t.len % 97) : 0, col = url ? 1 + (int32_t)(t.len % 13) : 0;
    for (uint32_t i = 0; i < p->nframes; i++)
        if (p->frames[i].name == name && p->frames[i].url == url) return i;
    v8a_frame *f = &p->frames[p->nframes];
    const char *pkg = NULL;
    size_t pkg_len = 0;
    f->name = name;
    f->url = url;
    f->line = line;
    f->column = col;
    f->category = v8a_profile_classify(p->strings[name], p->strings[url], &pkg, &pkg_len);
    f->package = pkg ? intern(b, (const unsigned char *)pkg, pkg_len) : 0;
    return p->nframes++;
}

static uint32_t child_of(v8a_profile *p, uint32_t parent, uint32_t frame)
{
    for (uint32_t i = 1; i < p->nnodes; i++)
        if (p->nodes[i].parent == parent && p->nodes[i].frame == frame) return i;
    v8a_profile_node *n = &p->nodes[p->nnodes];
    memset(n, 0, sizeof *n);
    n->frame = frame;
    n->parent = parent;
    n->depth = p->nodes[parent].depth + 1;
    n->id = p->nnodes + 1;
    if (n->depth > p->max_depth) p->max_depth = n->depth;
    return p->nnodes++;
}

/* The profile of the stacks whose index i has i % 3 != skip (skip 3: all),
 * of the kind chosen by kind (0-3). */
static v8a_profile *build(const slice *tok, size_t ntok, int kind, size_t skip)
{
    v8a_profile *p = v8a__calloc(1, sizeof *p);
    builder b = {p, 2 + 3 * (ntok + 1)};
    if (!p) fail("out of memory", 0);
    p->strings = v8a__calloc(b.cap_strings, sizeof *p->strings);
    p->frames = v8a__calloc(ntok + 1, sizeof *p->frames);
    p->nodes = v8a__calloc(ntok + 1, sizeof *p->nodes);
    p->sample_node = v8a__calloc(ntok + 1, sizeof *p->sample_node);
    p->sample_time = v8a__calloc(ntok + 1, sizeof *p->sample_time);
    p->sample_duration = v8a__calloc(ntok + 1, sizeof *p->sample_duration);
    if (!p->strings || !p->frames || !p->nodes || !p->sample_node || !p->sample_time ||
        !p->sample_duration)
        fail("out of memory", 0);
    static const v8a_profile_format formats[] = {
        V8A_PROFILE_FORMAT_CPUPROFILE, V8A_PROFILE_FORMAT_FOLDED, V8A_PROFILE_FORMAT_HEAPPROFILE,
        V8A_PROFILE_FORMAT_HEAPSNAPSHOT};
    p->format = formats[kind];
    p->kind = kind >= 2 ? V8A_PROFILE_HEAP : V8A_PROFILE_CPU;
    p->nthreads = 1;
    intern(&b, (const unsigned char *)"", 0);
    uint32_t root = intern(&b, (const unsigned char *)"(root)", 6);
    p->frames[0].name = root;
    p->frames[0].category = V8A_CAT_ROOT;
    p->nframes = 1;
    p->nodes[0].parent = V8A_PROFILE_NONE;
    p->nodes[0].id = 1;
    p->nnodes = 1;
    size_t stack = 0, bytes = 0;
    uint32_t node = 0;
    int64_t t = 0;
    for (size_t i = 0; i <= ntok; i++) {
        if (i < ntok && tok[i].len) {
            bytes += tok[i].len;
            if (stack % 3 != skip && p->nodes[node].depth < MAX_DEPTH)
                node = child_of(p, node, frame_of(&b, tok[i]));
            continue;
        }
        /* the end of a stack: one sample on its leaf (the root when empty) */
        if (stack % 3 != skip) {
            int64_t d = 1 + (int64_t)((stack * 7 + bytes) % 50);
            p->sample_node[p->nsamples] = node;
            p->sample_time[p->nsamples] = p->kind == V8A_PROFILE_HEAP ? (int64_t)p->nsamples : t;
            p->sample_duration[p->nsamples] = p->kind == V8A_PROFILE_HEAP ? d * 16 : d;
            p->nsamples++;
            p->nodes[node].hit_count++;
            if (p->kind == V8A_PROFILE_HEAP) p->nodes[node].self_bytes += d * 16;
            t += d;
        }
        stack++;
        bytes = 0;
        node = 0;
    }
    if (p->kind == V8A_PROFILE_CPU) {
        p->duration_us = p->end_time_us = t;
        p->interval_us = 1;
    }
    return p;
}

/* ---- what the writer promises for a name ---- */

/* Length of the strictly valid UTF-8 sequence at s (n bytes left) and its
 * code point, or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0], v, min;
    size_t len;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, v = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, v = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
    *cp = v;
    return len;
}

static int xml_char(unsigned cp)
{
    return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
           (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/* s as docs/robustness.md and flame_internal.h say the writer shows it:
 * each byte that does not start a valid sequence becomes U+FFFD, C0
 * controls and DEL are dropped, U+FFFE and U+FFFF become U+FFFD. The
 * caller frees it. */
static char *expect_clean(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *out = malloc(3 * n + 1);
    if (!out) fail("out of memory", 0);
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = utf8_seq((const unsigned char *)s + i, n - i, &cp);
        if (k && (cp < 0x20 || cp == 0x7f)) {
            i += k;
            continue;
        }
        if (!k || cp == 0xfffe || cp == 0xffff) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i += k ? k : 1;
            continue;
        }
        memcpy(out + o, s + i, k);
        o += k;
        i += k;
    }
    out[o] = '\0';
    return out;
}

/* ---- the XML scanner ---- */

typedef struct {
    char *s;
    size_t n, cap;
} buf;

static void buf_add(buf *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        if (!(b->s = realloc(b->s, b->cap))) fail("out of memory", 0);
    }
    memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void buf_reset(buf *b)
{
    b->n = 0;
    if (b->s) b->s[0] = '\0';
}

static int render_sink(void *payload, const void *data, size_t len)
{
    buf_add(payload, data, len);
    return 0;
}

/* The elements the writer uses; those in the second group hold text only. */
static const char *const elements[] = {"svg",  "style", "defs",  "linearGradient", "stop",
                                       "rect", "g",     "title", "text",           "script"};
static int text_only(const char *el)
{
    return !strcmp(el, "title") || !strcmp(el, "text") || !strcmp(el, "style") ||
           !strcmp(el, "script");
}

typedef struct {
    const v8a_flame_layout *l;
    const char *title; /* expected text of the title line */
    int interactive;
    const char *s; /* the SVG */
    size_t n, i;
    char stack[16][24];
    size_t depth;
    int root_seen, ncdata, in_cdata_script;
    size_t frames_depth; /* depth of <g id="frames"> while inside it, else 0 */
    size_t nframes;      /* frame groups closed */
    buf text;            /* decoded text of the current text-only element */
    buf frame_title, frame_label;
    int has_label, title_is_t, titles_checked;
} scan;

static void bad(const scan *x, const char *what)
{
    fail(what, x->i);
}

static int name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static int name_char(char c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static size_t read_name(scan *x)
{
    size_t a = x->i;
    if (x->i >= x->n || !name_start(x->s[x->i])) bad(x, "expected a name");
    while (x->i < x->n && name_char(x->s[x->i])) x->i++;
    return x->i - a;
}

static void put_cp(buf *b, unsigned cp)
{
    unsigned char u[4];
    size_t k;
    if (cp < 0x80)
        u[0] = (unsigned char)cp, k = 1;
    else if (cp < 0x800)
        u[0] = (unsigned char)(0xc0 | cp >> 6), u[1] = (unsigned char)(0x80 | (cp & 0x3f)), k = 2;
    else if (cp < 0x10000)
        u[0] = (unsigned char)(0xe0 | cp >> 12), u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f)),
        u[2] = (unsigned char)(0x80 | (cp & 0x3f)), k = 3;
    else
        u[0] = (unsigned char)(0xf0 | cp >> 18), u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f)),
        u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f)), u[3] = (unsigned char)(0x80 | (cp & 0x3f)),
        k = 4;
    buf_add(b, u, k);
}

/* An entity or character reference at x->i ('&'), decoded into out. */
static void entity(scan *x, buf *out)
{
    static const struct {
        const char *ref;
        char c;
    } named[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t k = 0; k < sizeof named / sizeof *named; k++) {
        size_t len = strlen(named[k].ref);
        if (x->n - x->i >= len && memcmp(x->s + x->i, named[k].ref, len) == 0) {
            buf_add(out, &named[k].c, 1);
            x->i += len;
            return;
        }
    }
    if (x->n - x->i < 4 || x->s[x->i + 1] != '#') bad(x, "'&' that starts no entity");
    size_t j = x->i + 2;
    int hex = x->s[j] == 'x';
    j += (size_t)hex;
    unsigned long v = 0;
    size_t digits = 0;
    for (; j < x->n && digits < 8; j++, digits++) {
        char c = x->s[j];
        int d = c >= '0' && c <= '9'                            ? c - '0'
                : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                                : -1;
        if (d < 0) break;
        v = v * (hex ? 16 : 10) + (unsigned long)d;
    }
    if (!digits || j >= x->n || x->s[j] != ';') bad(x, "malformed character reference");
    if (v > 0x10ffff || !xml_char((unsigned)v)) bad(x, "a reference to a non-XML character");
    put_cp(out, (unsigned)v);
    x->i = j + 1;
}

/* The script is the same for every input after its first line (the
 * configuration, numbers only). */
static void check_cdata(scan *x, const char *body, size_t len)
{
    static char *first;
    static size_t first_len;
    const char *nl = len >= 2 && body[0] == '\n' ? memchr(body + 1, '\n', len - 1) : NULL;
    if (!nl) bad(x, "CDATA: no configuration line");
    for (const char *c = body + 1; c < nl; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789{}:,.'=; -", *c))
            bad(x, "CDATA: unexpected character in the configuration line");
    size_t rest = len - (size_t)(nl - body);
    if (!first) {
        first = malloc(rest);
        if (!first) fail("out of memory", 0);
        memcpy(first, nl, rest);
        first_len = rest;
    } else if (rest != first_len || memcmp(first, nl, rest) != 0) {
        bad(x, "CDATA: the script differs from one input to another");
    }
}

/* Checks one frame group once it closed: its title names the frame and its
 * label is that name or a cut of it. */
static void check_frame(scan *x)
{
    const v8a_flame_layout *l = x->l;
    if (x->nframes >= l->nrects) bad(x, "more frame groups than rectangles");
    const v8a_flame_rect *r = &l->rects[x->nframes];
    const v8a_profile *rp = (r->flags & V8A_FLAME_RECT_BASE_ONLY) && l->base ? l->base : l->profile;
    const char *raw =
        r->frame >= rp->nframes ? "(unknown)" : v8a_profile_string(rp, rp->frames[r->frame].name);
    if (!*raw) raw = "(anonymous)";
    if (rp != l->profile && r->depth == l->strip_depth) raw = "only in base";
    char *want = expect_clean(raw);
    const char *t = x->frame_title.s ? x->frame_title.s : "";
    const char *nl = strchr(t, '\n');
    size_t tl = nl ? (size_t)(nl - t) : strlen(t), wl = strlen(want);
    if (tl != wl || memcmp(t, want, wl) != 0) {
        fprintf(stderr, "fuzz_svg: frame %zu: title \"%.*s\", want \"%s\"\n", x->nframes, (int)tl,
                t, want);
        bad(x, "a frame's title does not say its name");
    }
    /* the second line: the location, when it has one (and is not cut) */
    const v8a_frame *fr = r->frame < rp->nframes ? &rp->frames[r->frame] : NULL;
    const char *url = fr ? v8a_profile_string(rp, fr->url) : "";
    if (*url && strlen(url) < 1000 && strcmp(raw, "only in base")) {
        char loc[1024];
        if (fr->line > 0 && fr->column > 0)
            snprintf(loc, sizeof loc, "%s:%d:%d", url, fr->line, fr->column);
        else if (fr->line > 0)
            snprintf(loc, sizeof loc, "%s:%d", url, fr->line);
        else
            snprintf(loc, sizeof loc, "%s", url);
        char *wl2 = expect_clean(loc);
        const char *l2 = nl ? nl + 1 : "", *e2 = strchr(l2, '\n');
        size_t n2 = e2 ? (size_t)(e2 - l2) : strlen(l2);
        if (!nl || n2 != strlen(wl2) || memcmp(l2, wl2, n2) != 0)
            bad(x, "a frame's title does not say its location");
        free(wl2);
    }
    if (x->has_label) {
        static const char ell[] = "\xe2\x80\xa6";
        const char *lab = x->frame_label.s ? x->frame_label.s : "";
        size_t ll = strlen(lab);
        int ok = strcmp(lab, want) == 0;
        if (!ok && l->opt.truncate == V8A_TRUNCATE_RIGHT && ll >= 3 &&
            memcmp(lab + ll - 3, ell, 3) == 0)
            ok = ll - 3 < wl && memcmp(lab, want, ll - 3) == 0 && (want[ll - 3] & 0xc0) != 0x80;
        if (!ok && l->opt.truncate == V8A_TRUNCATE_LEFT && ll >= 3 && memcmp(lab, ell, 3) == 0)
            ok = ll - 3 < wl && memcmp(lab + 3, want + wl - (ll - 3), ll - 3) == 0 &&
                 (want[wl - (ll - 3)] & 0xc0) != 0x80;
        if (!ok) {
            fprintf(stderr, "fuzz_svg: frame %zu: label \"%s\" of \"%s\"\n", x->nframes, lab, want);
            bad(x, "a frame's label is not its name or a cut of it");
        }
    }
    free(want);
    x->nframes++;
}

static void start_tag(scan *x)
{
    x->i++; /* '<' */
    size_t a = x->i, len = read_name(x);
    char el[24];
    if (len >= sizeof el) bad(x, "unknown element");
    memcpy(el, x->s + a, len);
    el[len] = '\0';
    size_t k = 0;
    while (k < sizeof elements / sizeof *elements && strcmp(el, elements[k])) k++;
    if (k == sizeof elements / sizeof *elements) bad(x, "an element the writer does not write");
    if (x->depth && text_only(x->stack[x->depth - 1])) bad(x, "an element inside a text element");
    if (!x->depth && x->root_seen) bad(x, "a second root element");
    if (!x->depth && strcmp(el, "svg")) bad(x, "the root is not <svg>");
    x->root_seen = 1;
    char names[32][24];
    size_t nattr = 0;
    int id_frames = 0, fg_x = 0, class_t = 0;
    buf val = {NULL, 0, 0};
    for (;;) {
        size_t ws = x->i;
        while (x->i < x->n && (x->s[x->i] == ' ' || x->s[x->i] == '\n')) x->i++;
        if (x->i >= x->n) bad(x, "unterminated tag");
        if (x->s[x->i] == '>' || x->s[x->i] == '/') break;
        if (x->i == ws) bad(x, "attributes not separated by a blank");
        a = x->i;
        len = read_name(x);
        if (len >= sizeof names[0] || nattr == 32) bad(x, "attribute name too long");
        memcpy(names[nattr], x->s + a, len);
        names[nattr][len] = '\0';
        for (size_t j = 0; j < nattr; j++)
            if (!strcmp(names[j], names[nattr])) bad(x, "a repeated attribute");
        const char *an = names[nattr++];
        if ((an[0] | 0x20) == 'o' && (an[1] | 0x20) == 'n') bad(x, "an event handler attribute");
        if (strstr(an, "href")) bad(x, "a link attribute");
        if (x->i + 1 >= x->n || x->s[x->i] != '=' ||
            (x->s[x->i + 1] != '"' && x->s[x->i + 1] != '\''))
            bad(x, "attribute without a quoted value");
        char q = x->s[x->i + 1];
        x->i += 2;
        buf_reset(&val);
        buf_add(&val, "", 0);
        while (x->i < x->n && x->s[x->i] != q) {
            if (x->s[x->i] == '<') bad(x, "raw '<' in an attribute value");
            if (x->s[x->i] == '&')
                entity(x, &val);
            else
                buf_add(&val, x->s + x->i++, 1);
        }
        if (x->i >= x->n) bad(x, "unterminated attribute value");
        x->i++;
        if (!strcmp(an, "id") && !strcmp(val.s, "frames")) id_frames = 1;
        if (!strcmp(an, "fg:x")) fg_x = 1;
        if (!strcmp(an, "class") && !strcmp(val.s, "t")) class_t = 1;
        if (!strncmp(val.s, "javascript:", 11)) bad(x, "a javascript: value");
    }
    free(val.s);
    int empty = x->s[x->i] == '/';
    if (empty && (x->i + 1 >= x->n || x->s[x->i + 1] != '>')) bad(x, "'/' not before '>'");
    x->i += empty ? 2 : 1;
    /* where the element sits among the frames */
    int frame_group = x->frames_depth && x->depth == x->frames_depth && !strcmp(el, "g");
    if (x->frames_depth && x->depth == x->frames_depth && !frame_group)
        bad(x, "something other than a frame group in the frames");
    if (frame_group) {
        if (!fg_x) bad(x, "a frame group without fg:x");
        buf_reset(&x->frame_title);
        buf_reset(&x->frame_label);
        x->has_label = 0;
    }
    if (x->frames_depth && x->depth == x->frames_depth + 1 && strcmp(el, "title") &&
        strcmp(el, "rect") && strcmp(el, "text"))
        bad(x, "a frame group holds something other than title, rect and text");
    if (empty) return;
    if (x->depth == sizeof x->stack / sizeof *x->stack) bad(x, "nested too deep");
    memcpy(x->stack[x->depth++], el, strlen(el) + 1);
    if (id_frames) {
        if (x->frames_depth || x->nframes) bad(x, "a second frames group");
        x->frames_depth = x->depth;
    }
    buf_reset(&x->text);
    x->title_is_t = class_t && !x->titles_checked;
}

static void end_tag(scan *x)
{
    x->i += 2; /* "</" */
    size_t a = x->i, len = read_name(x);
    if (x->i >= x->n || x->s[x->i] != '>') bad(x, "malformed end tag");
    x->i++;
    if (!x->depth || strlen(x->stack[x->depth - 1]) != len ||
        memcmp(x->stack[x->depth - 1], x->s + a, len) != 0)
        bad(x, "end tag does not match the open element");
    const char *el = x->stack[x->depth - 1];
    if (!strcmp(el, "script") && !x->in_cdata_script) bad(x, "a script without its CDATA");
    if (x->frames_depth && x->depth == x->frames_depth + 2) {
        buf *to = !strcmp(el, "title") ? &x->frame_title : &x->frame_label;
        if (!strcmp(el, "text")) x->has_label = 1;
        buf_reset(to);
        buf_add(to, x->text.s ? x->text.s : "", x->text.n);
    }
    if (x->title_is_t && !strcmp(el, "text")) {
        if (strcmp(x->text.s ? x->text.s : "", x->title)) bad(x, "the title is not as given");
        x->titles_checked = 1;
        x->title_is_t = 0;
    }
    if (x->frames_depth && x->depth == x->frames_depth + 1) check_frame(x);
    if (x->frames_depth && x->depth == x->frames_depth) x->frames_depth = 0;
    x->depth--;
    buf_reset(&x->text);
}

static void check_svg(const v8a_flame_layout *l, const char *title, const buf *out)
{
    scan x;
    memset(&x, 0, sizeof x);
    x.l = l;
    x.title = title;
    x.interactive = !l->opt.static_svg;
    x.s = out->s;
    x.n = out->n;
    /* characters */
    for (size_t i = 0; i < x.n;) {
        unsigned cp;
        size_t k = utf8_seq((const unsigned char *)x.s + i, x.n - i, &cp);
        x.i = i;
        if (!k) bad(&x, "not valid UTF-8");
        if (!xml_char(cp) || cp == 0x7f) bad(&x, "a character XML does not allow");
        i += k;
    }
    static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
    if (x.n < sizeof decl || memcmp(x.s, decl, sizeof decl - 1)) bad(&x, "no XML declaration");
    if (x.n < 7 || memcmp(x.s + x.n - 7, "</svg>\n", 7)) bad(&x, "does not end with </svg>");
    x.i = sizeof decl - 1;
    while (x.i < x.n) {
        const char *c = x.s + x.i;
        size_t left = x.n - x.i;
        if (*c == '<') {
            if (left >= 9 && !memcmp(c, "<![CDATA[", 9)) {
                if (!x.depth || strcmp(x.stack[x.depth - 1], "script") || x.in_cdata_script)
                    bad(&x, "CDATA outside <script> or twice in it");
                const char *e = NULL;
                for (size_t j = x.i + 9; j + 3 <= x.n && !e; j++)
                    if (!memcmp(x.s + j, "]]>", 3)) e = x.s + j;
                if (!e) bad(&x, "unterminated CDATA");
                check_cdata(&x, c + 9, (size_t)(e - (c + 9)));
                x.ncdata++;
                x.in_cdata_script = 1;
                x.i = (size_t)(e - x.s) + 3;
            } else if (left >= 2 && (c[1] == '!' || c[1] == '?')) {
                bad(&x, "a comment, declaration or instruction");
            } else if (left >= 2 && c[1] == '/') {
                end_tag(&x);
                x.in_cdata_script = 0;
            } else {
                if (x.depth && !strcmp(x.stack[x.depth - 1], "script"))
                    bad(&x, "an element inside <script>");
                start_tag(&x);
            }
            continue;
        }
        /* text */
        if (left >= 3 && !memcmp(c, "]]>", 3)) bad(&x, "\"]]>\" in text");
        if (!x.depth && *c != '\n' && *c != ' ') bad(&x, "text outside the root");
        if (x.depth && !strcmp(x.stack[x.depth - 1], "script") && *c != '\n')
            bad(&x, "text in <script> outside its CDATA");
        if (*c == '&')
            entity(&x, &x.text);
        else
            buf_add(&x.text, x.s + x.i++, 1);
    }
    if (x.depth || !x.root_seen) bad(&x, "elements left open");
    if (x.ncdata != x.interactive) bad(&x, "CDATA sections: one when interactive, else none");
    if (x.nframes != l->nrects) bad(&x, "fewer frame groups than rectangles");
    if (!x.titles_checked) bad(&x, "no title line");
    free(x.text.s);
    free(x.frame_title.s);
    free(x.frame_label.s);
}

/* Draws l to SVG and checks it. */
static void render_check(const v8a_flame_layout *l, const char *title)
{
    buf out = {NULL, 0, 0};
    if (v8a_flame_render(l, V8A_FLAME_SVG, render_sink, &out) != 0) fail("render failed", 0);
    check_svg(l, title, &out);
    free(out.s);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 2) return 0;
    unsigned a = data[0], b = data[1];
    slice tok[MAX_TOKENS];
    size_t ntok = 0;
    for (size_t i = 2; i <= size && ntok < MAX_TOKENS;) {
        const unsigned char *z = i < size ? memchr(data + i, 0, size - i) : NULL;
        size_t e = z ? (size_t)(z - data) : size;
        tok[ntok].p = data + i;
        tok[ntok++].len = e - i;
        i = e + 1;
    }
    int kind = (int)(a >> 6);
    v8a_profile *p = build(tok, ntok, kind, 3), *base = build(tok, ntok, kind, 1),
                *newp = build(tok, ntok, kind, 2);

    v8a_flame_options o;
    v8a_flame_options_init(&o);
    o.static_svg = a & 1;
    o.palette = (v8a_flame_palette)((a >> 1 & 3) % 3);
    o.truncate = a & 8 ? V8A_TRUNCATE_LEFT : V8A_TRUNCATE_RIGHT;
    o.theme = a & 16 ? V8A_THEME_DARK : V8A_THEME_LIGHT;
    o.width = a & 32 ? 160 : 1200;
    o.min_width = 0;
    o.sort = b & 1 ? V8A_FLAME_SORT_WEIGHT : V8A_FLAME_SORT_NAME;
    o.font_size = b & 2 ? 5 : 12;
    o.idle = b & 4 ? V8A_FLAME_IDLE_SHOW : V8A_FLAME_IDLE_AUTO;
    /* a title from the input (the last token), as --title would give */
    char *title = NULL;
    if (b & 8 && ntok) {
        title = malloc(tok[ntok - 1].len + 1);
        if (!title) fail("out of memory", 0);
        memcpy(title, tok[ntok - 1].p, tok[ntok - 1].len);
        title[tok[ntok - 1].len] = '\0';
        o.title = title;
    }
    /* a mark labelled by the first name, as flame insights' annotations */
    v8a_flame_mark mark = {0, 0, NULL};
    char *mlabel = NULL;
    if (ntok) {
        mlabel = malloc(tok[0].len + 1);
        if (!mlabel) fail("out of memory", 0);
        memcpy(mlabel, tok[0].p, tok[0].len);
        mlabel[tok[0].len] = '\0';
        mark.label = mlabel;
        mark.duration_us = p->duration_us ? p->duration_us : 1;
        o.marks = &mark;
        o.nmarks = 1;
    }
    for (int mode = 0; mode < 3; mode++) {
        o.mode = (v8a_flame_mode)mode;
        const char *dflt = mode == 0 ? "Flame Graph" : mode == 1 ? "Icicle Graph" : "Flame Chart";
        char *want = expect_clean(title ? title : dflt);
        v8a_flame_layout *l = NULL;
        int rc = v8a_flame_layout_new(&l, p, &o);
        if (rc == 0)
            render_check(l, want);
        else if (!(rc == V8A_EUNSUPPORTED && mode == V8A_FLAME_CHART))
            fail("layout failed", 0);
        v8a_flame_layout_free(l);
        if (mode != V8A_FLAME_CHART && v8a_flame_diff_layout_new(&l, base, newp, &o) == 0) {
            render_check(l, want);
            v8a_flame_layout_free(l);
        } else if (mode != V8A_FLAME_CHART) {
            fail("diff layout failed", 0);
        }
        free(want);
    }
    free(title);
    free(mlabel);
    v8a_profile_free(p);
    v8a_profile_free(base);
    v8a_profile_free(newp);
    return 0;
}
