/* heap_flame.c - a heap snapshot's dominator tree as a profile, so that the
 * flame renderer draws memory: each frame a class, each node the objects of
 * one class under one path of dominators, its self weight their shallow
 * sizes. A node's total is then the retained size of the objects it stands
 * for, so an icicle of it shows at a glance which object holds the heap.
 *
 * The tree is aggregated while it is built: the dominator tree is walked in
 * pre-order and each object joins the child of its dominator's node that has
 * its class (a hash of (parent node, class)), so 2000 records under one array
 * are one node and the profile stays small whatever the snapshot's size.
 * Parents are made before children, as the profile model requires.
 */
#include "alloc.h"
#include "analysis_internal.h"
#include "error.h"
#include "strmap.h"

#include <string.h>
#include <v8a/profile.h>

/* A frame category for the objects of a node type: user objects and
 * closures are the application's; arrays, strings and numbers V8's values
 * (core); code, hidden and system objects V8's own (native); native objects
 * (ArrayBuffer backing stores, DOM) are reported as a package, "native". */
static uint32_t category_of(const v8a_analysis *a, int t)
{
    const v8a__node_types *nt = &a->nt;
    if (t == nt->object || t == nt->closure || t == nt->regexp) return V8A_CAT_APP;
    if (t == nt->array || t == nt->string || t == nt->concatenated_string ||
        t == nt->sliced_string || t == nt->number || t == nt->bigint || t == nt->symbol)
        return V8A_CAT_CORE;
    if (t == nt->native) return V8A_CAT_PACKAGE;
    if (t == nt->synthetic) return V8A_CAT_ROOT;
    return V8A_CAT_NATIVE;
}

static char *dup_str(const char *s)
{
    return v8a__strdup(s ? s : "");
}

int v8a_profile_from_heap(v8a_profile **out, const v8a_heap *h, const v8a_analysis *a)
{
    *out = NULL;
    uint32_t n = h->node_count, root = a->root;
    uint32_t *first = NULL, *child = NULL, *stack = NULL, *node_of = NULL, *frame_of = NULL;
    v8a__strmap tree;
    v8a__strmap_init(&tree);
    v8a_profile *p = v8a__calloc(1, sizeof *p);
    if (!p) goto oom;
    p->kind = V8A_PROFILE_HEAP;
    p->format = V8A_PROFILE_FORMAT_HEAPSNAPSHOT;

    /* strings: "", "native", then the class names; frames: one per class */
    uint32_t nc = a->class_count;
    p->strings = v8a__calloc((size_t)nc + 2, sizeof *p->strings);
    p->frames = v8a__calloc((size_t)nc + 1, sizeof *p->frames);
    frame_of = v8a__malloc(((size_t)nc + 1) * 4);
    if (!p->strings || !p->frames || !frame_of) goto oom;
    if (!(p->strings[0] = dup_str("")) || !(p->strings[1] = dup_str("native"))) goto oom;
    p->nstrings = 2;
    memset(frame_of, 0xff, ((size_t)nc + 1) * 4);

    /* the dominator tree's children, as CSR */
    first = v8a__calloc((size_t)n + 2, 4);
    child = v8a__malloc((size_t)n * 4 + 4);
    stack = v8a__malloc((size_t)n * 4 + 4);
    node_of = v8a__malloc((size_t)n * 4 + 4);
    if (!first || !child || !stack || !node_of) goto oom;
    for (uint32_t o = 0; o < n; o++)
        if (o != root) first[a->dom[o] + 1]++;
    for (uint32_t i = 0; i < n; i++) first[i + 1] += first[i];
    for (uint32_t o = 0; o < n; o++)
        if (o != root) child[first[a->dom[o]]++] = o;
    for (uint32_t i = n; i > 0; i--) first[i] = first[i - 1];
    first[0] = 0;

    size_t cap = 0;
    size_t sp = 0;
    stack[sp++] = root;
    while (sp) {
        uint32_t x = stack[--sp];
        uint32_t c = a->cls[x];
        if (frame_of[c] == UINT32_MAX) {
            v8a_frame *f = &p->frames[p->nframes];
            p->strings[p->nstrings] = dup_str(a->classes[c].name);
            if (!p->strings[p->nstrings]) goto oom;
            f->name = p->nstrings++;
            f->category = x == root ? V8A_CAT_ROOT : category_of(a, h->node_type[x]);
            f->package = f->category == V8A_CAT_PACKAGE ? 1 : 0;
            frame_of[c] = p->nframes++;
        }
        uint32_t parent = x == root ? V8A_PROFILE_NONE : node_of[a->dom[x]];
        uint32_t key[2] = {parent, c}, at;
        int found = x != root && v8a__strmap_get(&tree, (const char *)key, sizeof key, &at);
        if (!found) {
            at = p->nnodes;
            if (v8a__grow((void **)&p->nodes, &cap, (size_t)at + 1, sizeof *p->nodes) < 0 ||
                (x != root && v8a__strmap_put(&tree, (const char *)key, sizeof key, at, NULL) < 0))
                goto oom;
            v8a_profile_node *pn = &p->nodes[at];
            memset(pn, 0, sizeof *pn);
            pn->frame = frame_of[c];
            pn->parent = parent;
            pn->depth = parent == V8A_PROFILE_NONE ? 0 : p->nodes[parent].depth + 1;
            pn->id = (uint32_t)h->node_id[x]; /* the first object's id, low 32 bits */
            p->nnodes++;
        }
        node_of[x] = at;
        p->nodes[at].self_bytes += (int64_t)a->shallow[x];
        p->nodes[at].hit_count++; /* objects */
        if (p->nodes[at].depth > p->max_depth) p->max_depth = p->nodes[at].depth;
        for (uint32_t k = first[x + 1]; k > first[x]; k--) stack[sp++] = child[k - 1];
    }
    v8a__free(first);
    v8a__free(child);
    v8a__free(stack);
    v8a__free(node_of);
    v8a__free(frame_of);
    v8a__strmap_free(&tree);
    *out = p;
    return 0;
oom:
    v8a__free(first);
    v8a__free(child);
    v8a__free(stack);
    v8a__free(node_of);
    v8a__free(frame_of);
    v8a__strmap_free(&tree);
    v8a_profile_free(p);
    return v8a__error_nomem("memory flame graph");
}

/* ---- allocation stacks ---- */

/* The string ordinal of text s (n bytes) in p, interned through m. */
static int64_t intern(v8a_profile *p, size_t *cap, v8a__strmap *m, const char *s, size_t n)
{
    uint32_t v;
    if (v8a__strmap_get(m, s, n, &v)) return v;
    if (v8a__grow((void **)&p->strings, cap, (size_t)p->nstrings + 1, sizeof *p->strings) < 0)
        return -1;
    char *d = v8a__malloc(n + 1);
    if (!d) return -1;
    memcpy(d, s, n);
    d[n] = '\0';
    p->strings[p->nstrings] = d;
    if (v8a__strmap_put(m, s, n, p->nstrings, NULL) < 0) return -1;
    return p->nstrings++;
}

int v8a_profile_from_allocations(v8a_profile **out, const v8a_heap *h)
{
    *out = NULL;
    uint32_t nt = h->trace_count, nf = h->tfi_count;
    if (nt == 0)
        return v8a__error_set(V8A_ENOTFOUND,
                              "%s: no allocation stacks (take the snapshot with allocation "
                              "tracking, e.g. --track-heap-objects)",
                              h->source);
    for (uint32_t i = 0; i < nt; i++)
        if (h->trace_parent[i] != UINT32_MAX && h->trace_parent[i] >= i)
            return v8a__error_set(V8A_EFORMAT, "%s: trace node %u: its parent comes after it",
                                  h->source, i);
    v8a__strmap strs, ids;
    v8a__strmap_init(&strs);
    v8a__strmap_init(&ids);
    size_t scap = 0;
    v8a_profile *p = v8a__calloc(1, sizeof *p);
    if (!p) goto oom;
    p->kind = V8A_PROFILE_HEAP;
    p->format = V8A_PROFILE_FORMAT_HEAPSNAPSHOT;
    p->frames = v8a__calloc((size_t)nf + 1, sizeof *p->frames);
    p->nodes = v8a__calloc((size_t)nt + 1, sizeof *p->nodes);
    if (!p->frames || !p->nodes) goto oom;
    if (v8a__grow((void **)&p->strings, &scap, 2, sizeof *p->strings) < 0 ||
        !(p->strings[0] = dup_str("")) || !(p->strings[1] = dup_str("(root)")))
        goto oom;
    p->nstrings = 2;
    if (v8a__strmap_put(&strs, "", 0, 0, NULL) < 0) goto oom;
    /* frame 0 is the root; frame 1 + f is trace function f */
    p->frames[0].name = 1;
    p->frames[0].category = V8A_CAT_ROOT;
    p->nframes = 1 + nf;
    for (uint32_t f = 0; f < nf; f++) {
        v8a_heap_trace_function tf;
        v8a_heap_get_trace_function(h, f, &tf);
        size_t nlen, ulen;
        const char *nm = v8a_heap_string(h, tf.name, &nlen);
        const char *u = v8a_heap_string(h, tf.script_name, &ulen);
        if (nlen == 0) nm = "(anonymous)", nlen = 11;
        int64_t name = intern(p, &scap, &strs, nm, nlen), url = intern(p, &scap, &strs, u, ulen);
        if (name < 0 || url < 0) goto oom;
        v8a_frame *fr = &p->frames[1 + f];
        fr->name = (uint32_t)name;
        fr->url = (uint32_t)url;
        fr->line = (int32_t)tf.line > 0 ? (int32_t)tf.line : 0;
        fr->column = (int32_t)tf.column > 0 ? (int32_t)tf.column : 0;
        const char *pkg = NULL;
        size_t pkg_len = 0;
        fr->category =
            (uint32_t)v8a_profile_classify(p->strings[name], p->strings[url], &pkg, &pkg_len);
        if (pkg && pkg_len) {
            int64_t k = intern(p, &scap, &strs, pkg, pkg_len);
            if (k < 0) goto oom;
            fr->package = (uint32_t)k;
        }
    }
    /* V8's tree has one top node, "(root)", which becomes node 0; otherwise
     * node 0 is a synthetic root over the top nodes. Trace node i is node
     * i + shift. */
    uint32_t tops = 0;
    for (uint32_t i = 0; i < nt; i++) tops += h->trace_parent[i] == UINT32_MAX;
    uint32_t shift = tops == 1 && h->trace_parent[0] == UINT32_MAX ? 0 : 1;
    p->nodes[0].parent = V8A_PROFILE_NONE;
    p->nnodes = shift + nt;
    for (uint32_t i = 0; i < nt; i++) {
        v8a_profile_node *pn = &p->nodes[shift + i];
        uint32_t par = h->trace_parent[i];
        pn->frame = h->trace_fi[i] < nf ? 1 + h->trace_fi[i] : 0;
        if (shift + i == 0) {
            p->frames[pn->frame].category = V8A_CAT_ROOT;
            pn->id = (uint32_t)h->trace_id[i];
        } else {
            pn->parent = par == UINT32_MAX ? 0 : shift + par;
            pn->depth = p->nodes[pn->parent].depth + 1;
            pn->id = (uint32_t)h->trace_id[i];
            if (pn->depth > p->max_depth) p->max_depth = pn->depth;
        }
        uint64_t id = h->trace_id[i];
        if (v8a__strmap_put(&ids, (const char *)&id, sizeof id, shift + i, NULL) < 0) goto oom;
    }
    /* live objects by the trace node that allocated them */
    for (uint32_t o = 0; o < h->node_count; o++) {
        uint64_t t = h->node_trace_node_id ? h->node_trace_node_id[o] : 0;
        uint32_t at;
        if (t == 0 || !v8a__strmap_get(&ids, (const char *)&t, sizeof t, &at)) continue;
        p->nodes[at].self_bytes += (int64_t)h->node_self_size[o];
        p->nodes[at].hit_count++;
    }
    v8a__strmap_free(&strs);
    v8a__strmap_free(&ids);
    *out = p;
    return 0;
oom:
    v8a__strmap_free(&strs);
    v8a__strmap_free(&ids);
    v8a_profile_free(p);
    return v8a__error_nomem("allocation flame graph");
}
