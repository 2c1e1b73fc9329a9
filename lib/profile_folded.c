/* profile_folded.c - folded stacks ("a;b;c 12" lines) read into the profile
 * model, so every flame view takes flamegraph.pl, inferno and speedscope
 * files and the output of `flame fold`.
 *
 * Lines are read in chunks and cut at '\n' (a line may not exceed 64 MiB).
 * The stacks go into a trie of raw nodes (v8a__prof, nested layout: each
 * node names its parent by raw index, found through a map of (parent, frame)
 * pairs), and each line becomes one sample on its leaf. v8a__prof_build does
 * the rest as for any profile; the time model is then replaced: a sample
 * lasts its count, samples follow each other, a node's hit count is the sum
 * of its counts. The format has no clock, so the counts are the weights
 * whatever the weight asked for (v8a_profile_self_weights).
 *
 * A frame "name [url:line]" (as `flame fold` writes when the url is known)
 * is split back into name, url and line, so categories and colours survive
 * a round trip. Errors name the file and the line: "prof.folded:12: ...".
 */
#include "alloc.h"
#include "error.h"
#include "profile_internal.h"
#include "utf8.h"

#include <inttypes.h>
#include <string.h>

#define MAX_LINE ((size_t)64 << 20)
#define NONE     UINT32_MAX

typedef struct {
    v8a__prof *b;
    v8a__strmap kids; /* (parent raw index, frame) -> raw index */
    int64_t *counts;
    size_t ncounts, counts_cap;
    uint64_t line;
} folder;

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int fail(const folder *f, const char *msg)
{
    return v8a__error_set(V8A_EFORMAT, "%s:%" PRIu64 ": %s", f->b->name, f->line, msg);
}

/* The raw node for frame `fr` under raw node `parent`, created when new. */
static int64_t child(folder *f, uint32_t parent, uint32_t fr)
{
    v8a__prof *b = f->b;
    uint32_t key[2] = {parent, fr}, v;
    if (v8a__strmap_get(&f->kids, (const char *)key, sizeof key, &v)) return v;
    if (b->nrn >= UINT32_MAX - 2 ||
        v8a__grow((void **)&b->rn, &b->rn_cap, b->nrn + 1, sizeof *b->rn) < 0 ||
        v8a__strmap_put(&f->kids, (const char *)key, sizeof key, (uint32_t)b->nrn, NULL) < 0)
        return -1;
    v8a__raw_node *r = &b->rn[b->nrn];
    memset(r, 0, sizeof *r);
    r->id = (uint32_t)b->nrn + 1;
    r->has_id = 1;
    r->frame = fr;
    r->hit = -1;
    r->parent_idx = parent;
    r->at = f->line;
    return (int64_t)b->nrn++;
}

/* The frame for one ';'-separated part s[0..n). */
static int64_t frame_of(folder *f, const char *s, size_t n)
{
    const char *name = s, *url = "";
    size_t nlen = n, ulen = 0;
    int32_t line = 0;
    if (n >= 4 && s[n - 1] == ']') {
        /* "name [url:line]" */
        for (size_t i = n - 1; i-- > 0;)
            if (s[i] == '[' && i > 0 && s[i - 1] == ' ') {
                name = s;
                nlen = i - 1;
                url = s + i + 1;
                ulen = n - i - 2;
                size_t c = ulen;
                while (c > 0 && url[c - 1] >= '0' && url[c - 1] <= '9') c--;
                if (c > 0 && c < ulen && url[c - 1] == ':' && ulen - c <= 9) {
                    int32_t v = 0;
                    for (size_t k = c; k < ulen; k++) v = v * 10 + (url[k] - '0');
                    line = v;
                    ulen = c - 1;
                }
                break;
            }
    }
    int64_t ns = v8a__prof_string(f->b, name, nlen);
    int64_t us = ns < 0 ? -1 : v8a__prof_string(f->b, url, ulen);
    if (us < 0) return -1;
    return v8a__prof_frame(f->b, (uint32_t)ns, (uint32_t)us, line, 0);
}

/* One line without its '\n'. */
static int add_line(folder *f, char *s, size_t n)
{
    f->line++;
    while (n > 0 && blank(s[n - 1])) n--;
    while (n > 0 && blank(*s)) s++, n--;
    if (n == 0) return 0;
    if (v8a__utf8_valid_prefix((const unsigned char *)s, n) != n) return fail(f, "not valid UTF-8");
    size_t d = n;
    while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9') d--;
    if (d == n || d == 0 || !blank(s[d - 1]))
        return fail(f, "expected 'frame;frame;... COUNT' (a stack, blanks, a whole number)");
    if (n - d > 15) return fail(f, "the count is too large");
    int64_t count = 0;
    for (size_t k = d; k < n; k++) count = count * 10 + (s[k] - '0');
    size_t e = d;
    while (e > 0 && blank(s[e - 1])) e--;
    if (e == 0) return fail(f, "no stack before the count");
    {
        size_t c = e;
        while (c > 0 && s[c - 1] >= '0' && s[c - 1] <= '9') c--;
        if (c < e && c > 0 && blank(s[c - 1]))
            return fail(f, "two counts: differential folded files are not supported");
    }
    if (count == 0) return 0;
    uint32_t node = 0;
    for (size_t a = 0; a <= e;) {
        size_t z = a;
        while (z < e && s[z] != ';') z++;
        if (z == a) return fail(f, "an empty frame name (';;' or a ';' at an end)");
        int64_t fr = frame_of(f, s + a, z - a);
        if (fr < 0) return v8a__error_nomem("folded stacks");
        int64_t c = child(f, node, (uint32_t)fr);
        if (c < 0) return v8a__error_nomem("folded stacks");
        node = (uint32_t)c;
        a = z + 1;
        if (z == e) break;
    }
    v8a__prof *b = f->b;
    if (v8a__grow((void **)&b->samples, &b->samples_cap, b->nsamples + 1, sizeof *b->samples) < 0 ||
        v8a__grow((void **)&b->deltas, &b->deltas_cap, b->ndeltas + 1, sizeof *b->deltas) < 0 ||
        v8a__grow((void **)&f->counts, &f->counts_cap, f->ncounts + 1, sizeof *f->counts) < 0)
        return v8a__error_nomem("folded stacks");
    b->samples[b->nsamples++] = b->rn[node].id;
    b->deltas[b->ndeltas++] = f->ncounts ? f->counts[f->ncounts - 1] : 0;
    f->counts[f->ncounts++] = count;
    return 0;
}

int v8a__prof_read_folded(const char *name, v8a__read_fn rd, void *payload, size_t chunk,
                          v8a_profile **out)
{
    v8a__prof b;
    folder f;
    char *buf = NULL;
    size_t cap = 0, have = 0, scanned = 0;
    uint64_t offset = 0;
    int rc = 0;
    *out = NULL;
    v8a__prof_init(&b, name);
    memset(&f, 0, sizeof f);
    f.b = &b;
    v8a__strmap_init(&f.kids);
    b.folded = 1;
    b.seen_deltas = 1;
    int64_t rs = v8a__prof_string(&b, "(root)", 6);
    int64_t rf = rs < 0 ? -1 : v8a__prof_frame(&b, (uint32_t)rs, 0, 0, 0);
    if (rf < 0 || v8a__grow((void **)&b.rn, &b.rn_cap, 1, sizeof *b.rn) < 0) {
        rc = v8a__error_nomem("folded stacks");
        goto done;
    }
    memset(&b.rn[0], 0, sizeof *b.rn);
    b.rn[0].id = 1;
    b.rn[0].has_id = 1;
    b.rn[0].frame = (uint32_t)rf;
    b.rn[0].hit = -1;
    b.rn[0].parent_idx = NONE;
    b.nrn = 1;
    for (;;) {
        if (have + chunk > cap && v8a__grow((void **)&buf, &cap, have + chunk, 1) < 0) {
            rc = v8a__error_nomem("input buffer");
            goto done;
        }
        size_t got = 0;
        if ((rc = rd(payload, buf + have, chunk, &got, offset + have)) < 0) goto done;
        if (got == 0) {
            if (have && (rc = add_line(&f, buf, have)) < 0) goto done;
            break;
        }
        have += got;
        size_t start = 0;
        for (size_t i = scanned; i < have; i++)
            if (buf[i] == '\n') {
                if ((rc = add_line(&f, buf + start, i - start)) < 0) goto done;
                start = i + 1;
            }
        memmove(buf, buf + start, have - start);
        offset += start;
        have -= start;
        scanned = have;
        if (have > MAX_LINE) {
            f.line++;
            rc = fail(&f, "a line longer than 64 MiB");
            goto done;
        }
    }
    if (f.ncounts == 0) {
        rc = v8a__error_set(V8A_EFORMAT, "%s: no stacks with a count above 0 (not a profile?)",
                            name);
        goto done;
    }
    if ((rc = v8a__prof_build(&b, NULL, out)) < 0) goto done;
    /* the time model of a file without a clock: a sample lasts its count */
    v8a_profile *p = *out;
    int64_t t = 0;
    for (uint32_t i = 0; i < p->nnodes; i++) p->nodes[i].hit_count = 0;
    for (size_t i = 0; i < p->nsamples; i++) {
        p->sample_time[i] = t;
        p->sample_duration[i] = f.counts[i];
        p->nodes[p->sample_node[i]].hit_count += f.counts[i];
        t += f.counts[i];
    }
    p->start_time_us = 0;
    p->end_time_us = p->duration_us = t;
    p->interval_us = 1;
    memset(&p->anomalies, 0, sizeof p->anomalies);
done:
    v8a__free(buf);
    v8a__free(f.counts);
    v8a__strmap_free(&f.kids);
    v8a__prof_free(&b);
    return rc;
}
