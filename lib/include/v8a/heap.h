/* v8a/heap.h - reading a V8 heap snapshot (.heapsnapshot, optionally gzipped).
 *
 * v8a_heap_read() streams the file through yajl into a compact in-memory
 * model: arrays indexed by node ordinal (0 is the synthetic root) and edge
 * ordinal. Everything is driven by snapshot.meta, and every count, index and
 * type code in the file is checked; a malformed file fails with V8A_EFORMAT
 * and a message naming the file and the byte offset, or the node or edge.
 */
#ifndef V8A_HEAP_H
#define V8A_HEAP_H

#include <v8a/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct v8a_heap v8a_heap;

/* Options of v8a_heap_read(); initialise with v8a_read_options_init(). */
typedef struct v8a_read_options {
    v8a_progress_cb progress; /* NULL: no progress reports */
    void *payload;            /* passed to progress */
    uint64_t max_string;      /* longest string token accepted, bytes (default 64 MiB) */
    int header_only;          /* stop after the "snapshot" header */
    size_t chunk_size;        /* stream reads, bytes (default 16 MiB); 0: default */
    int no_mmap;              /* read regular files as a stream too (tests) */
} v8a_read_options;

void v8a_read_options_init(v8a_read_options *opts);

/* What the "snapshot" header claims. The counts are claims: after a full
 * read they have been checked against what the file held. */
typedef struct v8a_heap_header {
    uint64_t node_count;
    uint64_t edge_count;
    uint64_t trace_function_count;
    uint64_t extra_native_bytes;
    int has_extra_native_bytes;
} v8a_heap_header;

/* Reads the snapshot at path ("-" for standard input); gzip is recognised by
 * its magic bytes. On success *out is the caller's, freed with
 * v8a_heap_free(). On failure *out is NULL and the error says where.
 * A regular file is mapped; if another process truncates it during the read,
 * the read fails with V8A_EIO. For that, the first read of a mapped file
 * installs a SIGBUS handler for the process, which hands any SIGBUS that
 * does not come from a v8a read back to the action installed before. */
int v8a_heap_read(v8a_heap **out, const char *path, const v8a_read_options *opts);

/* Like v8a_heap_read() on an in-memory buffer; name is used in messages. */
int v8a_heap_read_buffer(v8a_heap **out, const void *buf, size_t len, const char *name,
                         const v8a_read_options *opts);

void v8a_heap_free(v8a_heap *h);

/* Source and layout. Strings are borrowed from h. */
const char *v8a_heap_source(const v8a_heap *h);
uint64_t v8a_heap_file_size(const v8a_heap *h);
int64_t v8a_heap_mtime_ns(const v8a_heap *h);
int v8a_heap_is_compressed(const v8a_heap *h);
const v8a_heap_header *v8a_heap_get_header(const v8a_heap *h);
size_t v8a_heap_node_field_count(const v8a_heap *h);
const char *v8a_heap_node_field(const v8a_heap *h, size_t i);
size_t v8a_heap_edge_field_count(const v8a_heap *h);
const char *v8a_heap_edge_field(const v8a_heap *h, size_t i);
size_t v8a_heap_location_field_count(const v8a_heap *h);
const char *v8a_heap_location_field(const v8a_heap *h, size_t i);
size_t v8a_heap_node_type_count(const v8a_heap *h);
const char *v8a_heap_node_type_name(const v8a_heap *h, unsigned code); /* NULL if out of range */
size_t v8a_heap_edge_type_count(const v8a_heap *h);
const char *v8a_heap_edge_type_name(const v8a_heap *h, unsigned code);

/* Counts of what was read. */
uint32_t v8a_heap_node_count(const v8a_heap *h);
uint32_t v8a_heap_edge_count(const v8a_heap *h);
uint32_t v8a_heap_string_count(const v8a_heap *h);
uint32_t v8a_heap_location_count(const v8a_heap *h);
uint32_t v8a_heap_trace_function_count(const v8a_heap *h);
uint32_t v8a_heap_trace_node_count(const v8a_heap *h);
uint32_t v8a_heap_sample_count(const v8a_heap *h);
uint64_t v8a_heap_total_self_size(const v8a_heap *h);

/* Nodes, by ordinal (0 <= i < node_count); no range checks. */
uint64_t v8a_heap_node_id(const v8a_heap *h, uint32_t i);
unsigned v8a_heap_node_type(const v8a_heap *h, uint32_t i);
uint32_t v8a_heap_node_name(const v8a_heap *h, uint32_t i); /* string id */
uint64_t v8a_heap_node_self_size(const v8a_heap *h, uint32_t i);
uint32_t v8a_heap_node_edge_count(const v8a_heap *h, uint32_t i);
uint32_t v8a_heap_node_first_edge(const v8a_heap *h, uint32_t i);
unsigned v8a_heap_node_detachedness(const v8a_heap *h, uint32_t i);  /* 0 when absent */
uint32_t v8a_heap_node_trace_node_id(const v8a_heap *h, uint32_t i); /* 0 when absent */
/* Ordinal of the node with this id, or UINT32_MAX. O(log n). */
uint32_t v8a_heap_find_id(const v8a_heap *h, uint64_t id);

/* Edges, by ordinal (0 <= e < edge_count). */
unsigned v8a_heap_edge_type(const v8a_heap *h, uint32_t e);
uint32_t v8a_heap_edge_name_or_index(const v8a_heap *h, uint32_t e);
int v8a_heap_edge_name_is_index(const v8a_heap *h, uint32_t e); /* element, hidden */
uint32_t v8a_heap_edge_to(const v8a_heap *h, uint32_t e);       /* target ordinal */

/* String s (0 <= s < string_count): valid UTF-8, NUL-terminated; *len may be NULL. */
const char *v8a_heap_string(const v8a_heap *h, uint32_t s, size_t *len);

/* One allocation-site location (0 <= i < location_count). */
typedef struct v8a_heap_location {
    uint32_t node; /* ordinal of the object */
    uint32_t script_id;
    uint32_t script_node;  /* ordinal of the Script object, UINT32_MAX when absent */
    uint32_t line, column; /* 0-based */
} v8a_heap_location;
void v8a_heap_get_location(const v8a_heap *h, uint32_t i, v8a_heap_location *out);

/* Allocation tracking (snapshots taken with trackAllocations). */
typedef struct v8a_heap_trace_function {
    uint64_t function_id;
    uint32_t name, script_name; /* string ids */
    uint32_t script_id, line, column;
} v8a_heap_trace_function;
void v8a_heap_get_trace_function(const v8a_heap *h, uint32_t i, v8a_heap_trace_function *out);

typedef struct v8a_heap_trace_node {
    uint64_t id;
    uint32_t function_info; /* index into the trace functions */
    uint32_t parent;        /* index of the parent trace node, UINT32_MAX at the top */
    uint64_t count, size;
} v8a_heap_trace_node;
void v8a_heap_get_trace_node(const v8a_heap *h, uint32_t i, v8a_heap_trace_node *out);

void v8a_heap_get_sample(const v8a_heap *h, uint32_t i, uint64_t *timestamp_us,
                         uint64_t *last_assigned_id);

#ifdef __cplusplus
}
#endif
#endif
