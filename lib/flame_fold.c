/* flame_fold.c - a profile written as folded stacks ("a;b;c 12" lines), the
 * interchange format of flamegraph.pl, inferno and speedscope.
 *
 * The stacks go through the same filters and transforms as a flame graph
 * (v8a__flame_merge), merged by the text each frame is written as, so two
 * frames that print the same never give two lines with the same stack. One
 * line per merged node with self weight; the lines come out in a pre-order
 * walk with siblings in byte order of their text, which sorts them frame by
 * frame (a stack before its extensions). The root is not written; weight on
 * the root itself (every frame hidden) is written as "(root) N" so the
 * counts always add up to the total.
 *
 * A frame is its display name, plus " [url:line]" when the url is known
 * (V8 has many "(anonymous)" functions; the suffix keeps them apart and lets
 * the folded reader restore url and line). Text is cleaned to valid UTF-8
 * without control characters, and ';' inside a name or url becomes ':' so
 * the separator stays unambiguous.
 */
#include "alloc.h"
#include "error.h"
#include "flame_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *frame_text(const v8a_profile *p, uint32_t f)
{
    char loc[64];
    const char *name = v8a__flame_name(p, f);
    const char *url = f < p->nframes ? v8a_profile_string(p, p->frames[f].url) : "";
    size_t n = strlen(name) + strlen(url) + sizeof loc + 4;
    char *raw = v8a__malloc(n);
    if (!raw) return NULL;
    if (*url) {
        loc[0] = '\0';
        if (p->frames[f].line > 0) snprintf(loc, sizeof loc, ":%d", p->frames[f].line);
        snprintf(raw, n, "%s [%s%s]", name, url, loc);
    } else {
        snprintf(raw, n, "%s", name);
    }
    char *t = v8a__flame_clean(raw);
    v8a__free(raw);
    if (t)
        for (char *c = t; *c; c++)
            if (*c == ';') *c = ':';
    return t;
}

/* qsort has no payload: the texts (per frame, or per merged node) that the
 * sort in progress on this thread compares. */
static _Thread_local const char *const *sort_text;
static int cmp_by_text(const void *a, const void *b)
{
    return strcmp(sort_text[*(const uint32_t *)a], sort_text[*(const uint32_t *)b]);
}

typedef struct {
    v8a_write_cb write;
    void *payload;
    int failed;
    size_t n;
    char buf[1 << 16];
} sink;

static void put(sink *s, const char *p, size_t len)
{
    while (len && !s->failed) {
        if (s->n == sizeof s->buf) {
            if (s->write(s->payload, s->buf, s->n) != 0) s->failed = errno ? errno : EIO;
            s->n = 0;
        }
        size_t k = sizeof s->buf - s->n;
        if (k > len) k = len;
        memcpy(s->buf + s->n, p, k);
        s->n += k;
        p += k;
        len -= k;
    }
}

int v8a_flame_fold(const v8a_profile *p, const v8a_flame_options *opt, v8a_write_cb write,
                   void *payload)
{
    v8a_flame_options defaults;
    if (!opt) {
        v8a_flame_options_init(&defaults);
        defaults.weight = V8A_WEIGHT_SAMPLES;
        opt = &defaults;
    }
    if (!p || !p->nnodes || !write || (unsigned)opt->weight > V8A_WEIGHT_HITCOUNT ||
        (unsigned)opt->recursion > V8A_RECURSION_ALL || (unsigned)opt->idle > 2)
        return v8a__error_set(V8A_EINVAL, "v8a_flame_fold: invalid argument");
    uint32_t nf = p->nframes ? p->nframes : 1;
    char **text = v8a__calloc(nf, sizeof *text);
    uint32_t *order = v8a__malloc(nf * sizeof *order), *key = v8a__malloc(nf * sizeof *key);
    unsigned char *mask = v8a__malloc(nf), *keep = v8a__malloc(p->nnodes);
    int64_t *self = v8a__malloc(p->nnodes * sizeof *self);
    uint32_t *start = NULL, *kids = NULL, *stack = NULL, *path = NULL;
    const char **ntext = NULL;
    sink *s = v8a__malloc(sizeof *s);
    char *line = NULL;
    size_t line_cap = 0;
    v8a__flame_merged m;
    memset(&m, 0, sizeof m);
    int rc = 0;
    if (!text || !order || !key || !mask || !keep || !self || !s) goto nomem;
    s->write = write;
    s->payload = payload;
    s->failed = 0;
    s->n = 0;
    /* frames that print the same share a key */
    for (uint32_t f = 0; f < p->nframes; f++) {
        if (!(text[f] = frame_text(p, f))) goto nomem;
        order[f] = f;
    }
    sort_text = (const char *const *)text;
    qsort(order, p->nframes, sizeof *order, cmp_by_text);
    for (uint32_t i = 0; i < p->nframes; i++)
        key[order[i]] =
            i && strcmp(text[order[i]], text[order[i - 1]]) == 0 ? key[order[i - 1]] : order[i];
    if ((rc = v8a__flame_masks(p, opt, mask)) < 0) goto done;
    if ((rc = v8a__flame_keep(p, opt, opt->idle == V8A_FLAME_IDLE_HIDE, mask, keep)) < 0) goto done;
    if ((rc = v8a_profile_self_weights(p, opt->weight, self)) < 0) goto done;
    if ((rc = v8a__flame_merge(p, opt, mask, key, self, keep, &m)) < 0) goto done;
    /* children sorted by text, in CSR form */
    uint32_t n = m.n;
    start = v8a__calloc((size_t)n + 1, sizeof *start);
    kids = v8a__malloc(n * sizeof *kids);
    stack = v8a__malloc(n * sizeof *stack);
    path = v8a__malloc(n * sizeof *path);
    ntext = v8a__malloc(n * sizeof *ntext);
    if (!start || !kids || !stack || !path || !ntext) goto nomem;
    for (uint32_t i = 0; i < n; i++) ntext[i] = m.frame[i] < p->nframes ? text[m.frame[i]] : "?";
    for (uint32_t i = 1; i < n; i++) start[m.parent[i] + 1]++;
    for (uint32_t i = 0; i < n; i++) start[i + 1] += start[i];
    for (uint32_t i = 1; i < n; i++) kids[start[m.parent[i]]++] = i;
    for (uint32_t i = n; i > 0; i--) start[i] = start[i - 1];
    start[0] = 0;
    sort_text = ntext;
    for (uint32_t i = 0; i < n; i++)
        qsort(kids + start[i], start[i + 1] - start[i], sizeof *kids, cmp_by_text);
    if (m.self[0] > 0) {
        char b[48];
        int k = snprintf(b, sizeof b, "(root) %lld\n", (long long)m.self[0]);
        put(s, b, (size_t)k);
    }
    /* pre-order walk; path[d] is the merged node at depth d (from 1) */
    size_t sp = 0;
    for (uint32_t k = start[1]; k-- > start[0];) stack[sp++] = kids[k];
    while (sp) {
        uint32_t i = stack[--sp];
        if (m.total[i] <= 0) continue;
        uint32_t d = m.depth[i];
        path[d] = i;
        if (m.self[i] > 0) {
            size_t len = 0;
            for (uint32_t j = 1; j <= d; j++) len += strlen(ntext[path[j]]) + 1;
            if (len + 32 > line_cap) {
                char *nl = v8a__realloc(line, len + 32);
                if (!nl) goto nomem;
                line = nl;
                line_cap = len + 32;
            }
            size_t o = 0;
            for (uint32_t j = 1; j <= d; j++) {
                size_t t = strlen(ntext[path[j]]);
                memcpy(line + o, ntext[path[j]], t);
                o += t;
                line[o++] = j < d ? ';' : ' ';
            }
            o += (size_t)snprintf(line + o, line_cap - o, "%lld\n", (long long)m.self[i]);
            put(s, line, o);
        }
        for (uint32_t k = start[i + 1]; k-- > start[i];) stack[sp++] = kids[k];
    }
    if (!s->failed && s->n && s->write(s->payload, s->buf, s->n) != 0)
        s->failed = errno ? errno : EIO;
    if (s->failed) rc = v8a__error_set(V8A_EIO, "write error: %s", strerror(s->failed));
    goto done;
nomem:
    rc = v8a__error_nomem("flame fold");
done:
    v8a__flame_merged_free(&m);
    if (text)
        for (uint32_t f = 0; f < p->nframes; f++) v8a__free(text[f]);
    v8a__free(text);
    v8a__free(order);
    v8a__free(key);
    v8a__free(mask);
    v8a__free(keep);
    v8a__free(self);
    v8a__free(start);
    v8a__free(kids);
    v8a__free(stack);
    v8a__free(path);
    v8a__free(ntext);
    v8a__free(line);
    v8a__free(s);
    return rc;
}
