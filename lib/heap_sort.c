/* heap_sort.c - the id index of a heap: ordinals sorted by node id.
 *
 * An LSD radix sort on 16-bit digits (as many passes as the largest id
 * needs, two for V8's 32-bit ids), then one scan for duplicates. Ids must be
 * unique: snapshot comparison matches objects by id.
 */
#include "alloc.h"
#include "error.h"
#include "heap_internal.h"

#include <inttypes.h>
#include <string.h>

int v8a__heap_sort_ids(v8a_heap *h)
{
    uint32_t n = h->node_count;
    uint32_t *ord = v8a__malloc((size_t)n * 4);
    if (!ord) return v8a__error_nomem("id index");
    uint64_t maxid = 0;
    int sorted = 1;
    for (uint32_t i = 0; i < n; i++) {
        ord[i] = i;
        if (h->node_id[i] > maxid) maxid = h->node_id[i];
        if (i && h->node_id[i] <= h->node_id[i - 1]) sorted = 0;
    }
    if (!sorted) {
        uint32_t *tmp = v8a__malloc((size_t)n * 4);
        uint32_t *count = v8a__malloc(65536 * 4);
        if (!tmp || !count) {
            v8a__free(tmp);
            v8a__free(count);
            v8a__free(ord);
            return v8a__error_nomem("id index");
        }
        for (unsigned shift = 0; shift < 64 && (maxid >> shift) != 0; shift += 16) {
            memset(count, 0, 65536 * 4);
            for (uint32_t i = 0; i < n; i++) count[(h->node_id[ord[i]] >> shift) & 0xffff]++;
            uint32_t acc = 0;
            for (unsigned d = 0; d < 65536; d++) {
                uint32_t c = count[d];
                count[d] = acc;
                acc += c;
            }
            for (uint32_t i = 0; i < n; i++)
                tmp[count[(h->node_id[ord[i]] >> shift) & 0xffff]++] = ord[i];
            uint32_t *t = ord;
            ord = tmp;
            tmp = t;
        }
        v8a__free(tmp);
        v8a__free(count);
        for (uint32_t i = 1; i < n; i++)
            if (h->node_id[ord[i]] == h->node_id[ord[i - 1]]) {
                uint32_t a = ord[i - 1] < ord[i] ? ord[i - 1] : ord[i];
                uint32_t b = ord[i - 1] < ord[i] ? ord[i] : ord[i - 1];
                uint64_t id = h->node_id[a];
                v8a__free(ord);
                return v8a__error_set(V8A_EFORMAT,
                                      "%s: duplicate node id @%" PRIu64 " (nodes %u and %u)",
                                      h->source, id, a, b);
            }
    }
    v8a__free(h->id_order);
    h->id_order = ord;
    return 0;
}
