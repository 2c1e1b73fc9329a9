/* analysis_classes.c - class names and keys, interfaces, the Summary aggregates.
 *
 * Class names follow DevTools: "(system)" for hidden nodes, "(compiled code)",
 * "Function" for closures, "RegExp", "(<type>)" for the rest, and for objects
 * and natives their name, with "<div id=x>" shortened to "<div>". Plain
 * objects (named "Object") get an interface name such as "{id, user, ts}"
 * when enough objects share their leading properties. Objects with an
 * allocation site are keyed by "scriptId,line,column,name", so same-named
 * constructors from different places stay apart.
 *
 * DevTools keys classes by string-table index, not by text; to give the same
 * rows in its corner cases, a class here has an identity of the same kind:
 * the raw name's string id, a detached name's string id, a synthesized text,
 * an interface definition, or a location key. Summary rows with the same
 * public key then collide as in DevTools: the later class is shown.
 *
 * Aggregates skip nodes whose shallow size is 0. A class's retained size is
 * the sum over its instances that have no instance of the same class above
 * them in the dominator tree.
 */
#include "alloc.h"
#include "analysis_internal.h"
#include "error.h"
#include "strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE               UINT32_MAX
#define MAX_INTERFACE_NAME 120

typedef struct {
    v8a_analysis *a;
    uint32_t type_cls[256];      /* per node type, for the types named by type */
    uint32_t *raw_cls, *det_cls; /* per sid */
    v8a__strmap syn;             /* synthesized name -> class */
    v8a__strmap loc, loctext;    /* location (binary, text) -> class */
    uint32_t *iface_cls;         /* per definition */
    char *buf;
    size_t buf_cap;
} ctx;

/* ---- text helpers ---- */

/* Length in UTF-16 code units of valid UTF-8. */
static size_t utf16_len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xc0) != 0x80) k += c >= 0xf0 ? 2 : 1;
    }
    return k;
}

/* Compares valid UTF-8 strings in UTF-16 code unit order (JavaScript's). */
static int utf16_cmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    while (*x && *y && *x == *y) x++, y++;
    if (!*x || !*y) return (int)*x - (int)*y;
    /* first differing byte: code point order equals byte order, except that
     * supplementary characters (F0..F4, surrogates in UTF-16: D800..DFFF)
     * sort below U+E000..U+FFFF (EE..EF) */
    int hx = *x >= 0xf0, hy = *y >= 0xf0;
    int ex = *x >= 0xee && *x <= 0xef, ey = *y >= 0xee && *y <= 0xef;
    if (hx && ey) return -1;
    if (ex && hy) return 1;
    return (int)*x - (int)*y;
}

static int put_text(ctx *c, size_t at, const char *s, size_t n)
{
    if (v8a__grow((void **)&c->buf, &c->buf_cap, at + n + 1, 1) < 0) return -1;
    memcpy(c->buf + at, s, n);
    c->buf[at + n] = '\0';
    return 0;
}

/* DevTools' formatPropertyName: JSON-quoted when it holds , ' " { or }. */
static size_t format_property(ctx *c, size_t at, const char *s, size_t n, int *err)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '\'' || s[i] == '"' || s[i] == '{' || s[i] == '}';
    if (!quote) {
        if (put_text(c, at, s, n) < 0) *err = 1;
        return n;
    }
    size_t o = at;
    if (put_text(c, o++, "\"", 1) < 0) goto oom;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc[8];
        const char *p = esc;
        size_t k;
        switch (ch) {
        case '"': p = "\\\"", k = 2; break;
        case '\\': p = "\\\\", k = 2; break;
        case '\b': p = "\\b", k = 2; break;
        case '\f': p = "\\f", k = 2; break;
        case '\n': p = "\\n", k = 2; break;
        case '\r': p = "\\r", k = 2; break;
        case '\t': p = "\\t", k = 2; break;
        default:
            if (ch < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", ch);
                k = 6;
            } else {
                esc[0] = (char)ch;
                k = 1;
            }
        }
        if (put_text(c, o, p, k) < 0) goto oom;
        o += k;
    }
    if (put_text(c, o++, "\"", 1) < 0) goto oom;
    return o - at;
oom:
    *err = 1;
    return 0;
}

/* ---- the class table ---- */

static int64_t new_class(v8a_analysis *a, const char *name, size_t nlen, const char *key,
                         size_t klen)
{
    size_t cap = a->class_cap;
    if (v8a__grow((void **)&a->classes, &cap, (size_t)a->class_count + 1, sizeof *a->classes) < 0)
        return -1;
    a->class_cap = (uint32_t)cap;
    char *n = v8a__malloc(nlen + 1), *k = v8a__malloc((key ? klen : nlen + 1) + 1);
    if (!n || !k) {
        v8a__free(n);
        v8a__free(k);
        return -1;
    }
    memcpy(n, name, nlen);
    n[nlen] = '\0';
    if (key) {
        memcpy(k, key, klen);
        k[klen] = '\0';
    } else {
        k[0] = ','; /* DevTools' public key of a class without a location */
        memcpy(k + 1, name, nlen);
        k[nlen + 1] = '\0';
    }
    uint32_t c = a->class_count++;
    v8a_class_info *ci = &a->classes[c];
    memset(ci, 0, sizeof *ci);
    ci->name = n;
    ci->key = k;
    ci->distance = INT32_MAX;
    ci->first = NONE;
    return c;
}

static int64_t syn_class(ctx *c, const char *text, size_t n)
{
    uint32_t v;
    if (v8a__strmap_get(&c->syn, text, n, &v)) return v;
    int64_t id = new_class(c->a, text, n, NULL, 0);
    if (id < 0 || v8a__strmap_put(&c->syn, text, n, (uint32_t)id, NULL) < 0) return -1;
    return id;
}

static int64_t sid_class(ctx *c, uint32_t *table, uint32_t sid, const char *name, size_t n)
{
    if (table[sid] != NONE) return table[sid];
    int64_t id = new_class(c->a, name, n, NULL, 0);
    if (id >= 0) table[sid] = (uint32_t)id;
    return id;
}

/* ---- interfaces for plain objects ---- */

typedef struct {
    uint32_t count;
    uint32_t first;  /* ordinal of the first object with this candidate */
    uint32_t nprops; /* property edges it took */
} candidate;

typedef struct {
    uint32_t *ranks; /* sorted vocabulary ranks of the definition's properties */
    uint32_t n;
    uint64_t sig;
    uint32_t cls;
} definition;

typedef struct {
    definition *defs;
    uint32_t ndefs;
    uint32_t *sid_rank; /* per sid: 0 unknown, 1 not in the vocabulary, rank + 2 */
    v8a__strmap vocab;  /* text -> rank */
} interfaces;

static int is_plain(const v8a_analysis *a, uint32_t o, uint32_t object_sid)
{
    const v8a_heap *h = a->h;
    return h->node_type[o] == (uint8_t)a->nt.object &&
           (h->node_name[o] == object_sid ||
            strcmp(v8a_heap_string(h, h->node_name[o], NULL), "Object") == 0);
}

/* The candidate interface name of plain object o into c->buf; its length,
 * and the property edges taken. */
static size_t candidate_name(ctx *c, uint32_t o, uint32_t *nprops, int *err)
{
    const v8a_heap *h = c->a->h;
    size_t len = 0, units = 1;
    if (put_text(c, len++, "{", 1) < 0) goto oom;
    *nprops = 0;
    for (uint32_t e = h->first_edge[o]; e < h->first_edge[o + 1]; e++) {
        if (h->edge_type[e] != (uint8_t)c->a->et.property) continue;
        size_t n;
        const char *s = v8a_heap_string(h, h->edge_name[e], &n);
        if (n == 9 && memcmp(s, "__proto__", 9) == 0) continue;
        /* format it after what is already there, then decide */
        size_t sep = len > 1 ? 2 : 0;
        size_t f = format_property(c, len + sep, s, n, err);
        if (*err) return 0;
        size_t fu = utf16_len(c->buf + len + sep, f);
        if (units > 1 && units + fu > MAX_INTERFACE_NAME) break;
        if (sep) memcpy(c->buf + len, ", ", 2);
        len += sep + f;
        units += (sep ? 2 : 0) + fu;
        (*nprops)++;
    }
    if (put_text(c, len++, "}", 1) < 0) goto oom;
    return len;
oom:
    *err = 1;
    return 0;
}

/* Vocabulary rank of string sid (cached), or NONE when no definition uses it. */
static uint32_t rank_of(interfaces *in, const v8a_heap *h, uint32_t sid)
{
    uint32_t r = in->sid_rank[sid];
    if (r == 0) {
        size_t n;
        const char *s = v8a_heap_string(h, sid, &n);
        uint32_t v;
        r = v8a__strmap_get(&in->vocab, s, n, &v) ? v + 2 : 1;
        in->sid_rank[sid] = r;
    }
    return r == 1 ? NONE : r - 2;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

static const candidate *sort_candidates;
static int cmp_candidates(const void *x, const void *y)
{
    uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
    if (sort_candidates[i].count != sort_candidates[j].count)
        return sort_candidates[i].count > sort_candidates[j].count ? -1 : 1;
    return i < j ? -1 : i > j;
}

static const char *const *sort_vocab_base;
static int cmp_vocab(const void *x, const void *y)
{
    return utf16_cmp(sort_vocab_base[*(const uint32_t *)x], sort_vocab_base[*(const uint32_t *)y]);
}

void v8a_interfaces_free(v8a_interfaces *d)
{
    if (!d) return;
    for (uint32_t i = 0; i < d->count; i++) {
        v8a__free(d->defs[i].name);
        for (uint32_t k = 0; k < d->defs[i].nprops; k++) v8a__free(d->defs[i].props[k]);
        v8a__free(d->defs[i].props);
    }
    v8a__free(d->defs);
    v8a__free(d);
}

/* DevTools' inferInterfaceDefinitions: the candidate names of all plain
 * objects, by popularity (stable), while used by at least max(2, plain
 * objects / 1000). Each definition keeps the raw property names. */
static int infer_interfaces(ctx *c, uint32_t object_sid, v8a_interfaces **out)
{
    v8a_analysis *a = c->a;
    const v8a_heap *h = a->h;
    v8a__strmap cands;
    candidate *cv = NULL;
    uint32_t *order = NULL;
    size_t ccap = 0;
    uint64_t total = 0;
    int rc = 0, err = 0;
    v8a__strmap_init(&cands);
    v8a_interfaces *d = v8a__calloc(1, sizeof *d);
    if (!d) goto oom;
    if (a->nt.object >= 0 && a->et.property >= 0) {
        for (uint32_t o = 0; o < h->node_count; o++) {
            if (!is_plain(a, o, object_sid)) continue;
            total++;
            uint32_t np;
            size_t len = candidate_name(c, o, &np, &err);
            if (err) goto oom;
            if (np == 0) continue;
            int found;
            int64_t k = v8a__strmap_put(&cands, c->buf, len, (uint32_t)cands.count, &found);
            if (k < 0) goto oom;
            if (!found) {
                if (v8a__grow((void **)&cv, &ccap, (size_t)k + 1, sizeof *cv) < 0) goto oom;
                cv[k].count = 0;
                cv[k].first = o;
                cv[k].nprops = np;
            }
            cv[k].count++;
        }
    }
    size_t nc = cands.count;
    order = v8a__malloc(nc * 4 + 4);
    if (!order) goto oom;
    for (size_t i = 0; i < nc; i++) order[i] = (uint32_t)i;
    sort_candidates = cv;
    qsort(order, nc, 4, cmp_candidates); /* count descending, first seen first */
    double min_count = (double)total / 1000.0;
    if (min_count < 2) min_count = 2;
    size_t nd = 0;
    while (nd < nc && (double)cv[order[nd]].count >= min_count) nd++;
    d->defs = v8a__calloc(nd ? nd : 1, sizeof *d->defs);
    if (!d->defs) goto oom;
    for (size_t i = 0; i < nd; i++) {
        candidate *k = &cv[order[i]];
        v8a__interface_def *def = &d->defs[d->count++];
        size_t klen;
        const char *name = v8a__strmap_key(&cands, order[i], &klen);
        def->name = v8a__malloc(klen + 1);
        def->props = v8a__calloc(k->nprops ? k->nprops : 1, sizeof *def->props);
        if (!def->name || !def->props) goto oom;
        memcpy(def->name, name, klen);
        def->name[klen] = '\0';
        for (uint32_t e = h->first_edge[k->first];
             e < h->first_edge[k->first + 1] && def->nprops < k->nprops; e++) {
            if (h->edge_type[e] != (uint8_t)a->et.property) continue;
            size_t n;
            const char *s = v8a_heap_string(h, h->edge_name[e], &n);
            if (n == 9 && memcmp(s, "__proto__", 9) == 0) continue;
            char *p = v8a__malloc(n + 1);
            if (!p) goto oom;
            memcpy(p, s, n);
            p[n] = '\0';
            def->props[def->nprops++] = p;
        }
    }
    *out = d;
    d = NULL;
    goto done;
oom:
    rc = v8a__error_nomem("classes");
done:
    v8a_interfaces_free(d);
    v8a__free(order);
    v8a__free(cv);
    v8a__strmap_free(&cands);
    return rc;
}

/* The class of interface name `name`: a new one, or with `keys` the class
 * already holding its public key (",name"). */
static int64_t interface_class(ctx *c, const char *name, v8a__strmap *keys)
{
    size_t n = strlen(name);
    if (keys) {
        if (put_text(c, 0, ",", 1) < 0 || put_text(c, 1, name, n) < 0) return -1;
        uint32_t v;
        if (v8a__strmap_get(keys, c->buf, n + 1, &v)) return v;
    }
    int64_t id = new_class(c->a, name, n, NULL, 0);
    if (id >= 0 && keys &&
        v8a__strmap_put(keys, c->a->classes[id].key, n + 1, (uint32_t)id, NULL) < 0)
        return -1;
    return id;
}

/* Compiles definitions for matching: the vocabulary of their property
 * names ranked in JavaScript's string order, each definition's ranks, and
 * its class (see interface_class for `keys`). */
static int compile_interfaces(ctx *c, interfaces *in, const v8a_interfaces *d, v8a__strmap *keys)
{
    v8a_analysis *a = c->a;
    const v8a_heap *h = a->h;
    uint32_t *byrank = NULL;
    const char **texts = NULL;
    memset(in, 0, sizeof *in);
    v8a__strmap_init(&in->vocab);
    in->defs = v8a__calloc(d->count ? d->count : 1, sizeof *in->defs);
    if (!in->defs) goto oom;
    in->ndefs = d->count;
    for (uint32_t i = 0; i < d->count; i++)
        for (uint32_t k = 0; k < d->defs[i].nprops; k++) {
            const char *p = d->defs[i].props[k];
            if (v8a__strmap_put(&in->vocab, p, strlen(p), (uint32_t)in->vocab.count, NULL) < 0)
                goto oom;
        }
    size_t nv = in->vocab.count;
    byrank = v8a__malloc(nv * 4 + 4);
    texts = v8a__malloc(nv * sizeof *texts + sizeof *texts);
    in->sid_rank = v8a__calloc(h->string_count ? h->string_count : 1, 4);
    if (!byrank || !texts || !in->sid_rank) goto oom;
    for (size_t i = 0; i < nv; i++) {
        byrank[i] = (uint32_t)i;
        texts[i] = v8a__strmap_key(&in->vocab, i, NULL);
    }
    sort_vocab_base = texts;
    qsort(byrank, nv, 4, cmp_vocab);
    for (size_t r = 0; r < nv; r++) in->vocab.val[byrank[r]] = (uint32_t)r;
    for (uint32_t i = 0; i < d->count; i++) {
        const v8a__interface_def *src = &d->defs[i];
        definition *def = &in->defs[i];
        def->ranks = v8a__malloc((size_t)src->nprops * 4 + 4);
        if (!def->ranks) goto oom;
        for (uint32_t k = 0; k < src->nprops; k++) {
            uint32_t r = 0;
            v8a__strmap_get(&in->vocab, src->props[k], strlen(src->props[k]), &r);
            def->ranks[def->n++] = r;
            def->sig |= 1ull << (r & 63);
        }
        qsort(def->ranks, def->n, 4, cmp_u32);
        int64_t cls = interface_class(c, src->name, keys);
        if (cls < 0) goto oom;
        def->cls = (uint32_t)cls;
    }
    v8a__free(byrank);
    v8a__free(texts);
    return 0;
oom:
    v8a__free(byrank);
    v8a__free(texts);
    return v8a__error_nomem("classes");
}

static void interfaces_free(interfaces *in)
{
    for (uint32_t d = 0; d < in->ndefs; d++) v8a__free(in->defs[d].ranks);
    v8a__free(in->defs);
    v8a__free(in->sid_rank);
    v8a__strmap_free(&in->vocab);
}

/* The interface class of plain object o, or NONE. */
static uint32_t match_interface(interfaces *in, const v8a_heap *h, const v8a_analysis *a,
                                uint32_t o, uint32_t *scratch)
{
    if (!in->ndefs) return NONE;
    uint32_t n = 0;
    uint64_t sig = 0;
    for (uint32_t e = h->first_edge[o]; e < h->first_edge[o + 1]; e++) {
        if (h->edge_type[e] != (uint8_t)a->et.property) continue;
        uint32_t r = rank_of(in, h, h->edge_name[e]);
        if (r == NONE) continue;
        scratch[n++] = r;
        sig |= 1ull << (r & 63);
    }
    if (!n) return NONE;
    qsort(scratch, n, 4, cmp_u32);
    uint32_t best = NONE, best_n = 0;
    for (uint32_t d = 0; d < in->ndefs; d++) {
        const definition *def = &in->defs[d];
        if (def->n <= best_n && best != NONE) continue;
        if (def->n > n || (def->sig & ~sig)) continue;
        uint32_t i = 0, j = 0;
        while (i < def->n && j < n) {
            if (def->ranks[i] == scratch[j])
                i++, j++;
            else if (def->ranks[i] > scratch[j])
                j++;
            else
                break;
        }
        if (i == def->n && (best == NONE || def->n > best_n)) {
            best = d;
            best_n = def->n;
        }
    }
    return best == NONE ? NONE : in->defs[best].cls;
}

/* ---- per node ---- */

/* The class of every node of type t, for the types named after their type. */
static int64_t type_class(ctx *c, int t)
{
    v8a_analysis *a = c->a;
    if (t == a->nt.hidden) return syn_class(c, "(system)", 8);
    if (t == a->nt.code) return syn_class(c, "(compiled code)", 15);
    if (t == a->nt.closure) return syn_class(c, "Function", 8);
    if (t == a->nt.regexp) return syn_class(c, "RegExp", 6);
    char b[80];
    int k = snprintf(b, sizeof b, "(%s)", a->h->node_types.items[t]);
    return syn_class(c, b, k < 0 ? 0 : (size_t)k < sizeof b ? (size_t)k : sizeof b - 1);
}

static int64_t node_class(ctx *c, uint32_t o, interfaces *in, uint32_t object_sid,
                          uint32_t *scratch)
{
    v8a_analysis *a = c->a;
    const v8a_heap *h = a->h;
    int t = h->node_type[o];
    if (c->type_cls[t] != NONE) return c->type_cls[t];
    if (t != a->nt.object && t != a->nt.native) {
        int64_t k = type_class(c, t);
        if (k >= 0) c->type_cls[t] = (uint32_t)k;
        return k;
    }
    int detached = a->detached && a->detached[o] == 2 && t == a->nt.native;
    size_t n;
    const char *raw = v8a_heap_string(h, h->node_name[o], &n);
    /* the effective name: detached natives are "Detached <name>" */
    const char *eff = raw;
    size_t elen = n;
    if (detached) {
        if (put_text(c, 0, "Detached ", 9) < 0 || put_text(c, 9, raw, n) < 0) return -1;
        eff = c->buf;
        elen = n + 9;
    }
    size_t from = eff[0] == '<' ? 1 : (elen >= 10 && memcmp(eff, "Detached <", 10) == 0) ? 10 : 0;
    if (from) {
        /* "<div id=x>" -> "<div>", "Detached <div id=x>" -> "Detached <div>" */
        const char *sp = memchr(eff + from, ' ', elen - from);
        if (!sp) return syn_class(c, eff, elen);
        size_t len = (size_t)(sp - eff);
        if (eff != c->buf && put_text(c, 0, eff, len) < 0) return -1;
        if (put_text(c, len, ">", 1) < 0) return -1;
        return syn_class(c, c->buf, len + 1);
    }
    if (detached) {
        if (!c->det_cls) {
            c->det_cls = v8a__malloc((size_t)h->string_count * 4 + 4);
            if (!c->det_cls) return -1;
            memset(c->det_cls, 0xff, (size_t)h->string_count * 4 + 4);
        }
        return sid_class(c, c->det_cls, h->node_name[o], c->buf, elen);
    }
    if (t == a->nt.object && is_plain(a, o, object_sid)) {
        uint32_t ic = match_interface(in, h, a, o, scratch);
        if (ic != NONE) return ic;
    }
    return sid_class(c, c->raw_cls, h->node_name[o], raw, n);
}

/* Objects with an allocation site: "scriptId,line,column,className". The
 * map is keyed by the four numbers (script, line, column, base class); the
 * text is made once per class. */
static int64_t located(ctx *c, uint32_t cls, const v8a_heap_location *l)
{
    v8a_analysis *a = c->a;
    uint32_t bin[4] = {l->script_id, l->line, l->column, cls};
    uint32_t v;
    if (v8a__strmap_get(&c->loc, (const char *)bin, sizeof bin, &v)) return v;
    const char *name = a->classes[cls].name;
    int k = snprintf(NULL, 0, "%u,%u,%u,%s", l->script_id, l->line, l->column, name);
    if (k < 0 || v8a__grow((void **)&c->buf, &c->buf_cap, (size_t)k + 1, 1) < 0) return -1;
    snprintf(c->buf, (size_t)k + 1, "%u,%u,%u,%s", l->script_id, l->line, l->column, name);
    /* two base classes of one text (raw "Function" and closures) share a key */
    uint32_t same;
    int64_t id;
    if (v8a__strmap_get(&c->loctext, c->buf, (size_t)k, &same)) {
        id = same;
    } else {
        id = new_class(a, name, strlen(name), c->buf, (size_t)k);
        if (id < 0 ||
            v8a__strmap_put(&c->loctext, a->classes[id].key, (size_t)k, (uint32_t)id, NULL) < 0)
            return -1;
    }
    if (v8a__strmap_put(&c->loc, (const char *)bin, sizeof bin, (uint32_t)id, NULL) < 0) return -1;
    return id;
}

/* Sums retained sizes per class over instances with no same-class dominator. */
static int class_retained(v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    uint32_t n = h->node_count;
    uint32_t *first = v8a__calloc((size_t)n + 2, 4), *child = v8a__malloc((size_t)n * 4 + 4);
    uint32_t *active = v8a__calloc((size_t)a->class_count + 1, 4);
    uint32_t *stack = v8a__malloc((size_t)n * 8 + 8);
    if (!first || !child || !active || !stack) {
        v8a__free(first);
        v8a__free(child);
        v8a__free(active);
        v8a__free(stack);
        return v8a__error_nomem("classes");
    }
    for (uint32_t o = 0; o < n; o++)
        if (o != a->root) first[a->dom[o] + 1]++;
    for (uint32_t i = 0; i < n; i++) first[i + 1] += first[i];
    for (uint32_t o = 0; o < n; o++)
        if (o != a->root) child[first[a->dom[o]]++] = o;
    for (uint32_t i = n; i > 0; i--) first[i] = first[i - 1];
    first[0] = 0;
    /* iterative DFS; an entry with the top bit set is the exit of that node */
    size_t sp = 0;
    stack[sp++] = a->root;
    while (sp) {
        uint32_t x = stack[--sp];
        if (x & 0x80000000u) {
            uint32_t o = x & 0x7fffffffu;
            active[a->cls[o]]--;
            continue;
        }
        if (a->shallow[x] > 0) {
            uint32_t c = a->cls[x];
            if (active[c] == 0) a->classes[c].retained_size += a->retained[x];
            active[c]++;
            stack[sp++] = x | 0x80000000u;
        }
        for (uint32_t k = first[x + 1]; k > first[x]; k--) stack[sp++] = child[k - 1];
    }
    v8a__free(first);
    v8a__free(child);
    v8a__free(active);
    v8a__free(stack);
    return 0;
}

/* The most edges of one node: what an object's property list needs. */
static uint32_t max_degree(const v8a_heap *h)
{
    uint32_t degree = 0;
    for (uint32_t o = 0; o < h->node_count; o++)
        if (h->first_edge[o + 1] - h->first_edge[o] > degree)
            degree = h->first_edge[o + 1] - h->first_edge[o];
    return degree;
}

/* Per node, the index of its location (the last one given), or NONE; NULL
 * with *oom clear when the snapshot has no locations. */
static uint32_t *location_index(const v8a_heap *h, int *oom)
{
    *oom = 0;
    if (!h->location_count) return NULL;
    uint32_t *loc_of = v8a__malloc((size_t)h->node_count * 4 + 4);
    if (!loc_of) {
        *oom = 1;
        return NULL;
    }
    memset(loc_of, 0xff, (size_t)h->node_count * 4 + 4);
    for (uint32_t i = 0; i < h->location_count; i++) loc_of[h->loc_node[i]] = i;
    return loc_of;
}

/* The Summary aggregates of every class, from a->cls: count, shallow size,
 * minimum distance, retained size. */
int v8a__class_sizes(v8a_analysis *a)
{
    uint32_t n = a->h->node_count;
    for (uint32_t i = 0; i < a->class_count; i++) {
        v8a_class_info *ci = &a->classes[i];
        ci->count = 0;
        ci->shallow_size = ci->retained_size = 0;
        ci->distance = INT32_MAX;
        ci->first = NONE;
        ci->in_summary = 0;
    }
    /* aggregates over nodes of non-zero shallow size */
    for (uint32_t o = 0; o < n; o++) {
        if (a->shallow[o] == 0) continue;
        v8a_class_info *ci = &a->classes[a->cls[o]];
        if (ci->count++ == 0) ci->first = o;
        ci->shallow_size += a->shallow[o];
        if (a->distance[o] < ci->distance) ci->distance = a->distance[o];
    }
    for (uint32_t i = 0; i < a->class_count; i++)
        if (a->classes[i].count == 0) a->classes[i].distance = V8A_DISTANCE_NONE;
    return class_retained(a);
}

int v8a__class_names(v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    uint32_t n = h->node_count;
    ctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    memset(c.type_cls, 0xff, sizeof c.type_cls);
    interfaces in;
    uint32_t *loc_of = NULL, *scratch = NULL;
    int rc = 0;
    if (n >= 0x80000000u)
        return v8a__error_set(V8A_EUNSUPPORTED, "%s: too many nodes to classify", h->source);
    v8a__strmap_init(&c.syn);
    v8a__strmap_init(&c.loc);
    v8a__strmap_init(&c.loctext);
    memset(&in, 0, sizeof in);
    a->cls = v8a__malloc((size_t)n * 4 + 4);
    c.raw_cls = v8a__malloc((size_t)h->string_count * 4 + 4);
    scratch = v8a__malloc((size_t)max_degree(h) * 4 + 4);
    if (!a->cls || !c.raw_cls || !scratch) goto oom;
    memset(c.raw_cls, 0xff, (size_t)h->string_count * 4 + 4);
    uint32_t object_sid = UINT32_MAX;
    for (uint32_t i = 0; i < h->string_count && object_sid == UINT32_MAX; i++)
        if (strcmp(h->string_data + h->string_offset[i], "Object") == 0) object_sid = i;
    if ((rc = infer_interfaces(&c, object_sid, &a->ifaces)) < 0 ||
        (rc = compile_interfaces(&c, &in, a->ifaces, NULL)) < 0)
        goto done;
    int no_mem;
    loc_of = location_index(h, &no_mem);
    if (no_mem) goto oom;
    for (uint32_t o = 0; o < n; o++) {
        int64_t k = node_class(&c, o, &in, object_sid, scratch);
        if (k < 0) goto oom;
        if (loc_of && loc_of[o] != NONE && h->node_type[o] == (uint8_t)a->nt.object) {
            v8a_heap_location l;
            v8a_heap_get_location(h, loc_of[o], &l);
            k = located(&c, (uint32_t)k, &l);
            if (k < 0) goto oom;
        }
        a->cls[o] = (uint32_t)k;
    }
    goto done;
oom:
    rc = v8a__error_nomem("classes");
done:
    interfaces_free(&in);
    v8a__strmap_free(&c.syn);
    v8a__strmap_free(&c.loc);
    v8a__strmap_free(&c.loctext);
    v8a__free(c.raw_cls);
    v8a__free(c.det_cls);
    v8a__free(c.buf);
    v8a__free(loc_of);
    v8a__free(scratch);
    return rc;
}

int v8a_analysis_apply_interfaces(v8a_analysis *a, const v8a_interfaces *defs)
{
    const v8a_heap *h = a->h;
    uint32_t n = h->node_count;
    ctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    interfaces in;
    memset(&in, 0, sizeof in);
    uint32_t *loc_of = NULL, *scratch = NULL;
    int rc = 0;
    v8a__strmap_init(&c.syn);
    v8a__strmap_init(&c.loc);
    v8a__strmap_init(&c.loctext);
    if (!defs) return v8a__error_set(V8A_EINVAL, "v8a_analysis_apply_interfaces: no definitions");
    /* every public key names one class: the one DevTools' map keeps */
    for (uint32_t i = 0; i < a->class_count; i++) {
        const char *k = a->classes[i].key;
        int found;
        int64_t at = v8a__strmap_put(&c.loctext, k, strlen(k), i, &found);
        if (at < 0) goto oom;
        if (found && !a->classes[c.loctext.val[at]].in_summary) c.loctext.val[at] = i;
    }
    uint32_t object_sid = UINT32_MAX;
    for (uint32_t i = 0; i < h->string_count && object_sid == UINT32_MAX; i++)
        if (strcmp(h->string_data + h->string_offset[i], "Object") == 0) object_sid = i;
    if (a->nt.object < 0 || object_sid == UINT32_MAX) return 0; /* no plain objects */
    int64_t object_cls = interface_class(&c, "Object", &c.loctext);
    if (object_cls < 0 || (rc = compile_interfaces(&c, &in, defs, &c.loctext)) < 0) goto oom;
    scratch = v8a__malloc((size_t)max_degree(h) * 4 + 4);
    int no_mem;
    loc_of = location_index(h, &no_mem);
    if (!scratch || no_mem) goto oom;
    for (uint32_t o = 0; o < n; o++) {
        if (!is_plain(a, o, object_sid)) continue;
        uint32_t ic = match_interface(&in, h, a, o, scratch);
        int64_t k = ic != NONE ? (int64_t)ic : object_cls;
        if (loc_of && loc_of[o] != NONE) {
            v8a_heap_location l;
            v8a_heap_get_location(h, loc_of[o], &l);
            k = located(&c, (uint32_t)k, &l);
            if (k < 0) goto oom;
        }
        a->cls[o] = (uint32_t)k;
    }
    if ((rc = v8a__class_sizes(a)) == 0) rc = v8a__mark_summary(a);
    goto done;
oom:
    rc = v8a__error_nomem("classes");
done:
    interfaces_free(&in);
    v8a__strmap_free(&c.syn);
    v8a__strmap_free(&c.loc);
    v8a__strmap_free(&c.loctext);
    v8a__free(c.buf);
    v8a__free(loc_of);
    v8a__free(scratch);
    return rc;
}

const v8a_interfaces *v8a_analysis_get_interfaces(const v8a_analysis *a)
{
    return a->ifaces;
}
