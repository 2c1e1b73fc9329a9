/* diff.c - DevTools' Comparison view from two reduced snapshots, and memlab's
 * leak set.
 *
 * A side holds, for every Summary class, its key, name and aggregates, and
 * one entry per counted instance (shallow size > 0) sorted by (class, id):
 * 24 bytes a node, so both sides of two large snapshots fit where one heap
 * would not. The comparison merge-joins the two id-sorted lists of each
 * class key exactly as DevTools' calculateDiffForClass does: ids only in the
 * base are deleted, ids only in the current snapshot are new, ids in both
 * are matched (and, beyond DevTools, counted as resized when the shallow
 * size changed).
 */
#include "alloc.h"
#include "error.h"
#include "graph.h"
#include "heap_internal.h"
#include "strmap.h"

#include <stdlib.h>
#include <string.h>
#include <v8a/diff.h>

typedef struct {
    uint64_t id;
    uint64_t shallow;
    uint32_t cls; /* side class */
    uint32_t ord;
} entry;

typedef struct {
    char *key, *name;
    uint32_t count;
    uint64_t shallow, retained;
    size_t first, end; /* its entries */
} side_class;

struct v8a_diff_side {
    side_class *classes;
    uint32_t nclasses;
    entry *e;
    size_t n;
};

struct v8a_diff {
    v8a_diff_class *rows;
    size_t nrows;
    char **texts;     /* owned key and name texts, two per row */
    uint32_t **added; /* per row: new objects' ordinals in after */
    size_t *nadded;
};

void v8a_free(void *p)
{
    v8a__free(p);
}

void v8a_diff_side_free(v8a_diff_side *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < s->nclasses; i++) {
        v8a__free(s->classes[i].key);
        v8a__free(s->classes[i].name);
    }
    v8a__free(s->classes);
    v8a__free(s->e);
    v8a__free(s);
}

static int cmp_entry(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    if (a->cls != b->cls) return a->cls < b->cls ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

int v8a_diff_side_new(v8a_diff_side **out, const v8a_heap *h, const v8a_analysis *a)
{
    *out = NULL;
    uint32_t nc = v8a_analysis_class_count(a);
    v8a_diff_side *s = v8a__calloc(1, sizeof *s);
    uint32_t *map = v8a__malloc((size_t)nc * 4 + 4); /* analysis class -> side class */
    if (!s || !map) goto oom;
    s->classes = v8a__calloc((size_t)nc + 1, sizeof *s->classes);
    if (!s->classes) goto oom;
    for (uint32_t c = 0; c < nc; c++) {
        const v8a_class_info *ci = v8a_analysis_get_class(a, c);
        map[c] = UINT32_MAX;
        if (!ci->in_summary) continue;
        side_class *sc = &s->classes[s->nclasses];
        if (!(sc->key = v8a__strdup(ci->key)) || !(sc->name = v8a__strdup(ci->name))) {
            v8a__free(sc->key);
            goto oom;
        }
        sc->count = ci->count;
        sc->shallow = ci->shallow_size;
        sc->retained = ci->retained_size;
        map[c] = s->nclasses++;
    }
    /* a counting sort by class over the nodes in id order: (class, id) order
     * in linear time */
    size_t *at = v8a__calloc((size_t)s->nclasses + 1, sizeof *at);
    if (!at) goto oom;
    for (uint32_t o = 0; o < h->node_count; o++) {
        uint32_t c = map[v8a_analysis_class(a, o)];
        if (c != UINT32_MAX && v8a_analysis_shallow_size(a, o) > 0) at[c + 1]++;
    }
    for (uint32_t c = 0; c < s->nclasses; c++) {
        at[c + 1] += at[c];
        s->classes[c].first = at[c];
        s->classes[c].end = at[c + 1];
    }
    s->n = at[s->nclasses];
    s->e = v8a__malloc(s->n * sizeof *s->e + sizeof *s->e);
    if (!s->e) {
        v8a__free(at);
        goto oom;
    }
    for (uint32_t k = 0; k < h->node_count; k++) {
        uint32_t o = h->id_order ? h->id_order[k] : k;
        uint64_t sz = v8a_analysis_shallow_size(a, o);
        uint32_t c = map[v8a_analysis_class(a, o)];
        if (sz == 0 || c == UINT32_MAX) continue;
        s->e[at[c]++] = (entry){h->node_id[o], sz, c, o};
    }
    v8a__free(at);
    if (!h->id_order) qsort(s->e, s->n, sizeof *s->e, cmp_entry);
    v8a__free(map);
    *out = s;
    return 0;
oom:
    v8a__free(map);
    v8a_diff_side_free(s);
    return v8a__error_nomem("comparison");
}

void v8a_diff_free(v8a_diff *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->nrows; i++) {
        v8a__free(d->texts[2 * i]);
        v8a__free(d->texts[2 * i + 1]);
        v8a__free(d->added[i]);
    }
    v8a__free(d->rows);
    v8a__free(d->texts);
    v8a__free(d->added);
    v8a__free(d->nadded);
    v8a__free(d);
}

/* The comparison of one class key; b or a may be NULL (absent there). */
static int compare_class(v8a_diff *d, const v8a_diff_side *bs, const side_class *b,
                         const v8a_diff_side *as, const side_class *a)
{
    v8a_diff_class r;
    memset(&r, 0, sizeof r);
    size_t i = b ? b->first : 0, l = b ? b->end : 0;
    size_t j = a ? a->first : 0, m = a ? a->end : 0;
    uint32_t *added = NULL;
    size_t nadded = 0, cap = 0;
    while (i < l || j < m) {
        if (j >= m || (i < l && bs->e[i].id < as->e[j].id)) {
            r.deleted_count++;
            r.freed_size += bs->e[i++].shallow;
        } else if (i >= l || bs->e[i].id > as->e[j].id) {
            r.new_count++;
            r.alloc_size += as->e[j].shallow;
            if (v8a__grow((void **)&added, &cap, nadded + 1, 4) < 0) {
                v8a__free(added);
                return -1;
            }
            added[nadded++] = as->e[j++].ord;
        } else {
            if (bs->e[i].shallow != as->e[j].shallow) {
                r.resized_count++;
                r.resized_delta += (int64_t)as->e[j].shallow - (int64_t)bs->e[i].shallow;
            }
            i++, j++;
        }
    }
    r.count_delta = (int64_t)r.new_count - (int64_t)r.deleted_count;
    r.size_delta = (int64_t)r.alloc_size - (int64_t)r.freed_size;
    r.in_devtools = r.new_count || r.deleted_count;
    if (b) r.count_before = b->count, r.size_before = b->shallow, r.retained_before = b->retained;
    if (a) r.count_after = a->count, r.size_after = a->shallow, r.retained_after = a->retained;
    r.retained_delta = (int64_t)r.retained_after - (int64_t)r.retained_before;
    const side_class *src = a ? a : b;
    char *key = v8a__strdup(src->key), *name = v8a__strdup(src->name);
    if (!key || !name) {
        v8a__free(key);
        v8a__free(name);
        v8a__free(added);
        return -1;
    }
    size_t k = d->nrows++;
    d->texts[2 * k] = key;
    d->texts[2 * k + 1] = name;
    r.key = key;
    r.name = name;
    d->rows[k] = r;
    d->added[k] = added;
    d->nadded[k] = nadded;
    return 0;
}

static v8a_diff *sorting;
static int cmp_rows(const void *x, const void *y)
{
    const v8a_diff_class *a = &sorting->rows[*(const size_t *)x];
    const v8a_diff_class *b = &sorting->rows[*(const size_t *)y];
    if (a->size_delta != b->size_delta) return a->size_delta > b->size_delta ? -1 : 1;
    if (a->retained_delta != b->retained_delta)
        return a->retained_delta > b->retained_delta ? -1 : 1;
    return strcmp(a->key, b->key);
}

int v8a_diff_compare(v8a_diff **out, const v8a_diff_side *before, const v8a_diff_side *after)
{
    *out = NULL;
    v8a__strmap keys;
    v8a__strmap_init(&keys);
    size_t max = (size_t)before->nclasses + after->nclasses;
    uint8_t *seen = v8a__calloc(before->nclasses + 1, 1);
    v8a_diff *d = v8a__calloc(1, sizeof *d);
    if (!seen || !d) goto oom;
    d->rows = v8a__calloc(max + 1, sizeof *d->rows);
    d->texts = v8a__calloc(2 * max + 2, sizeof *d->texts);
    d->added = v8a__calloc(max + 1, sizeof *d->added);
    d->nadded = v8a__calloc(max + 1, sizeof *d->nadded);
    if (!d->rows || !d->texts || !d->added || !d->nadded) goto oom;
    for (uint32_t c = 0; c < before->nclasses; c++) {
        const char *k = before->classes[c].key;
        if (v8a__strmap_put(&keys, k, strlen(k), c, NULL) < 0) goto oom;
    }
    for (uint32_t c = 0; c < after->nclasses; c++) {
        const side_class *a = &after->classes[c];
        uint32_t bc;
        const side_class *b = NULL;
        if (v8a__strmap_get(&keys, a->key, strlen(a->key), &bc)) {
            b = &before->classes[bc];
            seen[bc] = 1;
        }
        if (compare_class(d, before, b, after, a) < 0) goto oom;
    }
    for (uint32_t c = 0; c < before->nclasses; c++)
        if (!seen[c] && compare_class(d, before, &before->classes[c], after, NULL) < 0) goto oom;
    /* sort the rows through a permutation, moving the parallel arrays */
    size_t *perm = v8a__malloc(d->nrows * sizeof *perm + sizeof *perm);
    v8a_diff_class *rows = v8a__malloc(d->nrows * sizeof *rows + sizeof *rows);
    char **texts = v8a__malloc(2 * d->nrows * sizeof *texts + sizeof *texts);
    uint32_t **added = v8a__malloc(d->nrows * sizeof *added + sizeof *added);
    size_t *nadded = v8a__malloc(d->nrows * sizeof *nadded + sizeof *nadded);
    if (!perm || !rows || !texts || !added || !nadded) {
        v8a__free(perm);
        v8a__free(rows);
        v8a__free(texts);
        v8a__free(added);
        v8a__free(nadded);
        goto oom;
    }
    for (size_t i = 0; i < d->nrows; i++) perm[i] = i;
    sorting = d;
    qsort(perm, d->nrows, sizeof *perm, cmp_rows);
    for (size_t i = 0; i < d->nrows; i++) {
        rows[i] = d->rows[perm[i]];
        texts[2 * i] = d->texts[2 * perm[i]];
        texts[2 * i + 1] = d->texts[2 * perm[i] + 1];
        added[i] = d->added[perm[i]];
        nadded[i] = d->nadded[perm[i]];
    }
    v8a__free(perm);
    v8a__free(d->rows);
    v8a__free(d->texts);
    v8a__free(d->added);
    v8a__free(d->nadded);
    d->rows = rows;
    d->texts = texts;
    d->added = added;
    d->nadded = nadded;
    v8a__free(seen);
    v8a__strmap_free(&keys);
    *out = d;
    return 0;
oom:
    v8a__free(seen);
    v8a__strmap_free(&keys);
    v8a_diff_free(d);
    return v8a__error_nomem("comparison");
}

size_t v8a_diff_class_count(const v8a_diff *d)
{
    return d->nrows;
}

const v8a_diff_class *v8a_diff_get_class(const v8a_diff *d, size_t i)
{
    return i < d->nrows ? &d->rows[i] : NULL;
}

const uint32_t *v8a_diff_new_objects(const v8a_diff *d, size_t i, size_t *n)
{
    *n = i < d->nrows ? d->nadded[i] : 0;
    return i < d->nrows ? d->added[i] : NULL;
}

/* Is ids[0..n) (ascending) holding id? */
static int has_id(const uint64_t *ids, size_t n, uint64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id;
}

int v8a_diff_leaked(uint32_t **out, size_t *n, const uint64_t *baseline, size_t nbaseline,
                    const uint64_t *target, size_t ntarget, const v8a_heap *final)
{
    *out = NULL;
    *n = 0;
    for (size_t i = 1; i < nbaseline; i++)
        if (baseline[i - 1] > baseline[i])
            return v8a__error_set(V8A_EINVAL, "v8a_diff_leaked: baseline ids are not sorted");
    for (size_t i = 1; i < ntarget; i++)
        if (target[i - 1] > target[i])
            return v8a__error_set(V8A_EINVAL, "v8a_diff_leaked: target ids are not sorted");
    v8a__node_types nt;
    v8a__node_types_find(final, &nt);
    const int skip[] = {nt.hidden,        nt.code,     nt.number, nt.string, nt.concatenated_string,
                        nt.sliced_string, nt.synthetic};
    uint32_t *o = v8a__malloc((size_t) final->node_count * 4 + 4);
    if (!o) return v8a__error_nomem("leak set");
    size_t k = 0;
    for (uint32_t i = 0; i < final->node_count; i++) {
        int t = final->node_type[i], trivial = 0;
        for (size_t s = 0; s < sizeof skip / sizeof *skip; s++)
            trivial |= skip[s] >= 0 && t == skip[s];
        if (trivial || final->node_self_size[i] == 0) continue;
        uint64_t id = final->node_id[i];
        if (has_id(target, ntarget, id) && !has_id(baseline, nbaseline, id)) o[k++] = i;
    }
    *out = o;
    *n = k;
    return 0;
}
