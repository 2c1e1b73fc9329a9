/* heap_reader.h - the streaming heap-snapshot reader (private to lib/).
 *
 * A yajl callback state machine that fills a v8a_heap. The caller feeds the
 * JSON text in one or more buffers; a token must not span two feeds (the
 * stream driver in heap.c cuts its buffers after structural characters), so
 * that the raw text of every string is at hand for exact decoding.
 */
#ifndef V8A_HEAP_READER_H
#define V8A_HEAP_READER_H

#include "heap_internal.h"

typedef struct v8a__heap_reader v8a__heap_reader;

/* Called every few MiB with the absolute offset reached; non-zero cancels. */
typedef int (*v8a__tick_fn)(void *payload, uint64_t offset);

/* Called once the node arrays are final (ids sorted, edge offsets known),
 * while the rest of the file is still being read; a negative return stops
 * the read with that error. The arrays must only be read until the read
 * ends. */
typedef int (*v8a__nodes_done_fn)(void *payload, const v8a_heap *h);

/* Creates a reader that fills h (borrowed). name is used in messages;
 * size_hint is the input's total size in bytes, 0 when unknown. */
int v8a__heap_reader_new(v8a__heap_reader **out, v8a_heap *h, const char *name,
                         const v8a_read_options *opts, uint64_t size_hint);
void v8a__heap_reader_set_tick(v8a__heap_reader *r, v8a__tick_fn fn, void *payload);
void v8a__heap_reader_on_nodes(v8a__heap_reader *r, v8a__nodes_done_fn fn, void *payload);

/* Parses buf, which follows the previous feed in the input. Returns 0, 1 when
 * the reader stopped early (header_only) or a negative error. */
int v8a__heap_reader_feed(v8a__heap_reader *r, const unsigned char *buf, size_t len);

/* Like feed, with the absolute offset of buf[0] given (the split parse feeds
 * pieces of a file, and placeholders, out of order). */
int v8a__heap_reader_feed_at(v8a__heap_reader *r, const unsigned char *buf, size_t len,
                             uint64_t base);

/* After a header_only read: the top-level key that stopped it ("nodes" in V8's
 * order) and the offset just after that key. Returns NULL if it did not stop. */
const char *v8a__heap_reader_stopped_at(const v8a__heap_reader *r, uint64_t *offset);

/* For the split parse. A section reader parses one top-level array given as a
 * document of its own ("[...]"), "nodes" or "edges", with the meta of src, a
 * reader that has read the header. The main reader is told that those
 * sections arrive as empty placeholders, and afterwards takes over what the
 * nodes reader counted. */
int v8a__heap_reader_new_section(v8a__heap_reader **out, v8a_heap *h, const char *name,
                                 const v8a_read_options *opts, const char *section,
                                 const v8a__heap_reader *src);
void v8a__heap_reader_set_external(v8a__heap_reader *r, int nodes, int edges);
int v8a__heap_reader_finish_section(v8a__heap_reader *r);
void v8a__heap_reader_adopt_nodes(v8a__heap_reader *r, const v8a__heap_reader *nodes);

/* Ends the input and checks everything the file claimed. Returns 0 or error. */
int v8a__heap_reader_finish(v8a__heap_reader *r);

void v8a__heap_reader_free(v8a__heap_reader *r);

/* v8a_heap_read() with a nodes-done hook (heap.c); fn may be NULL. */
int v8a__heap_read_hooked(v8a_heap **out, const char *path, const v8a_read_options *opts,
                          v8a__nodes_done_fn fn, void *payload);

#endif
