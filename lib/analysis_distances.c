/* analysis_distances.c - distances from the user roots, as DevTools computes them.
 *
 * A breadth-first search from the root's user roots (non-synthetic children,
 * or "(Document DOM trees)") at distance 1, then a second from the root
 * itself at 100000000 (0 when there are no user roots), so that objects
 * reached only through (GC roots) count as system objects. Weak edges are
 * never followed, and three filters of DevTools' apply: sloppy_function_map
 * out of "system / NativeContext"; map descriptor value slots; and of the two
 * edges of a WeakMap entry, the first one the search meets is refused (the
 * order of the search therefore matters and follows DevTools'). Unreached
 * nodes keep -5.
 */
#include "alloc.h"
#include "analysis_internal.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    v8a_analysis *a;
    uint32_t *queue;
    size_t head, tail;
    uint8_t *pending; /* per ephemeron part: one edge of the pair was refused */
    uint32_t sloppy_sid, native_context_sid, map_descriptors_sid;
} bfs_state;

/* JavaScript's parseInt on an edge name: 1 and *out on a number, 0 on NaN. */
static int parse_int(const char *s, long long *out)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v') s++;
    int neg = 0;
    if (*s == '+' || *s == '-') neg = *s++ == '-';
    if (*s < '0' || *s > '9') return 0;
    long long v = 0;
    while (*s >= '0' && *s <= '9' && v < (1ll << 53)) v = v * 10 + (*s++ - '0');
    *out = neg ? -v : v;
    return 1;
}

static int filter(bfs_state *b, uint32_t u, uint32_t e)
{
    v8a_analysis *a = b->a;
    const v8a_heap *h = a->h;
    int ut = h->node_type[u], et = h->edge_type[e];
    int is_index = h->edge_is_index[et];
    if (ut == a->nt.hidden && !is_index && h->edge_name[e] == b->sloppy_sid &&
        h->node_name[u] == b->native_context_sid)
        return 0;
    if (ut == a->nt.array && h->node_name[u] == b->map_descriptors_sid) {
        long long idx;
        int ok = is_index ? (idx = h->edge_name[e], 1)
                          : parse_int(v8a_heap_string(h, h->edge_name[e], NULL), &idx);
        if (!ok) return 1; /* NaN: followed */
        return idx < 2 || idx % 3 != 1;
    }
    if (et == a->et.internal && a->eph.is && a->eph.is[h->edge_name[e]]) {
        uint32_t p = a->eph.part[h->edge_name[e]];
        if (b->pending[p]) {
            b->pending[p] = 0;
            return 1;
        }
        b->pending[p] = 1;
        return 0;
    }
    return 1;
}

static void bfs(bfs_state *b)
{
    v8a_analysis *a = b->a;
    const v8a_heap *h = a->h;
    int32_t *dist = a->distance;
    while (b->head < b->tail) {
        uint32_t u = b->queue[b->head++];
        int32_t d = dist[u] + 1;
        for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1]; e++) {
            if (h->edge_type[e] == (uint8_t)a->et.weak) continue;
            uint32_t t = h->edge_to[e];
            if (dist[t] != V8A_DISTANCE_NONE) continue;
            if (!filter(b, u, e)) continue;
            dist[t] = d;
            b->queue[b->tail++] = t;
        }
    }
}

/* The string id whose text is s, or UINT32_MAX (V8 interns its strings, so
 * one id per text). */
static uint32_t find_sid(const v8a_heap *h, const char *s)
{
    for (uint32_t i = 0; i < h->string_count; i++)
        if (strcmp(h->string_data + h->string_offset[i], s) == 0) return i;
    return UINT32_MAX;
}

int v8a__distances(v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    uint32_t n = h->node_count, root = a->root;
    uint32_t root_edges = h->first_edge[root + 1] - h->first_edge[root];
    bfs_state b = {a, NULL, 0, 0, NULL, 0, 0, 0};
    a->distance = v8a__malloc((size_t)n * 4 + 4);
    b.queue = v8a__malloc(((size_t)n + root_edges + 1) * 4);
    b.pending = v8a__calloc(a->eph.part_count + 1, 1);
    if (!a->distance || !b.queue || !b.pending) {
        v8a__free(b.queue);
        v8a__free(b.pending);
        return v8a__error_nomem("distances");
    }
    b.sloppy_sid = find_sid(h, "sloppy_function_map");
    b.native_context_sid = find_sid(h, "system / NativeContext");
    b.map_descriptors_sid = find_sid(h, "(map descriptors)");
    for (uint32_t i = 0; i < n; i++) a->distance[i] = V8A_DISTANCE_NONE;

    uint32_t users = 0;
    for (uint32_t e = h->first_edge[root]; e < h->first_edge[root + 1]; e++) {
        uint32_t t = h->edge_to[e];
        int synthetic = h->node_type[t] == (uint8_t)a->nt.synthetic;
        if (!synthetic ||
            strcmp(v8a_heap_string(h, h->node_name[t], NULL), "(Document DOM trees)") == 0) {
            a->distance[t] = 1;
            b.queue[b.tail++] = t;
            users++;
        }
    }
    bfs(&b);
    a->distance[root] = users ? V8A_DISTANCE_SYSTEM : 0;
    b.head = b.tail = 0;
    b.queue[b.tail++] = root;
    bfs(&b);
    v8a__free(b.queue);
    v8a__free(b.pending);
    return 0;
}
