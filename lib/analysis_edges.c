/* analysis_edges.c - which edges count for dominators (DevTools' rules).
 *
 * Three pieces, in DevTools' order. WeakMap ephemeron edge names are parsed
 * once per distinct string. Page objects are everything reachable over
 * non-weak edges from the root's shortcut targets (the globals) and from
 * "(Document DOM trees)". An edge u -> v is essential unless it is the
 * table -> value edge of a WeakMap entry, weak, a self edge, or (when u is
 * not the root) a shortcut or an edge from a non-page node into a page node.
 */
#include "alloc.h"
#include "analysis_internal.h"
#include "error.h"
#include "strmap.h"

#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* JavaScript's '.' does not match these. */
static int has_line_terminator(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\r') return 1;
        if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
            return 1;
    }
    return 0;
}

/* Matches ^\d+ / part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in
 * WeakMap \(table @(\d+)\)$ (with JavaScript's '.'); sets the table id
 * and where the part after the leading number starts. */
static int parse_ephemeron(const char *s, size_t n, uint64_t *table, size_t *part_at)
{
    static const char head[] = " / part of key (";
    static const char tail[] = ") pair in WeakMap (table @";
    static const char mid[] = ") -> value (";
    size_t i = 0;
    while (i < n && is_digit(s[i])) i++;
    if (i == 0 || n - i < sizeof head - 1 || memcmp(s + i, head, sizeof head - 1) != 0) return 0;
    *part_at = i;
    size_t m0 = i + sizeof head - 1; /* start of "X @d) -> value (Y @d" */
    /* the end: "<tail><digits>)" */
    if (n < m0 + 2 || s[n - 1] != ')') return 0;
    size_t d = n - 1;
    while (d > m0 && is_digit(s[d - 1])) d--;
    if (d == n - 1) return 0;
    size_t tl = sizeof tail - 1;
    if (d < m0 + tl || memcmp(s + d - tl, tail, tl) != 0) return 0;
    uint64_t id = 0;
    for (size_t k = d; k < n - 1; k++) id = id * 10 + (uint64_t)(s[k] - '0');
    size_t m1 = d - tl; /* end of the middle part */
    if (has_line_terminator(s + m0, m1 - m0)) return 0;
    /* the middle must end with " @<digits>" (the value's id) ... */
    size_t v = m1;
    while (v > m0 && is_digit(s[v - 1])) v--;
    if (v == m1 || v < m0 + 2 || s[v - 1] != '@' || s[v - 2] != ' ') return 0;
    size_t vat = v - 2;
    /* ... and hold " @<digits>) -> value (" somewhere before that */
    size_t ml = sizeof mid - 1;
    for (size_t k = m0; k + ml <= vat; k++) {
        if (memcmp(s + k, mid, ml) != 0) continue;
        size_t j = k;
        while (j > m0 && is_digit(s[j - 1])) j--;
        if (j < k && j >= m0 + 2 && s[j - 1] == '@' && s[j - 2] == ' ') {
            *table = id;
            return 1;
        }
    }
    return 0;
}

int v8a__ephemerons_scan(v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    v8a__ephemerons *e = &a->eph;
    memset(e, 0, sizeof *e);
    if (a->et.internal < 0) return 0;
    /* only names of internal edges can be ephemeron names */
    uint8_t *seen = v8a__calloc(h->string_count ? h->string_count : 1, 1);
    if (!seen) return v8a__error_nomem("analysis");
    uint32_t candidates = 0;
    for (uint32_t x = 0; x < h->edge_count; x++)
        if (h->edge_type[x] == (uint8_t)a->et.internal && !seen[h->edge_name[x]]) {
            seen[h->edge_name[x]] = 1;
            candidates++;
        }
    v8a__strmap parts;
    v8a__strmap_init(&parts);
    int rc = 0;
    for (uint32_t sid = 0; sid < h->string_count && candidates; sid++) {
        if (!seen[sid]) continue;
        size_t len;
        const char *str = v8a_heap_string(h, sid, &len);
        uint64_t table;
        size_t at;
        if (len < 60 || !parse_ephemeron(str, len, &table, &at)) continue;
        if (!e->is) {
            e->is = v8a__calloc(h->string_count, 1);
            e->table_id = v8a__calloc(h->string_count, 8);
            e->part = v8a__calloc(h->string_count, 4);
            if (!e->is || !e->table_id || !e->part) {
                rc = v8a__error_nomem("analysis");
                break;
            }
        }
        int64_t p = v8a__strmap_put(&parts, str + at, len - at, (uint32_t)parts.count, NULL);
        if (p < 0) {
            rc = v8a__error_nomem("analysis");
            break;
        }
        e->is[sid] = 1;
        e->table_id[sid] = table;
        e->part[sid] = (uint32_t)p;
        e->count++;
    }
    e->part_count = (uint32_t)parts.count;
    v8a__strmap_free(&parts);
    v8a__free(seen);
    return rc;
}

void v8a__ephemerons_free(v8a__ephemerons *e)
{
    v8a__free(e->is);
    v8a__free(e->table_id);
    v8a__free(e->part);
    memset(e, 0, sizeof *e);
}

static int is_document_dom_trees(const v8a_analysis *a, uint32_t i)
{
    const v8a_heap *h = a->h;
    return h->node_type[i] == (uint8_t)a->nt.synthetic &&
           strcmp(v8a_heap_string(h, h->node_name[i], NULL), "(Document DOM trees)") == 0;
}

int v8a__flags_and_essential(v8a_analysis *a)
{
    const v8a_heap *h = a->h;
    uint32_t n = h->node_count, m = h->edge_count, root = a->root;
    a->page = v8a__calloc(n, 1);
    a->essential = v8a__calloc((size_t)m / 8 + 1, 1);
    uint32_t *stack = v8a__malloc((size_t)n * 4 + 4);
    if (!a->page || !a->essential || !stack) {
        v8a__free(stack);
        return v8a__error_nomem("analysis");
    }
    /* page objects: seeds are the root's shortcut targets and (Document DOM trees) */
    size_t sp = 0;
    for (uint32_t e = h->first_edge[root]; e < h->first_edge[root + 1]; e++) {
        uint32_t t = h->edge_to[e];
        int type = h->edge_type[e];
        if (a->page[t]) continue;
        if (type == a->et.shortcut || (type == a->et.element && is_document_dom_trees(a, t))) {
            a->page[t] = 1;
            stack[sp++] = t;
        }
    }
    while (sp) {
        uint32_t u = stack[--sp];
        for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1]; e++) {
            uint32_t t = h->edge_to[e];
            if (a->page[t] || h->edge_type[e] == (uint8_t)a->et.weak) continue;
            a->page[t] = 1;
            stack[sp++] = t;
        }
    }
    v8a__free(stack);

    /* the essential-edge bitmap */
    for (uint32_t u = 0; u < n; u++)
        for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1]; e++) {
            int type = h->edge_type[e];
            uint32_t v = h->edge_to[e];
            if (type == a->et.internal && a->eph.is && a->eph.is[h->edge_name[e]] &&
                h->node_id[u] == a->eph.table_id[h->edge_name[e]])
                continue;
            if (type == a->et.weak || u == v) continue;
            if (u != root && (type == a->et.shortcut || (a->page[v] && !a->page[u]))) continue;
            a->essential[e >> 3] |= (uint8_t)(1u << (e & 7));
        }
    return 0;
}
