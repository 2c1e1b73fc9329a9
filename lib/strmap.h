/* strmap.h - a hash map from byte strings to u32 (private to lib/).
 *
 * Open addressing with linear probing, FNV-1a hashes, growth at 50% load.
 * Keys are copied into an arena the map owns, so callers may pass
 * temporary buffers. Used to intern class names, keys and property names.
 */
#ifndef V8A_STRMAP_H
#define V8A_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct v8a__strmap {
    uint32_t *slots; /* entry index + 1, 0 = empty */
    size_t nslots;
    uint64_t *off; /* per entry: key offset in arena */
    uint32_t *len; /* per entry: key length */
    uint32_t *val; /* per entry */
    size_t count, cap;
    char *arena;
    size_t arena_len, arena_cap;
} v8a__strmap;

void v8a__strmap_init(v8a__strmap *m);
void v8a__strmap_free(v8a__strmap *m);

/* Looks key up; returns 1 and sets *val when found, 0 when not. */
int v8a__strmap_get(const v8a__strmap *m, const char *key, size_t len, uint32_t *val);

/* Inserts key -> val unless present. Returns the entry index (stable), or -1
 * on out-of-memory. *found (may be NULL) says whether it was there. */
int64_t v8a__strmap_put(v8a__strmap *m, const char *key, size_t len, uint32_t val, int *found);

/* The key of entry i (NUL-terminated in the arena). */
const char *v8a__strmap_key(const v8a__strmap *m, size_t i, size_t *len);

#endif
