/* json_feed.h - streaming JSON to a yajl-driven reader in whole tokens
 * (private to lib/): the heap snapshot and profile readers share it. */
#ifndef V8A_JSON_FEED_H
#define V8A_JSON_FEED_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_parse.h>

/* Reads up to cap bytes at decompressed offset `offset` into buf; *got 0 at
 * the end. 0 or a V8A_E* code with the error set. */
typedef int (*v8a__read_fn)(void *payload, void *buf, size_t cap, size_t *got, uint64_t offset);

/* Takes len bytes of JSON; 0 or a V8A_E* code. */
typedef int (*v8a__feed_fn)(void *payload, const unsigned char *buf, size_t len);

/* Reads everything rd gives, chunk bytes at a time, and feeds it cut just
 * after a structural character outside strings, so no token ever spans two
 * feeds. A token longer than max_token fails with V8A_ENOMEM ("NAME: byte
 * N: a token of more than MAX bytes exceeds the limit (LIMIT)"). Returns 0
 * or the first error. */
int v8a__json_feed(const char *name, size_t chunk, uint64_t max_token, const char *limit,
                   v8a__read_fn rd, void *rd_payload, v8a__feed_fn feed, void *feed_payload);

/* Runs one yajl call (yajl_parse, or yajl_complete_parse when complete)
 * with *slot pointing at a jump buffer for its duration: the reader's
 * allocator and callbacks longjmp there on a failure they have reported.
 * Returns -1 after such a jump (the error is set), else 0 with *st. */
int v8a__yajl_guarded(yajl_handle y, jmp_buf **slot, const unsigned char *buf, size_t len,
                      int complete, yajl_status *st);

/* Why the first bytes of an input cannot be JSON (a byte order mark, UTF-16,
 * and with gzip_too a gzip stream), or NULL. */
const char *v8a__json_not_json(const unsigned char *buf, size_t len, int gzip_too);

#endif
