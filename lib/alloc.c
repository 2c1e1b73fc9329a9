/* alloc.c - allocation wrappers with failure injection for tests.
 *
 * The counters are atomics so that the import's worker threads can allocate
 * too. When injection is off the cost is two relaxed atomic increments. The
 * count of live blocks lets tests check for leaks without a sanitizer (it
 * is only exact when every block is freed with v8a__free, as inside lib/).
 */
#include "alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_uint_fast64_t n_allocs;
static atomic_uint_fast64_t fail_at; /* 0 = off */
static atomic_int fail_sticky;
static atomic_int_fast64_t n_live; /* blocks allocated and not yet freed */

uint64_t v8a__alloc_fail_at(uint64_t n, int sticky)
{
    uint64_t made = atomic_exchange(&n_allocs, 0);
    atomic_store(&fail_sticky, sticky);
    atomic_store(&fail_at, n);
    return made;
}

static int should_fail(void)
{
    uint64_t k = atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed) + 1;
    uint64_t at = atomic_load_explicit(&fail_at, memory_order_relaxed);
    if (at == 0) return 0;
    return k == at || (k > at && atomic_load(&fail_sticky));
}

int64_t v8a__alloc_live(void)
{
    return atomic_load(&n_live);
}

static void *counted(void *p)
{
    if (p) atomic_fetch_add_explicit(&n_live, 1, memory_order_relaxed);
    return p;
}

void *v8a__malloc(size_t n)
{
    if (should_fail()) return NULL;
    return counted(malloc(n ? n : 1));
}

void *v8a__calloc(size_t count, size_t size)
{
    if (should_fail()) return NULL;
    return counted(calloc(count ? count : 1, size ? size : 1));
}

void *v8a__realloc(void *p, size_t n)
{
    if (should_fail()) return NULL;
    if (!p) return counted(realloc(p, n ? n : 1));
    return realloc(p, n ? n : 1);
}

int v8a__grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) return -1;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / size) return -1;
    void *q = v8a__realloc(*p, ncap * size);
    if (!q) return -1;
    *p = q;
    *cap = ncap;
    return 0;
}

void v8a__free(void *p)
{
    if (p) atomic_fetch_sub_explicit(&n_live, 1, memory_order_relaxed);
    free(p);
}

char *v8a__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = v8a__malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}
