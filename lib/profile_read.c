/* profile_read.c - reading a profile from a file or buffer: input, feeding, interning.
 *
 * A regular uncompressed file is mapped and fed to the parser whole, so no
 * token spans two yajl calls and byte offsets are absolute; pages behind the
 * parse are dropped as it advances. Gzip, pipes and buffers read in chunks
 * (tests force this with options.chunk_size) are cut after the last
 * structural character outside a string and the rest carried over, so a
 * token never spans feeds there either and the result does not depend on
 * the chunk size (the same discipline as heap.c).
 *
 * This file also holds the builder's interning: strings (ordinal 0 is "")
 * and frames deduplicated by (name, url, line, column), each classified once
 * when first seen (v8a_profile_classify, rules in docs/formats.md).
 */
#include "alloc.h"
#include "error.h"
#include "input.h"
#include "profile_internal.h"

#include <inttypes.h>
#include <string.h>

#define DEFAULT_CHUNK (1u << 20)
#define MAX_CARRY     ((size_t)1 << 30) /* longest token carried between feeds */
#define RELEASE_STEP  (4u << 20)

/* ---- builder basics ---- */

void v8a__prof_init(v8a__prof *b, const char *name)
{
    memset(b, 0, sizeof *b);
    b->name = name;
    v8a__strmap_init(&b->strings);
    v8a__strmap_init(&b->frame_map);
}

void v8a__prof_free(v8a__prof *b)
{
    v8a__strmap_free(&b->strings);
    v8a__strmap_free(&b->frame_map);
    void *arrays[] = {b->frames,  b->rn,         b->kids,  b->ticks,  b->samples, b->deltas,
                      b->hs_size, b->hs_ordinal, b->tprof, b->chunks, b->threads};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) v8a__free(arrays[i]);
    memset(b, 0, sizeof *b);
}

int64_t v8a__prof_string(v8a__prof *b, const char *s, size_t n)
{
    if (b->strings.count == 0 && v8a__strmap_put(&b->strings, "", 0, 0, NULL) < 0) return -1;
    if (n > UINT32_MAX / 2) return -1;
    uint32_t v;
    if (v8a__strmap_get(&b->strings, s, n, &v)) return v;
    if (b->strings.count >= UINT32_MAX - 1) return -1;
    int64_t i = v8a__strmap_put(&b->strings, s, n, (uint32_t)b->strings.count, NULL);
    return i;
}

static int is_synthetic(const char *name, v8a_frame_category *c)
{
    static const struct {
        const char *name;
        v8a_frame_category cat;
    } syn[] = {{"(root)", V8A_CAT_ROOT},
               {"(idle)", V8A_CAT_IDLE},
               {"(program)", V8A_CAT_PROGRAM},
               {"(garbage collector)", V8A_CAT_GC}};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(name, syn[i].name) == 0) {
            *c = syn[i].cat;
            return 1;
        }
    return 0;
}

v8a_frame_category v8a_profile_classify(const char *name, const char *url, const char **pkg,
                                        size_t *pkg_len)
{
    v8a_frame_category c;
    if (pkg) *pkg = NULL;
    if (pkg_len) *pkg_len = 0;
    if (!name) name = "";
    if (!url) url = "";
    if (!url[0]) return is_synthetic(name, &c) ? c : V8A_CAT_NATIVE;
    /* the last node_modules segment names the package that owns the code */
    const char *last = NULL;
    for (const char *p = url; (p = strstr(p, "node_modules")) != NULL; p++)
        if (p > url && (p[-1] == '/' || p[-1] == '\\') && (p[12] == '/' || p[12] == '\\'))
            last = p + 13;
    if (last && *last) {
        const char *e = last;
        if (*e == '@') { /* @scope/name */
            while (*e && *e != '/' && *e != '\\') e++;
            if (*e) e++;
        }
        while (*e && *e != '/' && *e != '\\') e++;
        if (e > last && e[-1] != '/' && e[-1] != '\\') {
            if (pkg) *pkg = last;
            if (pkg_len) *pkg_len = (size_t)(e - last);
            return V8A_CAT_PACKAGE;
        }
    }
    if (strncmp(url, "node:", 5) == 0 || strncmp(url, "internal/", 9) == 0) return V8A_CAT_CORE;
    /* node before v16 named core modules by bare file name ("events.js") */
    if (!strchr(url, '/') && !strchr(url, '\\') && !strchr(url, ':')) return V8A_CAT_CORE;
    return V8A_CAT_APP;
}

int64_t v8a__prof_frame(v8a__prof *b, uint32_t name, uint32_t url, int32_t line, int32_t col)
{
    uint32_t key[4] = {name, url, (uint32_t)line, (uint32_t)col};
    uint32_t v;
    if (v8a__strmap_get(&b->frame_map, (const char *)key, sizeof key, &v)) return v;
    if (b->nframes >= UINT32_MAX - 1) return -1;
    if (v8a__grow((void **)&b->frames, &b->frames_cap, b->nframes + 1, sizeof *b->frames) < 0)
        return -1;
    if (v8a__strmap_put(&b->frame_map, (const char *)key, sizeof key, (uint32_t)b->nframes, NULL) <
        0)
        return -1;
    const char *ns = v8a__strmap_key(&b->strings, name, NULL);
    const char *us = v8a__strmap_key(&b->strings, url, NULL);
    const char *pkg = NULL;
    size_t plen = 0;
    v8a_frame *f = &b->frames[b->nframes];
    f->category = (uint32_t)v8a_profile_classify(ns, us, &pkg, &plen);
    f->package = 0;
    int anonymous = !ns[0]; /* ns and us live in the string arena, which interning may move */
    if (pkg) {
        int64_t ps = v8a__prof_string(b, pkg, plen);
        if (ps < 0) return -1;
        f->package = (uint32_t)ps;
    }
    if (anonymous) {
        int64_t an = v8a__prof_string(b, "(anonymous)", 11);
        if (an < 0) return -1;
        name = (uint32_t)an;
    }
    f->name = name;
    f->url = url;
    f->line = line;
    f->column = col;
    return (int64_t)b->nframes++;
}

const char *v8a_profile_format_name(v8a_profile_format f)
{
    static const char *const n[] = {"cpuprofile",  "legacy", "trace",
                                    "heapprofile", "folded", "heapsnapshot"};
    return (unsigned)f < sizeof n / sizeof *n ? n[f] : "?";
}

const char *v8a_frame_category_name(v8a_frame_category c)
{
    static const char *const n[] = {"app", "package", "core",    "native",
                                    "gc",  "idle",    "program", "root"};
    return (unsigned)c < 8 ? n[c] : "?";
}

/* ---- feeding ---- */

typedef v8a__read_fn read_fn;

typedef struct {
    const v8a_profile_options *opt;
    v8a__input *in;
    uint64_t total, released;
} ticker;

static int on_tick(void *payload, uint64_t offset)
{
    ticker *t = payload;
    if (t->in && t->in->kind == V8A__IN_MAP && offset > t->released + 2 * RELEASE_STEP) {
        v8a__input_release(t->in, t->released, offset - RELEASE_STEP);
        t->released = offset - RELEASE_STEP;
    }
    if (t->opt && t->opt->progress) {
        uint64_t done = offset;
        if (t->in && t->in->kind == V8A__IN_STREAM && t->in->compressed)
            done = v8a__input_file_position(t->in);
        return t->opt->progress(t->opt->progress_payload, "parse", done, t->total);
    }
    return 0;
}

static int prof_feed(void *payload, const unsigned char *buf, size_t len)
{
    return v8a__prof_parser_feed(payload, buf, len);
}

/* Feeds everything read() gives, cut after structural characters. */
static int feed_stream(v8a__prof_parser *p, size_t chunk, read_fn rd, void *payload,
                       const char *name)
{
    return v8a__json_feed(name, chunk, MAX_CARRY, "the longest token", rd, payload, prof_feed, p);
}

typedef struct {
    const unsigned char *p;
    size_t len, at;
} mem_src;

static int mem_read(void *payload, void *buf, size_t cap, size_t *got, uint64_t offset)
{
    mem_src *m = payload;
    (void)offset;
    size_t n = m->len - m->at;
    if (n > cap) n = cap;
    memcpy(buf, m->p + m->at, n);
    m->at += n;
    *got = n;
    return 0;
}

/* A stream with its first bytes already read (to detect the format). */
typedef struct {
    const unsigned char *head;
    size_t len, at;
    v8a__input *in;
} peeked;

static int peeked_read(void *payload, void *buf, size_t cap, size_t *got, uint64_t offset)
{
    peeked *k = payload;
    if (k->at < k->len) {
        size_t n = k->len - k->at;
        if (n > cap) n = cap;
        memcpy(buf, k->head + k->at, n);
        k->at += n;
        *got = n;
        return 0;
    }
    return v8a__input_read(k->in, buf, cap, got, offset);
}

/* 1 when the first non-blank byte of s[0..n) is there and not '{' or '['
 * (folded stacks), 0 when it is, -1 when s is all blanks. */
static int looks_folded(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        return c != '{' && c != '[';
    }
    return -1;
}

/* Parses from exactly one of `in` or `mem` and builds the profile. */
static int read_profile(const char *name, v8a__input *in, const unsigned char *mem, size_t len,
                        const v8a_profile_options *opt, v8a_profile **out)
{
    v8a__prof b;
    v8a__prof_parser *p = NULL;
    ticker t = {opt, in, in ? in->file_size : len, 0};
    int rc;
    *out = NULL;
    unsigned char *head = NULL;
    size_t chunk = opt && opt->chunk_size ? opt->chunk_size : 0;
    v8a__prof_init(&b, name);
    /* folded stacks: not JSON */
    if (in && in->kind == V8A__IN_MAP) {
        if (looks_folded(in->map, in->map_len) == 1) {
            mem_src m = {in->map, in->map_len, 0};
            rc = v8a__prof_read_folded(name, mem_read, &m, DEFAULT_CHUNK, out);
            goto done;
        }
    } else if (in) {
        size_t cap = 4096, hlen = 0, got = 0;
        int folded = -1;
        if (!(head = v8a__malloc(cap))) {
            rc = v8a__error_nomem("input buffer");
            goto done;
        }
        do {
            if ((rc = v8a__input_read(in, head + hlen, cap - hlen, &got, hlen)) < 0) goto done;
            folded = looks_folded(head + hlen, got);
            hlen += got;
        } while (got > 0 && folded < 0 && hlen < cap);
        peeked k = {head, hlen, 0, in};
        if (folded == 1) {
            rc = v8a__prof_read_folded(name, peeked_read, &k, chunk ? chunk : DEFAULT_CHUNK, out);
            goto done;
        }
        if (v8a__prof_string(&b, "", 0) < 0) {
            rc = v8a__error_nomem("strings");
            goto done;
        }
        if ((rc = v8a__prof_parser_new(&p, &b)) < 0) goto done;
        v8a__prof_parser_set_tick(p, on_tick, &t);
        rc = feed_stream(p, chunk ? chunk : DEFAULT_CHUNK, peeked_read, &k, name);
        goto parsed;
    } else if (looks_folded(mem, len) == 1) {
        mem_src m = {mem, len, 0};
        rc = v8a__prof_read_folded(name, mem_read, &m, chunk ? chunk : DEFAULT_CHUNK, out);
        goto done;
    }
    if (v8a__prof_string(&b, "", 0) < 0) {
        rc = v8a__error_nomem("strings");
        goto done;
    }
    if ((rc = v8a__prof_parser_new(&p, &b)) < 0) goto done;
    v8a__prof_parser_set_tick(p, on_tick, &t);
    if (in && in->kind == V8A__IN_MAP) {
        rc = v8a__prof_parser_feed(p, in->map, in->map_len);
    } else if (chunk) {
        mem_src m = {mem, len, 0};
        rc = feed_stream(p, chunk, mem_read, &m, name);
    } else {
        rc = v8a__prof_parser_feed(p, mem, len);
    }
parsed:
    if (rc < 0) goto done;
    if ((rc = v8a__prof_parser_finish(p)) < 0) goto done;
    v8a__prof_parser_free(p);
    p = NULL;
    if (in) v8a__input_release(in, 0, in->map_len);
    rc = v8a__prof_build(&b, opt ? opt->thread : NULL, out);
    if (rc == 0 && opt && opt->progress &&
        opt->progress(opt->progress_payload, "parse", t.total, t.total) != 0) {
        v8a_profile_free(*out);
        *out = NULL;
        rc = v8a__error_set(V8A_ECANCELED, "%s: canceled", name);
    }
done:
    v8a__free(head);
    v8a__prof_parser_free(p);
    v8a__prof_free(&b);
    return rc;
}

int v8a_profile_read(const char *path, const v8a_profile_options *opt, v8a_profile **out)
{
    v8a__input in;
    if (!out) return v8a__error_set(V8A_EINVAL, "v8a_profile_read: out is NULL");
    *out = NULL;
    if (!path) return v8a__error_set(V8A_EINVAL, "v8a_profile_read: path is NULL");
    int rc = v8a__input_open(&in, path, !(opt && opt->chunk_size));
    if (rc < 0) return rc;
    if (in.regular && in.file_size == 0) {
        v8a__input_close(&in);
        return v8a__error_set(V8A_EFORMAT, "%s: empty file (0 bytes)", path);
    }
    rc = read_profile(path, &in, NULL, 0, opt, out);
    v8a__input_close(&in);
    return rc;
}

int v8a_profile_read_buffer(const void *data, size_t len, const char *name,
                            const v8a_profile_options *opt, v8a_profile **out)
{
    if (!out) return v8a__error_set(V8A_EINVAL, "v8a_profile_read_buffer: out is NULL");
    *out = NULL;
    if (!name) name = "(buffer)";
    if (!data || len == 0) return v8a__error_set(V8A_EFORMAT, "%s: empty file (0 bytes)", name);
    return read_profile(name, NULL, data, len, opt, out);
}
