/* profile_build.c - from what the parser read to a checked v8a_profile: the tree and the time
 * model.
 *
 * The raw nodes are keyed by the ids in the file. Building resolves every
 * parent link (nested position, "parent" id or "children" ids) through a hash
 * of the ids, insists on exactly one parent per node and exactly one root,
 * then walks the tree iteratively in pre-order from the root: that walk gives
 * the ordinals (a parent before its children), the depths, and finds cycles
 * (nodes it never reaches). Samples are mapped from ids to ordinals, then the
 * time model of v8a/profile.h is applied (docs/formats.md, "CPU profiles").
 * Every fault is V8A_EFORMAT naming the file and the node id or byte offset.
 */
#include "alloc.h"
#include "error.h"
#include "profile_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* ---- id -> raw index ---- */

typedef struct {
    uint32_t *key, *val;
    size_t mask;
} idmap;

static uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static int idmap_init(idmap *m, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2) cap *= 2;
    m->mask = cap - 1;
    m->key = v8a__malloc(cap * sizeof *m->key);
    m->val = v8a__malloc(cap * sizeof *m->val);
    if (!m->key || !m->val) return -1;
    memset(m->val, 0xff, cap * sizeof *m->val);
    return 0;
}

static void idmap_free(idmap *m)
{
    v8a__free(m->key);
    v8a__free(m->val);
}

/* Inserts; returns NONE when new, else the index already there. */
static uint32_t idmap_put(idmap *m, uint32_t key, uint32_t val)
{
    for (size_t i = hash32(key) & m->mask;; i = (i + 1) & m->mask) {
        if (m->val[i] == NONE) {
            m->key[i] = key;
            m->val[i] = val;
            return NONE;
        }
        if (m->key[i] == key) return m->val[i];
    }
}

static uint32_t idmap_get(const idmap *m, uint32_t key)
{
    for (size_t i = hash32(key) & m->mask;; i = (i + 1) & m->mask) {
        if (m->val[i] == NONE) return NONE;
        if (m->key[i] == key) return m->val[i];
    }
}

/* ---- helpers ---- */

static int fail_node(const v8a__prof *b, uint32_t id, const char *fmt, ...) V8A_PRINTF(3, 4);
static int fail_node(const v8a__prof *b, uint32_t id, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return v8a__error_set(V8A_EFORMAT, "%s: node %u: %s", b->name, id, msg);
}

typedef struct {
    int64_t t;
    uint32_t node;
    uint32_t idx;
} tsample;

static int tsample_cmp(const void *a, const void *b)
{
    const tsample *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx; /* stable */
}

/* The k-th smallest of v[0..n) (v is reordered). */
static int64_t select_kth(int64_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    while (lo < hi) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        int64_t pivot = v[lo + (size_t)((seed >> 33) % (hi - lo + 1))];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                int64_t t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

static int64_t to_us(double v, int seconds)
{
    return (int64_t)llround(seconds ? v * 1e6 : v);
}

/* ---- the tree ---- */

/* Resolves parents, checks the tree, and fills ord[] (raw -> ordinal) and the
 * model's nodes in pre-order. */
static int build_tree(v8a__prof *b, v8a_profile *p, const idmap *ids, uint32_t *ord)
{
    size_t n = b->nrn;
    uint32_t *par = NULL, *first = NULL, *kid = NULL, *stack = NULL, *order = NULL;
    int rc = 0;
    par = v8a__malloc(n * sizeof *par);
    first = v8a__calloc(n + 1, sizeof *first);
    kid = v8a__malloc(n * sizeof *kid);
    stack = v8a__malloc(n * sizeof *stack);
    order = v8a__malloc(n * sizeof *order);
    if (!par || !first || !kid || !stack || !order) {
        rc = v8a__error_nomem("call tree");
        goto done;
    }
    for (size_t i = 0; i < n; i++) par[i] = b->rn[i].parent_idx;
    for (size_t i = 0; i < n; i++) {
        const v8a__raw_node *r = &b->rn[i];
        if (!r->has_parent) continue;
        uint32_t j = idmap_get(ids, r->parent_id);
        if (j == NONE) {
            rc = fail_node(b, r->id, "parent %u does not exist", r->parent_id);
            goto done;
        }
        if (par[i] != NONE && par[i] != j) {
            rc = fail_node(b, r->id, "has more than one parent (%u and %u)", b->rn[par[i]].id,
                           r->parent_id);
            goto done;
        }
        par[i] = j;
    }
    for (size_t i = 0; i < n; i++) {
        const v8a__raw_node *r = &b->rn[i];
        for (uint32_t c = 0; c < r->n_children; c++) {
            uint32_t cid = b->kids[r->first_child + c];
            uint32_t j = idmap_get(ids, cid);
            if (j == NONE) {
                rc = fail_node(b, r->id, "child %u does not exist", cid);
                goto done;
            }
            if (par[j] != NONE && par[j] != i) {
                rc = fail_node(b, cid, "has more than one parent (%u and %u)", b->rn[par[j]].id,
                               r->id);
                goto done;
            }
            par[j] = (uint32_t)i;
        }
    }
    uint32_t root = NONE;
    for (size_t i = 0; i < n; i++) {
        if (par[i] == (uint32_t)i) {
            rc = fail_node(b, b->rn[i].id, "cycle in the call tree: the node is its own parent");
            goto done;
        }
        if (par[i] != NONE) continue;
        if (root != NONE) {
            rc = fail_node(b, b->rn[i].id, "a second root: neither it nor node %u has a parent",
                           b->rn[root].id);
            goto done;
        }
        root = (uint32_t)i;
    }
    if (root == NONE) {
        rc = fail_node(b, b->rn[0].id, "cycle in the call tree: every node has a parent");
        goto done;
    }
    /* children lists (file order) */
    for (size_t i = 0; i < n; i++)
        if (par[i] != NONE) first[par[i] + 1]++;
    for (size_t i = 0; i < n; i++) first[i + 1] += first[i];
    for (size_t i = 0; i < n; i++)
        if (par[i] != NONE) kid[first[par[i]]++] = (uint32_t)i;
    for (size_t i = n; i > 0; i--) first[i] = first[i - 1];
    first[0] = 0;
    /* pre-order walk */
    for (size_t i = 0; i < n; i++) ord[i] = NONE;
    size_t sp = 0, next = 0;
    stack[sp++] = root;
    while (sp > 0) {
        uint32_t v = stack[--sp];
        ord[v] = (uint32_t)next;
        order[next++] = v;
        for (uint32_t e = first[v + 1]; e > first[v]; e--) stack[sp++] = kid[e - 1];
    }
    if (next < n) {
        for (size_t i = 0; i < n; i++)
            if (ord[i] == NONE) {
                rc = fail_node(b, b->rn[i].id,
                               "cycle in the call tree (not reachable from the root, node %u)",
                               b->rn[root].id);
                goto done;
            }
    }
    p->nodes = v8a__calloc(n, sizeof *p->nodes);
    if (!p->nodes) {
        rc = v8a__error_nomem("nodes");
        goto done;
    }
    p->nnodes = (uint32_t)n;
    for (size_t k = 0; k < n; k++) {
        const v8a__raw_node *r = &b->rn[order[k]];
        v8a_profile_node *o = &p->nodes[k];
        o->frame = r->frame;
        o->parent = k == 0 ? V8A_PROFILE_NONE : ord[par[order[k]]];
        o->depth = k == 0 ? 0 : p->nodes[o->parent].depth + 1;
        if (o->depth > p->max_depth) p->max_depth = o->depth;
        o->id = r->id;
        o->hit_count = r->hit;
        o->self_bytes = r->self_bytes;
        o->deopt_reason = r->deopt;
        o->first_tick = r->first_tick;
        o->n_ticks = r->n_ticks;
    }
done:
    v8a__free(par);
    v8a__free(first);
    v8a__free(kid);
    v8a__free(stack);
    v8a__free(order);
    return rc;
}

/* ---- samples and time ---- */

/* Sorts t[0..n) stably, moving node[] (and size[] when not NULL) along.
 * Profiles are nearly sorted (a rare small negative delta), so insertion
 * sort runs first, within a budget of moves; past it, the rest is done by
 * qsort with the current position as tie-break, which is still stable
 * because insertion sort never reorders equal times. 0 or -1 (no memory). */
static int stable_sort(int64_t *t, uint32_t *node, int64_t *size, size_t n)
{
    uint64_t budget = 8 * (uint64_t)n + 1024, moves = 0;
    size_t i = 1;
    for (; i < n && moves <= budget; i++) {
        if (t[i] >= t[i - 1]) continue;
        int64_t x = t[i], sz = size ? size[i] : 0;
        uint32_t nd = node[i];
        size_t j = i;
        for (; j > 0 && t[j - 1] > x && moves <= budget; j--, moves++) {
            t[j] = t[j - 1];
            node[j] = node[j - 1];
            if (size) size[j] = size[j - 1];
        }
        t[j] = x;
        node[j] = nd;
        if (size) size[j] = sz;
    }
    if (i >= n && moves <= budget) return 0;
    tsample *ts = v8a__malloc(n * sizeof *ts);
    int64_t *sz = size ? v8a__malloc(n * sizeof *sz) : NULL;
    if (!ts || (size && !sz)) {
        v8a__free(ts);
        v8a__free(sz);
        return -1;
    }
    for (size_t k = 0; k < n; k++) ts[k] = (tsample){t[k], node[k], (uint32_t)k};
    qsort(ts, n, sizeof *ts, tsample_cmp);
    if (size) memcpy(sz, size, n * sizeof *sz);
    for (size_t k = 0; k < n; k++) {
        t[k] = ts[k].t;
        node[k] = ts[k].node;
        if (size) size[k] = sz[ts[k].idx];
    }
    v8a__free(ts);
    v8a__free(sz);
    return 0;
}

/* Maps sample ids to ordinals and applies the time model. The parser's
 * arrays become the model's in place (ids -> ordinals, deltas -> times), so
 * a profile of n samples peaks near 20 n bytes here. */
static int build_samples(v8a__prof *b, v8a_profile *p, const idmap *ids, const uint32_t *ord)
{
    size_t n = b->nsamples;
    int heap = p->kind == V8A_PROFILE_HEAP;
    int legacy = p->format == V8A_PROFILE_FORMAT_LEGACY;
    int64_t *occ = NULL, *t = NULL, *dur = NULL;
    uint32_t *node = NULL;
    int rc = 0;

    if (!heap && b->seen_deltas && b->ndeltas != n)
        return v8a__error_set(
            V8A_EFORMAT, "%s: byte %" PRIu64 ": \"%s\" has %zu entries but \"samples\" has %zu",
            b->name, b->at_deltas, legacy ? "timestamps" : "timeDeltas", b->ndeltas, n);
    if (heap && b->nhs != n)
        return v8a__error_set(V8A_EFORMAT,
                              "%s: byte %" PRIu64 ": a heap profile's \"samples\" must be objects",
                              b->name, b->at_samples);
    p->start_time_us = b->have_start ? to_us(b->start_time, legacy) : 0;
    p->end_time_us = b->have_end ? to_us(b->end_time, legacy) : 0;
    occ = v8a__calloc(p->nnodes ? p->nnodes : 1, sizeof *occ);
    if (!occ) return v8a__error_nomem("samples");

    /* take the parser's arrays */
    node = b->samples;
    b->samples = NULL;
    if (heap) {
        t = b->hs_ordinal;
        dur = b->hs_size;
        b->hs_ordinal = b->hs_size = NULL;
    } else if (b->seen_deltas) {
        t = b->deltas;
        b->deltas = NULL;
    } else {
        t = v8a__malloc((n ? n : 1) * sizeof *t);
        if (!t) {
            rc = v8a__error_nomem("samples");
            goto done;
        }
    }
    size_t k = 0;
    int unsorted = 0;
    int64_t acc = p->start_time_us;
    for (size_t i = 0; i < n; i++) {
        uint32_t j = idmap_get(ids, node[i]);
        if (j == NONE && heap) {
            p->orphan_samples++;
            continue;
        }
        if (j == NONE) {
            rc = v8a__error_set(V8A_EFORMAT,
                                "%s: node %u: sample %zu names a node id that does not exist",
                                b->name, node[i], i);
            goto done;
        }
        node[k] = ord[j];
        occ[ord[j]]++;
        if (heap) {
            t[k] = t[i];
            dur[k] = dur[i];
        } else if (!b->seen_deltas) {
            /* no timestamps: evenly spaced over the profile's span */
            int64_t span = p->end_time_us - p->start_time_us;
            t[k] = p->start_time_us + (span > 0 ? (int64_t)((double)span * (double)i / n) : 0);
        } else if (legacy) {
            if (i > 0 && t[i] < t[i - 1]) p->anomalies.negative_deltas++;
        } else {
            if (t[i] < 0) p->anomalies.negative_deltas++;
            acc += t[i];
            t[i] = acc;
        }
        if (k > 0 && t[k] < t[k - 1]) unsorted = 1;
        k++;
    }
    n = k;
    if (unsorted && stable_sort(t, node, heap ? dur : NULL, n) < 0) {
        rc = v8a__error_nomem("samples");
        goto done;
    }
    /* hit counts: the file's, or counted; disagreements are an anomaly */
    for (uint32_t i = 0; i < p->nnodes; i++) {
        v8a_profile_node *o = &p->nodes[i];
        if (o->hit_count < 0)
            o->hit_count = occ[i];
        else if (n > 0 && o->hit_count != occ[i])
            p->anomalies.hitcount_mismatches++;
    }
    v8a__free(occ);
    occ = NULL;
    /* give back the slack of the geometric growth before the last array */
    if (n > 0) {
        void *q = v8a__realloc(node, n * sizeof *node);
        if (q) node = q;
        q = v8a__realloc(t, n * sizeof *t);
        if (q) t = q;
    }
    if (!heap) {
        dur = v8a__malloc((n ? n : 1) * sizeof *dur);
        if (!dur) {
            rc = v8a__error_nomem("samples");
            goto done;
        }
        int64_t median = 0;
        if (n >= 2) {
            /* select in place on the intervals, then write the durations */
            for (size_t i = 0; i + 1 < n; i++) dur[i] = t[i + 1] - t[i];
            median = select_kth(dur, n - 1, (n - 2) / 2); /* the lower median */
        }
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t d = i + 1 < n ? t[i + 1] - t[i] : median;
            dur[i] = d;
            sum += d;
            if (i + 1 < n) {
                if (d > p->anomalies.longest_gap_us) p->anomalies.longest_gap_us = d;
                if (median > 0 && d > 10 * median) p->anomalies.long_gaps++;
            }
        }
        p->interval_us = median;
        p->duration_us = sum;
        if (!b->have_end && n > 0) p->end_time_us = t[n - 1] + median;
        if (!b->have_start && n > 0 && b->seen_deltas && legacy) p->start_time_us = t[0];
        int64_t t0 = n ? t[0] : 0;
        for (size_t i = 0; i < n; i++) t[i] -= t0;
    }
    if (!node && !(node = v8a__malloc(sizeof *node))) {
        rc = v8a__error_nomem("samples");
        goto done;
    }
    if (!t && !(t = v8a__malloc(sizeof *t))) {
        rc = v8a__error_nomem("samples");
        goto done;
    }
    if (!dur && !(dur = v8a__malloc(sizeof *dur))) {
        rc = v8a__error_nomem("samples");
        goto done;
    }
    p->sample_node = node;
    p->sample_time = t;
    p->sample_duration = dur;
    p->nsamples = n;
    node = NULL;
    t = dur = NULL;
done:
    v8a__free(occ);
    v8a__free(node);
    v8a__free(t);
    v8a__free(dur);
    return rc;
}

/* Keeps only the frames the nodes use (a trace holds other threads' too). */
static int compact_frames(v8a__prof *b, v8a_profile *p)
{
    uint32_t *map = v8a__malloc((b->nframes ? b->nframes : 1) * sizeof *map);
    if (!map) return v8a__error_nomem("frames");
    for (size_t i = 0; i < b->nframes; i++) map[i] = NONE;
    uint32_t k = 0;
    for (uint32_t i = 0; i < p->nnodes; i++) {
        uint32_t f = p->nodes[i].frame;
        if (map[f] == NONE) map[f] = k++;
        p->nodes[i].frame = map[f];
    }
    p->frames = v8a__malloc((k ? k : 1) * sizeof *p->frames);
    if (!p->frames) {
        v8a__free(map);
        return v8a__error_nomem("frames");
    }
    for (size_t i = 0; i < b->nframes; i++)
        if (map[i] != NONE) p->frames[map[i]] = b->frames[i];
    p->nframes = k;
    v8a__free(map);
    return 0;
}

static int copy_strings(v8a__prof *b, v8a_profile *p)
{
    size_t n = b->strings.count;
    p->strings = v8a__calloc(n ? n : 1, sizeof *p->strings);
    if (!p->strings) return v8a__error_nomem("strings");
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *s = v8a__strmap_key(&b->strings, i, &len);
        p->strings[i] = v8a__malloc(len + 1);
        if (!p->strings[i]) return v8a__error_nomem("strings");
        memcpy(p->strings[i], s, len + 1);
        p->nstrings = (uint32_t)(i + 1);
    }
    return 0;
}

int v8a__prof_build(v8a__prof *b, const char *thread, v8a_profile **out)
{
    idmap ids = {0};
    uint32_t *ord = NULL;
    int rc = 0;
    *out = NULL;
    v8a_profile *p = v8a__calloc(1, sizeof *p);
    if (!p) return v8a__error_nomem("profile");
    p->nthreads = 1;

    if (b->seen_events) {
        size_t pick = 0;
        p->format = V8A_PROFILE_FORMAT_TRACE;
        if ((rc = v8a__prof_trace_select(b, thread, &pick)) < 0) goto done;
        const v8a__trace_prof *t = &b->tprof[pick];
        p->pid = t->pid;
        p->tid = t->tid;
        p->nthreads = (uint32_t)b->ntprof;
        for (size_t i = b->nthreads; i-- > 0;)
            if (b->threads[i].pid == t->pid && b->threads[i].tid == t->tid) {
                p->thread_name = b->threads[i].name;
                break;
            }
    } else if (b->folded) {
        p->format = V8A_PROFILE_FORMAT_FOLDED;
    } else if (b->seen_nodes) {
        p->format = V8A_PROFILE_FORMAT_CPUPROFILE;
    } else if (b->seen_head) {
        int heap = b->seen_callframe_head || b->seen_heap_samples;
        p->format = heap ? V8A_PROFILE_FORMAT_HEAPPROFILE : V8A_PROFILE_FORMAT_LEGACY;
        p->kind = heap ? V8A_PROFILE_HEAP : V8A_PROFILE_CPU;
    } else {
        rc = v8a__error_set(V8A_EFORMAT,
                            "%s: byte 0: not a V8 profile (no \"nodes\", \"head\" or "
                            "\"traceEvents\")",
                            b->name);
        goto done;
    }
    if (b->nrn == 0) {
        rc = v8a__error_set(V8A_EFORMAT, "%s: byte %" PRIu64 ": the profile has no nodes", b->name,
                            b->end_offset);
        goto done;
    }
    if (b->seen_heap_samples && p->kind != V8A_PROFILE_HEAP) {
        rc = v8a__error_set(V8A_EFORMAT,
                            "%s: byte %" PRIu64 ": \"samples\" holds objects in a CPU profile",
                            b->name, b->at_samples);
        goto done;
    }
    if (idmap_init(&ids, b->nrn) < 0 || !(ord = v8a__malloc(b->nrn * sizeof *ord))) {
        rc = v8a__error_nomem("node ids");
        goto done;
    }
    for (size_t i = 0; i < b->nrn; i++) {
        uint32_t prev = idmap_put(&ids, b->rn[i].id, (uint32_t)i);
        if (prev != NONE) {
            rc = fail_node(b, b->rn[i].id, "duplicate id (bytes %" PRIu64 " and %" PRIu64 ")",
                           b->rn[prev].at, b->rn[i].at);
            goto done;
        }
    }
    if ((rc = build_tree(b, p, &ids, ord)) < 0) goto done;
    if ((rc = build_samples(b, p, &ids, ord)) < 0) goto done;
    if ((rc = compact_frames(b, p)) < 0) goto done;
    if (b->nticks) {
        p->ticks = v8a__malloc(b->nticks * sizeof *p->ticks);
        if (!p->ticks) {
            rc = v8a__error_nomem("positionTicks");
            goto done;
        }
        memcpy(p->ticks, b->ticks, b->nticks * sizeof *p->ticks);
        p->nticks = (uint32_t)b->nticks;
    }
    rc = copy_strings(b, p);
done:
    idmap_free(&ids);
    v8a__free(ord);
    if (rc < 0) {
        v8a_profile_free(p);
        return rc;
    }
    *out = p;
    return 0;
}
