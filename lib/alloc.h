/* alloc.h - the library's allocator (private to lib/).
 *
 * All heap memory of the library goes through these wrappers so that tests
 * can make the Nth allocation fail (v8a__alloc_fail_at) and check that every
 * path reports V8A_ENOMEM cleanly and leaks nothing. They never abort.
 */
#ifndef V8A_ALLOC_H
#define V8A_ALLOC_H

#include <stddef.h>
#include <stdint.h>

void *v8a__malloc(size_t n);
void *v8a__calloc(size_t count, size_t size);
/* Like realloc, but on failure the old block is untouched and NULL returned. */
void *v8a__realloc(void *p, size_t n);
/* Grows an array to hold at least `need` elements of `size` bytes, doubling;
 * updates *cap. Returns 0, or -1 on overflow or allocation failure (the old
 * block is then untouched). */
int v8a__grow(void **p, size_t *cap, size_t need, size_t size);
void v8a__free(void *p);
char *v8a__strdup(const char *s);

/* Test hook: the nth allocation from now (1-based) fails, and so does every
 * later one when `sticky`; 0 turns injection off. Returns the number of
 * allocations made since the last call. */
uint64_t v8a__alloc_fail_at(uint64_t n, int sticky);

/* Test hook: blocks allocated through these wrappers and not yet freed. */
int64_t v8a__alloc_live(void);

#endif
