/* strmap.c - string-keyed hash map with an arena for the keys. */
#include "strmap.h"

#include "alloc.h"

#include <string.h>

void v8a__strmap_init(v8a__strmap *m)
{
    memset(m, 0, sizeof *m);
}

void v8a__strmap_free(v8a__strmap *m)
{
    v8a__free(m->slots);
    v8a__free(m->off);
    v8a__free(m->len);
    v8a__free(m->val);
    v8a__free(m->arena);
    memset(m, 0, sizeof *m);
}

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static size_t find_slot(const v8a__strmap *m, const char *key, size_t len, int *hit)
{
    size_t mask = m->nslots - 1, i = (size_t)hash(key, len) & mask;
    for (;;) {
        uint32_t s = m->slots[i];
        if (!s) {
            *hit = 0;
            return i;
        }
        size_t e = s - 1;
        if (m->len[e] == len && memcmp(m->arena + m->off[e], key, len) == 0) {
            *hit = 1;
            return i;
        }
        i = (i + 1) & mask;
    }
}

int v8a__strmap_get(const v8a__strmap *m, const char *key, size_t len, uint32_t *val)
{
    int hit;
    if (!m->nslots) return 0;
    size_t i = find_slot(m, key, len, &hit);
    if (hit) *val = m->val[m->slots[i] - 1];
    return hit;
}

static int rehash(v8a__strmap *m, size_t nslots)
{
    uint32_t *slots = v8a__calloc(nslots, 4);
    if (!slots) return -1;
    v8a__free(m->slots);
    m->slots = slots;
    m->nslots = nslots;
    for (size_t e = 0; e < m->count; e++) {
        int hit;
        size_t i = find_slot(m, m->arena + m->off[e], m->len[e], &hit);
        m->slots[i] = (uint32_t)(e + 1);
    }
    return 0;
}

int64_t v8a__strmap_put(v8a__strmap *m, const char *key, size_t len, uint32_t val, int *found)
{
    int hit = 0;
    if (found) *found = 0;
    if (m->nslots && (m->count + 1) * 2 <= m->nslots) {
        size_t i = find_slot(m, key, len, &hit);
        if (hit) {
            if (found) *found = 1;
            return m->slots[i] - 1;
        }
    } else {
        if (m->nslots) {
            size_t i = find_slot(m, key, len, &hit);
            if (hit) {
                if (found) *found = 1;
                return m->slots[i] - 1;
            }
        }
        if (m->count >= UINT32_MAX - 1 || rehash(m, m->nslots ? m->nslots * 2 : 64) < 0) return -1;
    }
    /* the key may be a string of this very map (a part of an interned url,
     * say): find it again after the arena moves */
    int inside = m->arena && key >= m->arena && key < m->arena + m->arena_len;
    size_t koff = inside ? (size_t)(key - m->arena) : 0;
    if (v8a__grow((void **)&m->arena, &m->arena_cap, m->arena_len + len + 1, 1) < 0) return -1;
    if (inside) key = m->arena + koff;
    size_t cap = m->cap;
    if (v8a__grow((void **)&m->off, &cap, m->count + 1, sizeof *m->off) < 0) return -1;
    cap = m->cap;
    if (v8a__grow((void **)&m->len, &cap, m->count + 1, sizeof *m->len) < 0) return -1;
    cap = m->cap;
    if (v8a__grow((void **)&m->val, &cap, m->count + 1, sizeof *m->val) < 0) return -1;
    m->cap = cap;
    size_t e = m->count++;
    memcpy(m->arena + m->arena_len, key, len);
    m->arena[m->arena_len + len] = '\0';
    m->off[e] = m->arena_len;
    m->len[e] = (uint32_t)len;
    m->val[e] = val;
    m->arena_len += len + 1;
    int h2;
    size_t i = find_slot(m, key, len, &h2);
    m->slots[i] = (uint32_t)(e + 1);
    return (int64_t)e;
}

const char *v8a__strmap_key(const v8a__strmap *m, size_t i, size_t *len)
{
    if (len) *len = m->len[i];
    return m->arena + m->off[i];
}
