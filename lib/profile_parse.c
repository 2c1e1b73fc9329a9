/* profile_parse.c - yajl callbacks that read every profile layout into a v8a__prof.
 *
 * One pushdown machine serves the CDP .cpuprofile, the legacy nested "head"
 * tree, the .heapprofile and Chrome trace events, because the layout is only
 * known from the keys the file holds and keys may come in any order. `ctx`
 * is the container the parser is in, `pending` the key whose value comes
 * next. The context stack grows with the nesting of a "head" tree, and so
 * does a parallel stack of node records (a nested node's fields can come
 * after its children); both are bounded by V8A__PROF_MAX_DEPTH, so a hostile
 * file fails cleanly instead of exhausting memory or the C stack (yajl
 * itself keeps its nesting on the heap).
 *
 * Values are checked when read: integers where integers belong (no fraction,
 * no exponent, within range), strings as strict UTF-8 under the policy of
 * utf8.h (the raw text is decoded here, not yajl's decoding). Anything not
 * needed is skipped by counting brackets, keeping no state. Trace events
 * stage their nodes and samples in the builder and profile_trace.c keeps or
 * drops them when the event ends.
 */
#include "alloc.h"
#include "error.h"
#include "json_feed.h"
#include "profile_internal.h"
#include "utf8.h"

#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

enum {
    C_BEGIN,
    C_ROOT,    /* the top-level object */
    C_CPUPROF, /* args.data.cpuProfile of a trace event */
    C_EVENTS,
    C_EVENT,
    C_ARGS,
    C_DATA,
    C_NODES,
    C_NODE,
    C_CALLFRAME,
    C_CHILDREN,
    C_TICKS,
    C_TICK,
    C_INTS,
    C_HSAMPLE,
    C_SKIP,
    C_END
};

enum {
    K_NONE,
    K_SKIP,
    /* profile level */
    K_NODES,
    K_HEAD,
    K_SAMPLES,
    K_DELTAS,
    K_TIMESTAMPS,
    K_START,
    K_END,
    K_EVENTS,
    /* node level */
    K_ID,
    K_CALLFRAME,
    K_HIT,
    K_CHILDREN,
    K_PARENT,
    K_DEOPT,
    K_TICKS,
    K_SELF,
    K_FNAME,
    K_URL,
    K_LINE,
    K_COL,
    K_SCRIPT,
    /* positionTicks / heap samples */
    K_TLINE,
    K_TTICKS,
    K_SIZE,
    K_NODEID,
    K_ORDINAL,
    /* events */
    K_EVNAME,
    K_PID,
    K_TID,
    K_EVID,
    K_TS,
    K_ARGS,
    K_DATA,
    K_ARGNAME,
    K_CPUPROFILE,
    K_COUNT
};

#define TICK_EVERY (1u << 20)

/* A node being read; nested layouts keep one per level. */
typedef struct {
    uint32_t raw;
    uint32_t name, url;
    int32_t line, col;
    uint64_t seen;     /* keys seen, bit per K_* */
    uint8_t kids_mode; /* 0 none yet, 1 ids, 2 nested nodes */
} nrec;

struct v8a__prof_parser {
    v8a__prof *b;
    yajl_handle y;
    jmp_buf *jb;
    int failed, dead;

    const unsigned char *feed;
    size_t feed_len;
    uint64_t feed_base;

    uint8_t *stack;
    size_t sp, stack_cap;
    int ctx;
    int pending;
    int last_key; /* the key of the value being read, for messages */
    uint64_t skip_depth;
    uint64_t root_seen; /* keys of the top-level object */
    uint64_t prof_seen; /* keys of a cpuProfile object */

    nrec *nodes;
    size_t nsp, nodes_cap;
    int in_frame;       /* inside callFrame: 0-based positions */
    int ints_target;    /* K_SAMPLES, K_DELTAS or K_TIMESTAMPS */
    int in_trace;       /* inside a trace event */
    int root_is_events; /* a bare array of events */
    uint32_t tick_line; /* current positionTicks entry */
    int64_t tick_ticks;
    int tick_have;
    int64_t hs_size, hs_ordinal;
    uint32_t hs_node;
    int hs_have;

    v8a__trace_event ev;
    uint64_t ev_seen;
    uint64_t nevents;

    int (*tick_fn)(void *payload, uint64_t offset);
    void *tick_payload;

    void *early[8]; /* what yajl_alloc got before a failure (freed then) */
    int nearly, in_alloc;

    char *sbuf; /* decoded strings */
    size_t sbuf_cap;
    uint32_t countdown;
};

/* ---- errors ---- */

static uint64_t pos_now(const v8a__prof_parser *r)
{
    return r->feed_base + (r->y && !r->dead && r->feed ? yajl_get_bytes_consumed(r->y) : 0);
}

static int fail_at(v8a__prof_parser *r, int code, uint64_t off, const char *fmt, ...)
    V8A_PRINTF(4, 5);
static int fail_at(v8a__prof_parser *r, int code, uint64_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v8a__error_set(code, "%s: byte %" PRIu64 ": %s", r->b->name, off, msg);
    r->failed = 1;
    return 0;
}

#define FAIL(r, ...) fail_at((r), V8A_EFORMAT, pos_now(r), __VA_ARGS__)

static int nomem(v8a__prof_parser *r, const char *what)
{
    return fail_at(r, V8A_ENOMEM, pos_now(r), "out of memory (%s)", what);
}

/* ---- yajl's allocator: ours, longjmp instead of NULL ---- */

#define MAX_TOKEN ((size_t)1 << 30)

static void yfail(v8a__prof_parser *r)
{
    nomem(r, "parser buffer");
    r->dead = 1;
    longjmp(*r->jb, 1);
}

static void *y_malloc(void *ctx, size_t n)
{
    v8a__prof_parser *r = ctx;
    void *p = n > MAX_TOKEN ? NULL : v8a__malloc(n);
    if (!p) yfail(ctx);
    if (r->in_alloc && r->nearly < 8) r->early[r->nearly++] = p;
    return p;
}

static void *y_realloc(void *ctx, void *old, size_t n)
{
    v8a__prof_parser *r = ctx;
    void *p = n > MAX_TOKEN ? NULL : v8a__realloc(old, n);
    if (!p) yfail(ctx);
    if (r->in_alloc && !old && r->nearly < 8) r->early[r->nearly++] = p;
    return p;
}

static void y_free(void *ctx, void *p)
{
    (void)ctx;
    v8a__free(p);
}

/* ---- numbers ---- */

/* A JSON integer, optionally negative: 0, -1 (not an integer), -2 (range). */
static int parse_i64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (len > 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i == len) return -1;
    uint64_t v = 0;
    int big = 0;
    for (; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9) return -1;
        if (v > (UINT64_MAX - d) / 10) big = 1;
        if (!big) v = v * 10 + d;
    }
    if (big || v > (uint64_t)INT64_MAX) return -2;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

static const char *const key_text[K_COUNT] = {
    [K_NODES] = "nodes",
    [K_HEAD] = "head",
    [K_SAMPLES] = "samples",
    [K_DELTAS] = "timeDeltas",
    [K_TIMESTAMPS] = "timestamps",
    [K_START] = "startTime",
    [K_END] = "endTime",
    [K_EVENTS] = "traceEvents",
    [K_ID] = "id",
    [K_CALLFRAME] = "callFrame",
    [K_HIT] = "hitCount",
    [K_CHILDREN] = "children",
    [K_PARENT] = "parent",
    [K_DEOPT] = "deoptReason",
    [K_TICKS] = "positionTicks",
    [K_SELF] = "selfSize",
    [K_FNAME] = "functionName",
    [K_URL] = "url",
    [K_LINE] = "lineNumber",
    [K_COL] = "columnNumber",
    [K_SCRIPT] = "scriptId",
    [K_TLINE] = "line",
    [K_TTICKS] = "ticks",
    [K_SIZE] = "size",
    [K_NODEID] = "nodeId",
    [K_ORDINAL] = "ordinal",
    [K_EVNAME] = "name",
    [K_PID] = "pid",
    [K_TID] = "tid",
    [K_EVID] = "id",
    [K_TS] = "ts",
    [K_ARGS] = "args",
    [K_DATA] = "data",
    [K_ARGNAME] = "name",
    [K_CPUPROFILE] = "cpuProfile",
};

/* Reads an integer for key k; fails naming the key. */
static int get_int(v8a__prof_parser *r, const char *s, size_t len, int64_t lo, int64_t hi,
                   int64_t *out)
{
    int rc = parse_i64(s, len, out);
    char q[64];
    if (rc == 0 && *out >= lo && *out <= hi) return 1;
    v8a__error_quote(q, sizeof q, s, len, 40);
    const char *k = r->last_key > K_SKIP ? key_text[r->last_key] : NULL;
    if (r->ctx == C_INTS) k = key_text[r->ints_target];
    if (rc == -1)
        return fail_at(r, V8A_EFORMAT, pos_now(r) - len, "expected an integer in \"%s\", found %s",
                       k ? k : "?", q);
    return fail_at(r, V8A_EFORMAT, pos_now(r) - len, "integer %s out of range in \"%s\"", q,
                   k ? k : "?");
}

static int get_double(v8a__prof_parser *r, const char *s, size_t len, double *out)
{
    char buf[64], q[64];
    if (len < sizeof buf) {
        memcpy(buf, s, len);
        buf[len] = '\0';
        char *end = NULL;
        double v = strtod(buf, &end);
        if (end == buf + len && isfinite(v) && fabs(v) < 9.0e15) {
            *out = v;
            return 1;
        }
    }
    v8a__error_quote(q, sizeof q, s, len, 40);
    return fail_at(r, V8A_EFORMAT, pos_now(r) - len, "number %s out of range in \"%s\"", q,
                   r->last_key > K_SKIP ? key_text[r->last_key] : "?");
}

/* ---- stacks ---- */

static int push(v8a__prof_parser *r, int c)
{
    if (r->sp == r->stack_cap) {
        if (r->sp >= 2 * (size_t)V8A__PROF_MAX_DEPTH + 64)
            return FAIL(r, "nesting deeper than %u levels", V8A__PROF_MAX_DEPTH);
        if (v8a__grow((void **)&r->stack, &r->stack_cap, r->sp + 1, 1) < 0)
            return nomem(r, "parser stack");
    }
    r->stack[r->sp++] = (uint8_t)r->ctx;
    r->ctx = c;
    return 1;
}

static void pop(v8a__prof_parser *r)
{
    r->ctx = r->stack[--r->sp];
}

static int start_skip(v8a__prof_parser *r)
{
    if (!push(r, C_SKIP)) return 0;
    r->skip_depth = 1;
    return 1;
}

static int take(v8a__prof_parser *r)
{
    int k = r->pending;
    r->last_key = k;
    r->pending = K_NONE;
    return k;
}

/* Grows array *p of `size`-byte elements to hold n + 1. */
static int room(v8a__prof_parser *r, void **p, size_t *cap, size_t n, size_t size, const char *w)
{
    if (n < *cap) return 1;
    if (n >= UINT32_MAX - 1 && size != 8)
        return FAIL(r, "more %s than v8a supports (%u)", w, UINT32_MAX - 1);
    if (v8a__grow(p, cap, n + 1, size) < 0) return nomem(r, w);
    return 1;
}

static int tick(v8a__prof_parser *r)
{
    if (r->tick_fn && r->tick_fn(r->tick_payload, pos_now(r)) != 0) {
        fail_at(r, V8A_ECANCELED, pos_now(r), "canceled");
        return 0;
    }
    return 1;
}

void v8a__prof_parser_set_tick(v8a__prof_parser *r, int (*fn)(void *, uint64_t), void *payload)
{
    r->tick_fn = fn;
    r->tick_payload = payload;
}

/* ---- strings ---- */

/* Finds the raw text of the string token that just ended in the feed. */
static const unsigned char *raw_string(v8a__prof_parser *r, size_t *raw_len)
{
    size_t end = yajl_get_bytes_consumed(r->y);
    if (!r->feed || end == 0 || end > r->feed_len || r->feed[end - 1] != '"') return NULL;
    size_t q = end - 1, i = q;
    while (i > 0) {
        i--;
        if (r->feed[i] != '"') continue;
        size_t bs = 0;
        while (bs < i && r->feed[i - 1 - bs] == '\\') bs++;
        if (bs % 2 == 0) {
            *raw_len = q - i - 1;
            return r->feed + i + 1;
        }
    }
    return NULL;
}

/* Interns the string value yajl just gave as valid UTF-8; returns 1 and sets
 * *ord, or 0 after failing. */
static int take_string(v8a__prof_parser *r, const unsigned char *val, size_t len, uint32_t *ord)
{
    const unsigned char *p = val;
    size_t n = len, out_len = 0, bad = 0;
    int escaped = 0;
    if (!(r->feed && val >= r->feed && val + len <= r->feed + r->feed_len)) {
        const unsigned char *raw = raw_string(r, &n);
        if (!raw) return FAIL(r, "internal error: string text not found");
        p = raw;
        escaped = 1;
    }
    if (n + 1 > r->sbuf_cap) {
        size_t cap = r->sbuf_cap;
        if (v8a__grow((void **)&r->sbuf, &cap, n + 1, 1) < 0) return nomem(r, "strings");
        r->sbuf_cap = cap;
    }
    if (!escaped) {
        size_t ok = v8a__utf8_valid_prefix(p, n);
        if (ok != n) {
            bad = ok;
            goto invalid;
        }
        int64_t s = v8a__prof_string(r->b, (const char *)p, n);
        if (s < 0) return nomem(r, "strings");
        *ord = (uint32_t)s;
        return 1;
    }
    if (v8a__json_string_decode(p, n, r->sbuf, &out_len, &bad) < 0) goto invalid;
    int64_t s = v8a__prof_string(r->b, r->sbuf, out_len);
    if (s < 0) return nomem(r, "strings");
    *ord = (uint32_t)s;
    return 1;
invalid:
    return fail_at(r, V8A_EFORMAT, r->feed_base + (uint64_t)(p - r->feed) + bad,
                   "invalid UTF-8 in a string");
}

/* ---- nodes ---- */

static v8a__raw_node *cur_raw(v8a__prof_parser *r)
{
    return &r->b->rn[r->nodes[r->nsp - 1].raw];
}

static int node_start(v8a__prof_parser *r, uint32_t parent_idx)
{
    v8a__prof *b = r->b;
    if (!room(r, (void **)&b->rn, &b->rn_cap, b->nrn, sizeof *b->rn, "nodes")) return 0;
    if (r->nsp >= V8A__PROF_MAX_DEPTH)
        return FAIL(r, "the node tree is nested deeper than %u levels", V8A__PROF_MAX_DEPTH);
    if (r->nsp == r->nodes_cap) {
        if (v8a__grow((void **)&r->nodes, &r->nodes_cap, r->nsp + 1, sizeof *r->nodes) < 0)
            return nomem(r, "node stack");
    }
    v8a__raw_node *n = &b->rn[b->nrn];
    memset(n, 0, sizeof *n);
    n->hit = -1;
    n->parent_idx = parent_idx;
    n->owner = r->in_trace ? UINT32_MAX : 0;
    n->at = pos_now(r) - 1;
    nrec *rec = &r->nodes[r->nsp++];
    memset(rec, 0, sizeof *rec);
    rec->raw = (uint32_t)b->nrn++;
    return push(r, C_NODE);
}

static int node_end(v8a__prof_parser *r)
{
    nrec *rec = &r->nodes[r->nsp - 1];
    v8a__raw_node *n = &r->b->rn[rec->raw];
    if (!n->has_id) return fail_at(r, V8A_EFORMAT, n->at, "a node without an \"id\"");
    int64_t f = v8a__prof_frame(r->b, rec->name, rec->url, rec->line, rec->col);
    if (f < 0) return nomem(r, "frames");
    n->frame = (uint32_t)f;
    r->nsp--;
    pop(r);
    return 1;
}

/* A key of a node record: duplicates are an error. */
static int node_key(v8a__prof_parser *r, int k)
{
    nrec *rec = &r->nodes[r->nsp - 1];
    uint64_t bit = (uint64_t)1 << k;
    if (rec->seen & bit) return FAIL(r, "duplicate key \"%s\" in a node", key_text[k]);
    rec->seen |= bit;
    r->pending = k;
    return 1;
}

static int node_number(v8a__prof_parser *r, const char *s, size_t len)
{
    v8a__raw_node *n = cur_raw(r);
    nrec *rec = &r->nodes[r->nsp - 1];
    int64_t v;
    int k = take(r);
    switch (k) {
    case K_ID:
        if (!get_int(r, s, len, 0, UINT32_MAX - 1, &v)) return 0;
        n->id = (uint32_t)v;
        n->has_id = 1;
        return 1;
    case K_HIT:
        if (!get_int(r, s, len, 0, INT64_MAX / 4, &v)) return 0;
        n->hit = v;
        return 1;
    case K_PARENT:
        if (!get_int(r, s, len, 0, UINT32_MAX - 1, &v)) return 0;
        n->parent_id = (uint32_t)v;
        n->has_parent = 1;
        return 1;
    case K_SELF:
        if (!get_int(r, s, len, 0, INT64_MAX / 4, &v)) return 0;
        n->self_bytes = v;
        return 1;
    case K_LINE:
    case K_COL:
        if (!get_int(r, s, len, -1, INT32_MAX - 1, &v)) return 0;
        /* callFrame positions are 0-based (-1 none); flat legacy ones 1-based (0 none) */
        if (r->in_frame)
            v = v < 0 ? 0 : v + 1;
        else if (v < 0)
            v = 0;
        if (k == K_LINE)
            rec->line = (int32_t)v;
        else
            rec->col = (int32_t)v;
        return 1;
    case K_SCRIPT: return 1; /* string or integer; not needed */
    case K_SKIP: return 1;
    default:
        return fail_at(r, V8A_EFORMAT, pos_now(r) - len, "unexpected number for \"%s\"",
                       k > K_SKIP ? key_text[k] : "?");
    }
}

static int node_string(v8a__prof_parser *r, const unsigned char *s, size_t len)
{
    nrec *rec = &r->nodes[r->nsp - 1];
    int k = take(r);
    switch (k) {
    case K_FNAME: return take_string(r, s, len, &rec->name);
    case K_URL: return take_string(r, s, len, &rec->url);
    case K_DEOPT: {
        uint32_t d;
        if (!take_string(r, s, len, &d)) return 0;
        /* legacy files say bailoutReason "no reason" where CDP omits it */
        const char *t = v8a__strmap_key(&r->b->strings, d, NULL);
        cur_raw(r)->deopt = strcmp(t, "no reason") == 0 ? 0 : d;
        return 1;
    }
    case K_SCRIPT:
    case K_SKIP: return 1;
    default: return FAIL(r, "unexpected string for \"%s\"", k > K_SKIP ? key_text[k] : "?");
    }
}

/* ---- keys ---- */

static int match(const unsigned char *key, size_t len, const char *s)
{
    size_t n = strlen(s);
    return n == len && memcmp(key, s, n) == 0;
}

static int lookup(const unsigned char *key, size_t len, const int *cands, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (match(key, len, key_text[cands[i]])) return cands[i];
    return K_SKIP;
}

/* Top-level or cpuProfile key, with duplicate detection. */
static int profile_key(v8a__prof_parser *r, const unsigned char *key, size_t len, int root)
{
    static const int rk[] = {K_NODES, K_HEAD,       K_SAMPLES, K_DELTAS,
                             K_START, K_TIMESTAMPS, K_END,     K_EVENTS};
    static const int pk[] = {K_NODES, K_SAMPLES, K_DELTAS, K_START, K_END};
    int k = root ? lookup(key, len, rk, 8) : lookup(key, len, pk, 5);
    uint64_t *seen = root ? &r->root_seen : &r->prof_seen;
    if (k != K_SKIP) {
        if (*seen & ((uint64_t)1 << k)) return FAIL(r, "duplicate key \"%s\"", key_text[k]);
        *seen |= (uint64_t)1 << k;
    }
    r->pending = k;
    return 1;
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
    v8a__prof_parser *r = ctx;
    switch (r->ctx) {
    case C_SKIP: return 1;
    case C_ROOT: return profile_key(r, key, len, 1);
    case C_CPUPROF: return profile_key(r, key, len, 0);
    case C_NODE: {
        static const int nk[] = {K_ID,   K_CALLFRAME, K_HIT, K_CHILDREN, K_PARENT, K_DEOPT, K_TICKS,
                                 K_SELF, K_FNAME,     K_URL, K_LINE,     K_COL,    K_SCRIPT};
        int k = lookup(key, len, nk, sizeof nk / sizeof *nk);
        if (k == K_SKIP && match(key, len, "bailoutReason")) k = K_DEOPT;
        if (k == K_SKIP) {
            r->pending = K_SKIP;
            return 1;
        }
        return node_key(r, k);
    }
    case C_CALLFRAME: {
        static const int fk[] = {K_FNAME, K_URL, K_LINE, K_COL, K_SCRIPT};
        int k = lookup(key, len, fk, 5);
        if (k == K_SKIP) {
            r->pending = K_SKIP;
            return 1;
        }
        return node_key(r, k);
    }
    case C_TICK: {
        static const int tk[] = {K_TLINE, K_TTICKS};
        r->pending = lookup(key, len, tk, 2);
        return 1;
    }
    case C_HSAMPLE: {
        static const int hk[] = {K_SIZE, K_NODEID, K_ORDINAL};
        r->pending = lookup(key, len, hk, 3);
        return 1;
    }
    case C_EVENT: {
        static const int ek[] = {K_EVNAME, K_PID, K_TID, K_EVID, K_TS, K_ARGS};
        int k = lookup(key, len, ek, 6);
        if (k != K_SKIP) {
            if (r->ev_seen & ((uint64_t)1 << k))
                return FAIL(r, "duplicate key \"%s\" in a trace event", key_text[k]);
            r->ev_seen |= (uint64_t)1 << k;
        }
        r->pending = k;
        return 1;
    }
    case C_ARGS: {
        static const int ak[] = {K_DATA, K_ARGNAME};
        r->pending = lookup(key, len, ak, 2);
        return 1;
    }
    case C_DATA: {
        static const int dk[] = {K_CPUPROFILE, K_DELTAS, K_START, K_END};
        int k = lookup(key, len, dk, 4);
        if (k != K_SKIP) {
            if (r->prof_seen & ((uint64_t)1 << k))
                return FAIL(r, "duplicate key \"%s\" in a trace event", key_text[k]);
            r->prof_seen |= (uint64_t)1 << k;
        }
        r->pending = k;
        return 1;
    }
    default: return FAIL(r, "unexpected key");
    }
}

/* ---- values ---- */

static const char *what_ctx(const v8a__prof_parser *r)
{
    int k = r->pending;
    if (k > K_SKIP) return key_text[k];
    return "the profile";
}

static int wrong(v8a__prof_parser *r, const char *found)
{
    uint64_t at = pos_now(r);
    return fail_at(r, V8A_EFORMAT, at ? at - 1 : 0, "unexpected %s for \"%s\"", found, what_ctx(r));
}

static int ints_value(v8a__prof_parser *r, const char *s, size_t len)
{
    v8a__prof *b = r->b;
    int64_t v;
    if (--r->countdown == 0) {
        r->countdown = TICK_EVERY;
        if (!tick(r)) return 0;
    }
    if (r->ints_target == K_SAMPLES) {
        if (!get_int(r, s, len, 0, UINT32_MAX - 1, &v)) return 0;
        if (b->seen_heap_samples) return FAIL(r, "\"samples\" mixes numbers and objects");
        if (b->nsamples == b->samples_cap &&
            !room(r, (void **)&b->samples, &b->samples_cap, b->nsamples, 4, "samples"))
            return 0;
        b->samples[b->nsamples++] = (uint32_t)v;
        return 1;
    }
    /* timeDeltas fit in an int in V8; timestamps are absolute microseconds */
    if (!get_int(r, s, len, -((int64_t)1 << 52), (int64_t)1 << 52, &v)) return 0;
    if (b->ndeltas == b->deltas_cap &&
        !room(r, (void **)&b->deltas, &b->deltas_cap, b->ndeltas, 8, "timeDeltas"))
        return 0;
    b->deltas[b->ndeltas++] = v;
    return 1;
}

static int set_time(v8a__prof_parser *r, int k, const char *s, size_t len)
{
    double v;
    if (!get_double(r, s, len, &v)) return 0;
    if (r->in_trace) {
        if (k == K_START) {
            r->ev.start_time = v;
            r->ev.have_start = 1;
        } else {
            r->ev.end_time = v;
            r->ev.have_end = 1;
        }
    } else if (k == K_START) {
        r->b->start_time = v;
        r->b->have_start = 1;
    } else {
        r->b->end_time = v;
        r->b->have_end = 1;
    }
    return 1;
}

static int on_number(void *ctx, const char *s, size_t len)
{
    v8a__prof_parser *r = ctx;
    int64_t v;
    switch (r->ctx) {
    case C_INTS: return ints_value(r, s, len);
    case C_SKIP: return 1;
    case C_NODE:
    case C_CALLFRAME: return node_number(r, s, len);
    case C_CHILDREN: {
        v8a__prof *b = r->b;
        nrec *rec = &r->nodes[r->nsp - 1];
        v8a__raw_node *n = cur_raw(r);
        if (rec->kids_mode == 2) return FAIL(r, "\"children\" mixes ids and nodes");
        if (!get_int(r, s, len, 0, UINT32_MAX - 1, &v)) return 0;
        if (rec->kids_mode == 0) {
            rec->kids_mode = 1;
            n->first_child = (uint32_t)b->nkids;
        }
        if (!room(r, (void **)&b->kids, &b->kids_cap, b->nkids, 4, "children")) return 0;
        b->kids[b->nkids++] = (uint32_t)v;
        n->n_children++;
        return 1;
    }
    case C_TICK: {
        int k = take(r);
        if (k == K_SKIP) return 1;
        if (!get_int(r, s, len, 0, UINT32_MAX, &v)) return 0;
        if (k == K_TLINE)
            r->tick_line = (uint32_t)v;
        else
            r->tick_ticks = v;
        r->tick_have |= k == K_TLINE ? 1 : 2;
        return 1;
    }
    case C_HSAMPLE: {
        int k = take(r);
        if (k == K_SKIP) return 1;
        if (!get_int(r, s, len, 0, k == K_NODEID ? UINT32_MAX - 1 : INT64_MAX / 4, &v)) return 0;
        if (k == K_SIZE) r->hs_size = v;
        if (k == K_NODEID) r->hs_node = (uint32_t)v;
        if (k == K_ORDINAL) r->hs_ordinal = v;
        r->hs_have |= k == K_SIZE ? 1 : k == K_NODEID ? 2 : 4;
        return 1;
    }
    case C_ROOT:
    case C_CPUPROF:
    case C_DATA: {
        int k = take(r);
        if (k == K_START || k == K_END) return set_time(r, k, s, len);
        if (k == K_SKIP) return 1;
        r->pending = k;
        return wrong(r, "number");
    }
    case C_EVENT: {
        int k = take(r);
        double d;
        switch (k) {
        case K_PID:
        case K_TID:
            if (!get_int(r, s, len, INT64_MIN / 2, INT64_MAX / 2, &v)) return 0;
            if (k == K_PID) {
                r->ev.pid = v;
                r->ev.have_pid = 1;
            } else {
                r->ev.tid = v;
                r->ev.have_tid = 1;
            }
            return 1;
        case K_TS:
            if (!get_double(r, s, len, &d)) return 0;
            r->ev.ts = d;
            return 1;
        case K_EVID: {
            int64_t s2 = v8a__prof_string(r->b, s, len);
            if (s2 < 0) return nomem(r, "strings");
            r->ev.id = (uint32_t)s2;
            return 1;
        }
        case K_SKIP: return 1;
        default: r->pending = k; return wrong(r, "number");
        }
    }
    case C_ARGS: take(r); return 1;
    default: return wrong(r, "number");
    }
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    v8a__prof_parser *r = ctx;
    switch (r->ctx) {
    case C_SKIP: return 1;
    case C_NODE:
    case C_CALLFRAME: return node_string(r, s, len);
    case C_EVENT: {
        int k = take(r);
        if (k == K_EVNAME) {
            r->ev.name = match(s, len, "ProfileChunk")  ? V8A__EV_CHUNK
                         : match(s, len, "Profile")     ? V8A__EV_PROFILE
                         : match(s, len, "CpuProfile")  ? V8A__EV_CPUPROFILE
                         : match(s, len, "thread_name") ? V8A__EV_THREAD_NAME
                                                        : V8A__EV_OTHER;
            return 1;
        }
        if (k == K_EVID) return take_string(r, s, len, &r->ev.id);
        if (k == K_PID || k == K_TID) {
            r->pending = k;
            return wrong(r, "string");
        }
        return 1;
    }
    case C_ARGS: {
        int k = take(r);
        if (k == K_ARGNAME) return take_string(r, s, len, &r->ev.thread_name);
        return 1;
    }
    case C_ROOT:
    case C_CPUPROF:
    case C_DATA: {
        int k = take(r);
        if (k == K_SKIP) return 1;
        r->pending = k;
        return wrong(r, "string");
    }
    case C_TICK:
    case C_HSAMPLE:
        if (take(r) == K_SKIP) return 1;
        return wrong(r, "string");
    default: return wrong(r, "string");
    }
}

static int on_null(void *ctx)
{
    v8a__prof_parser *r = ctx;
    switch (r->ctx) {
    case C_SKIP: return 1;
    case C_NODE:
    case C_CALLFRAME:
    case C_ROOT:
    case C_CPUPROF:
    case C_EVENT:
    case C_ARGS:
    case C_DATA:
    case C_TICK:
    case C_HSAMPLE: {
        int k = take(r);
        if (k == K_SKIP || k == K_DEOPT || k == K_URL || k == K_FNAME || k == K_SCRIPT) return 1;
        r->pending = k;
        return wrong(r, "null");
    }
    default: return wrong(r, "null");
    }
}

static int on_boolean(void *ctx, int v)
{
    (void)v;
    v8a__prof_parser *r = ctx;
    switch (r->ctx) {
    case C_SKIP: return 1;
    case C_NODE:
    case C_CALLFRAME:
    case C_ROOT:
    case C_CPUPROF:
    case C_EVENT:
    case C_ARGS:
    case C_DATA:
    case C_TICK:
    case C_HSAMPLE: {
        int k = take(r);
        if (k == K_SKIP) return 1;
        r->pending = k;
        return wrong(r, "boolean");
    }
    default: return wrong(r, "boolean");
    }
}

/* ---- containers ---- */

static int event_start(v8a__prof_parser *r)
{
    v8a__prof *b = r->b;
    memset(&r->ev, 0, sizeof r->ev);
    r->ev.first_node = b->nrn;
    r->ev.first_sample = b->nsamples;
    r->ev.first_delta = b->ndeltas;
    r->ev_seen = 0;
    r->prof_seen = 0;
    r->in_trace = 1;
    return push(r, C_EVENT);
}

static int on_start_map(void *ctx)
{
    v8a__prof_parser *r = ctx;
    switch (r->ctx) {
    case C_SKIP: r->skip_depth++; return 1;
    case C_BEGIN: return push(r, C_ROOT);
    case C_EVENTS: return event_start(r);
    case C_NODES: return node_start(r, UINT32_MAX);
    case C_CHILDREN: {
        nrec *rec = &r->nodes[r->nsp - 1];
        if (rec->kids_mode == 1) return FAIL(r, "\"children\" mixes ids and nodes");
        rec->kids_mode = 2;
        return node_start(r, rec->raw);
    }
    case C_TICKS:
        r->tick_have = 0;
        r->tick_line = 0;
        r->tick_ticks = 0;
        return push(r, C_TICK);
    case C_INTS:
        if (r->ints_target != K_SAMPLES || r->in_trace) return wrong(r, "object");
        if (r->b->nsamples > r->b->nhs) return FAIL(r, "\"samples\" mixes numbers and objects");
        r->b->seen_heap_samples = 1;
        r->hs_have = 0;
        r->hs_size = r->hs_ordinal = 0;
        r->hs_node = 0;
        return push(r, C_HSAMPLE);
    case C_ROOT:
    case C_CPUPROF: {
        int k = take(r);
        if (k == K_SKIP) return start_skip(r);
        if (k == K_HEAD && r->ctx == C_ROOT) {
            r->b->seen_head = 1;
            return node_start(r, UINT32_MAX);
        }
        r->pending = k;
        return wrong(r, "object");
    }
    case C_NODE: {
        int k = take(r);
        if (k == K_SKIP) return start_skip(r);
        if (k == K_CALLFRAME) {
            if (r->nsp == 1 && r->b->seen_head) r->b->seen_callframe_head = 1;
            r->in_frame = 1;
            return push(r, C_CALLFRAME);
        }
        r->pending = k;
        return wrong(r, "object");
    }
    case C_EVENT: {
        int k = take(r);
        if (k == K_ARGS) return push(r, C_ARGS);
        if (k == K_SKIP) return start_skip(r);
        r->pending = k;
        return wrong(r, "object");
    }
    case C_ARGS: {
        int k = take(r);
        if (k == K_DATA) return push(r, C_DATA);
        return start_skip(r);
    }
    case C_DATA: {
        int k = take(r);
        if (k == K_CPUPROFILE) return push(r, C_CPUPROF);
        if (k == K_SKIP) return start_skip(r);
        r->pending = k;
        return wrong(r, "object");
    }
    case C_CALLFRAME:
    case C_TICK:
    case C_HSAMPLE: {
        int k = take(r);
        if (k == K_SKIP) return start_skip(r);
        r->pending = k;
        return wrong(r, "object");
    }
    default: return wrong(r, "object");
    }
}

static int tick_end(v8a__prof_parser *r)
{
    v8a__prof *b = r->b;
    if (r->tick_have != 3) return FAIL(r, "a positionTicks entry needs \"line\" and \"ticks\"");
    v8a__raw_node *n = cur_raw(r);
    if (n->n_ticks == 0) n->first_tick = (uint32_t)b->nticks;
    if (!room(r, (void **)&b->ticks, &b->ticks_cap, b->nticks, sizeof *b->ticks, "positionTicks"))
        return 0;
    b->ticks[b->nticks].line = r->tick_line;
    b->ticks[b->nticks].ticks = (uint32_t)r->tick_ticks;
    b->nticks++;
    n->n_ticks++;
    pop(r);
    return 1;
}

static int hsample_end(v8a__prof_parser *r)
{
    v8a__prof *b = r->b;
    if (!(r->hs_have & 2)) return FAIL(r, "a heap sample without \"nodeId\"");
    if (!room(r, (void **)&b->samples, &b->samples_cap, b->nsamples, 4, "samples")) return 0;
    if (b->nhs == b->hs_cap) {
        size_t cap = b->hs_cap;
        if (v8a__grow((void **)&b->hs_size, &cap, b->nhs + 1, 8) < 0) return nomem(r, "samples");
        cap = b->hs_cap;
        if (v8a__grow((void **)&b->hs_ordinal, &cap, b->nhs + 1, 8) < 0) return nomem(r, "samples");
        b->hs_cap = cap;
    }
    b->samples[b->nsamples++] = r->hs_node;
    b->hs_size[b->nhs] = r->hs_size;
    b->hs_ordinal[b->nhs] = (r->hs_have & 4) ? r->hs_ordinal : (int64_t)b->nhs;
    b->nhs++;
    pop(r);
    return 1;
}

static int on_end_map(void *ctx)
{
    v8a__prof_parser *r = ctx;
    switch (r->ctx) {
    case C_SKIP:
        if (--r->skip_depth == 0) pop(r);
        return 1;
    case C_ROOT:
        pop(r);
        r->ctx = C_END;
        return 1;
    case C_NODE: return node_end(r);
    case C_CALLFRAME:
        r->in_frame = 0;
        pop(r);
        return 1;
    case C_TICK: return tick_end(r);
    case C_HSAMPLE: return hsample_end(r);
    case C_CPUPROF:
    case C_ARGS:
    case C_DATA: pop(r); return 1;
    case C_EVENT: {
        pop(r);
        r->in_trace = 0;
        r->ev.cpu_profile_has_deltas = (r->prof_seen & ((uint64_t)1 << K_DELTAS)) != 0;
        if (r->ev.name == V8A__EV_CHUNK || r->ev.name == V8A__EV_CPUPROFILE) {
            if (r->b->ndeltas - r->ev.first_delta != r->b->nsamples - r->ev.first_sample)
                return FAIL(r, "a %s event has %zu timeDeltas but %zu samples",
                            r->ev.name == V8A__EV_CHUNK ? "ProfileChunk" : "CpuProfile",
                            r->b->ndeltas - r->ev.first_delta, r->b->nsamples - r->ev.first_sample);
        }
        int rc = v8a__trace_event_end(r->b, &r->ev, r->nevents++);
        if (rc < 0) {
            r->failed = 1;
            return 0;
        }
        return 1;
    }
    default: return FAIL(r, "unbalanced object");
    }
}

static int start_ints(v8a__prof_parser *r, int k)
{
    v8a__prof *b = r->b;
    r->ints_target = k;
    if (k == K_SAMPLES) {
        b->seen_samples = 1;
        if (!r->in_trace) b->at_samples = pos_now(r) - 1;
    } else {
        if (k == K_TIMESTAMPS) b->seen_timestamps = 1;
        if (!r->in_trace) {
            b->seen_deltas = 1;
            b->at_deltas = pos_now(r) - 1;
        }
    }
    return push(r, C_INTS);
}

static int on_start_array(void *ctx)
{
    v8a__prof_parser *r = ctx;
    switch (r->ctx) {
    case C_SKIP: r->skip_depth++; return 1;
    case C_BEGIN:
        r->root_is_events = 1;
        r->b->seen_events = 1;
        if (!push(r, C_ROOT)) return 0; /* so the end of the array ends the input */
        return push(r, C_EVENTS);
    case C_ROOT:
    case C_CPUPROF:
    case C_DATA: {
        int k = take(r);
        switch (k) {
        case K_SKIP: return start_skip(r);
        case K_NODES:
            if (!r->in_trace) r->b->seen_nodes = 1;
            return push(r, C_NODES);
        case K_SAMPLES:
        case K_DELTAS:
        case K_TIMESTAMPS: return start_ints(r, k);
        case K_EVENTS: r->b->seen_events = 1; return push(r, C_EVENTS);
        default: r->pending = k; return wrong(r, "array");
        }
    }
    case C_NODE: {
        int k = take(r);
        if (k == K_SKIP) return start_skip(r);
        if (k == K_CHILDREN) return push(r, C_CHILDREN);
        if (k == K_TICKS) return push(r, C_TICKS);
        r->pending = k;
        return wrong(r, "array");
    }
    case C_CALLFRAME:
    case C_EVENT:
    case C_ARGS:
    case C_TICK:
    case C_HSAMPLE: {
        int k = take(r);
        if (k == K_SKIP || r->ctx == C_ARGS) return start_skip(r);
        r->pending = k;
        return wrong(r, "array");
    }
    default: return wrong(r, "array");
    }
}

static int on_end_array(void *ctx)
{
    v8a__prof_parser *r = ctx;
    switch (r->ctx) {
    case C_SKIP:
        if (--r->skip_depth == 0) pop(r);
        return 1;
    case C_EVENTS:
        pop(r);
        if (r->root_is_events) {
            pop(r);
            r->ctx = C_END;
        }
        return 1;
    case C_NODES:
    case C_CHILDREN:
    case C_TICKS:
    case C_INTS: pop(r); return 1;
    default: return FAIL(r, "unbalanced array");
    }
}

static const yajl_callbacks callbacks = {
    on_null,      on_boolean, NULL,       NULL,           on_number,    on_string,
    on_start_map, on_map_key, on_end_map, on_start_array, on_end_array,
};

/* ---- entry points ---- */

int v8a__prof_parser_new(v8a__prof_parser **out, v8a__prof *b)
{
    *out = NULL;
    v8a__prof_parser *r = v8a__calloc(1, sizeof *r);
    if (!r) return v8a__error_nomem("parser");
    r->b = b;
    r->ctx = C_BEGIN;
    r->countdown = TICK_EVERY;
    yajl_alloc_funcs af = {y_malloc, y_realloc, y_free, r};
    jmp_buf jb;
    r->jb = &jb;
    r->in_alloc = 1;
    if (setjmp(jb)) {
        for (int i = r->nearly; i-- > 0;) v8a__free(r->early[i]);
        v8a__free(r);
        return v8a__error_nomem("parser");
    }
    r->y = yajl_alloc(&callbacks, &af, r);
    /* yajl allocates its lexer on the first parse call and leaks it when a
     * later allocation there fails: make that happen here, tracked */
    if (r->y) yajl_parse(r->y, (const unsigned char *)"", 0);
    r->in_alloc = 0;
    r->jb = NULL;
    if (!r->y) {
        v8a__free(r);
        return v8a__error_nomem("parser");
    }
    *out = r;
    return 0;
}

static int yajl_failure(v8a__prof_parser *r)
{
    if (r->failed) return v8a_error_last() ? v8a_error_last()->code : V8A_EFORMAT;
    unsigned char *msg = yajl_get_error(r->y, 0, NULL, 0);
    char text[200] = "invalid JSON";
    if (msg) {
        const char *m = (const char *)msg;
        const char *colon = strstr(m, ": ");
        if (colon) m = colon + 2;
        snprintf(text, sizeof text, "%s", m);
        size_t n = strlen(text);
        while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '.' || text[n - 1] == ' '))
            text[--n] = '\0';
        yajl_free_error(r->y, msg);
    }
    uint64_t off = r->feed ? pos_now(r) : r->feed_base;
    if (strstr(text, "premature EOF"))
        fail_at(r, V8A_EFORMAT, off, "unexpected end of input (file truncated?)");
    else
        fail_at(r, V8A_EFORMAT, off, "invalid JSON: %s", text);
    return V8A_EFORMAT;
}

int v8a__prof_parser_feed(v8a__prof_parser *r, const unsigned char *buf, size_t len)
{
    yajl_status st;
    if (r->dead || r->failed) return V8A_EINVAL;
    const char *why = r->feed_base == 0 ? v8a__json_not_json(buf, len, 0) : NULL;
    if (why) {
        r->failed = 1;
        return v8a__error_set(V8A_EFORMAT, "%s: byte 0: not JSON: the input %s", r->b->name, why);
    }
    r->feed = buf;
    r->feed_len = len;
    if (v8a__yajl_guarded(r->y, &r->jb, buf, len, 0, &st) < 0) return v8a_error_last()->code;
    if (st != yajl_status_ok) return yajl_failure(r);
    r->feed_base += len;
    r->feed = NULL;
    return 0;
}

int v8a__prof_parser_finish(v8a__prof_parser *r)
{
    yajl_status st;
    if (r->dead || r->failed) return V8A_EINVAL;
    r->feed = NULL;
    r->feed_len = 0;
    if (v8a__yajl_guarded(r->y, &r->jb, NULL, 0, 1, &st) < 0) return v8a_error_last()->code;
    if (st != yajl_status_ok) return yajl_failure(r);
    r->b->end_offset = r->feed_base;
    return 0;
}

uint64_t v8a__prof_parser_offset(const v8a__prof_parser *r)
{
    return r->feed_base;
}

void v8a__prof_parser_free(v8a__prof_parser *r)
{
    if (!r) return;
    if (r->y) yajl_free(r->y);
    v8a__free(r->stack);
    v8a__free(r->nodes);
    v8a__free(r->sbuf);
    v8a__free(r);
}
