/* input.h - opening an input file: mapped, or streamed through zlib (private).
 *
 * A regular uncompressed file is mapped whole (the reader parses it in one
 * pass and drops pages behind itself). Gzip files, detected by their magic
 * bytes, and non-regular files (pipes, "-" for stdin) are streamed through
 * zlib's gzread, which passes plain data through unchanged.
 */
#ifndef V8A_INPUT_H
#define V8A_INPUT_H

#include <stddef.h>
#include <stdint.h>

enum { V8A__IN_MAP = 1, V8A__IN_STREAM = 2 };

typedef struct v8a__input {
    const char *name; /* borrowed, for messages */
    int fd;
    int kind;
    int regular;
    int compressed; /* gzip magic seen */
    uint64_t file_size;
    int64_t mtime_ns;
    const unsigned char *map;
    size_t map_len;
    void *gz; /* gzFile */
} v8a__input;

/* Opens path ("-" is standard input). With allow_map, a regular file that is
 * not gzip is mapped. Returns 0 or V8A_EIO / V8A_ENOTFOUND with the error set. */
int v8a__input_open(v8a__input *in, const char *path, int allow_map);

/* Reads up to cap bytes of (decompressed) data from a stream input. *got is 0
 * at the end. Returns 0 or V8A_EIO / V8A_EFORMAT (corrupt gzip) with the error
 * set; `offset` is the decompressed offset so far, for the message. */
int v8a__input_read(v8a__input *in, void *buf, size_t cap, size_t *got, uint64_t offset);

/* Bytes of the file consumed so far (compressed bytes for gzip), for progress. */
uint64_t v8a__input_file_position(v8a__input *in);

/* Drops the mapped pages inside [from, to) from this process; they stay in
 * the page cache and come back on the next access. */
void v8a__input_release(v8a__input *in, uint64_t from, uint64_t to);

void v8a__input_close(v8a__input *in);

#endif
