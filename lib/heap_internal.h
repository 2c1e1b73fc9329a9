/* heap_internal.h - the in-memory heap-snapshot model (private to lib/).
 *
 * Struct of arrays over u32 ordinals: node i's fields live at index i of each
 * node array, edge e's at index e of each edge array. Node i's outgoing edges
 * are [first_edge[i], first_edge[i+1]). Edge targets are node ordinals (the
 * file's to_node divided by the node field count). Names are string ids into
 * the string table, which holds every string as strictly valid UTF-8 with a
 * NUL after it. Optional columns (trace_node_id, detachedness, location script
 * nodes) are NULL when the file does not have them.
 */
#ifndef V8A_HEAP_INTERNAL_H
#define V8A_HEAP_INTERNAL_H

#include <v8a/heap.h>

#define V8A_NONE       UINT32_MAX /* "no ordinal" in u32 index columns */
#define V8A_MAX_FIELDS 64         /* most fields a meta record list may declare */

typedef struct v8a__strlist {
    char **items;
    size_t count, cap;
} v8a__strlist;

struct v8a_heap {
    /* where it came from */
    char *source;       /* path as given */
    uint64_t file_size; /* bytes on disk */
    int64_t mtime_ns;
    int compressed;  /* read through gzip */
    int header_only; /* only the snapshot header was read */

    /* snapshot.meta */
    v8a__strlist node_fields, edge_fields, node_types, edge_types;
    v8a__strlist location_fields, trace_function_info_fields, trace_node_fields, sample_fields;
    v8a_heap_header header;

    /* nodes. The split parse writes the nodes, the edges and the rest on
     * different threads, each group of fields on cache lines of its own (a
     * count shared with the other thread's pointers cost the edge loop
     * more than half its time) */
    _Alignas(64) uint32_t node_count;
    uint8_t *node_type;
    uint32_t *node_name;
    uint64_t *node_id;
    uint64_t *node_self_size;
    uint32_t *first_edge; /* node_count + 1 entries once finished */
    uint32_t *node_trace_node_id;
    uint8_t *node_detachedness;
    uint32_t *id_order; /* ordinals sorted by id (ids are unique) */

    /* edges */
    _Alignas(64) uint32_t edge_count;
    uint8_t *edge_type;
    uint32_t *edge_name;        /* string id, or the index for element/hidden edges */
    uint32_t *edge_to;          /* target ordinal */
    uint8_t edge_is_index[256]; /* per edge type code: name_or_index is an index */

    /* strings: string s is data[offset[s] .. offset[s+1]-1), NUL-terminated */
    _Alignas(64) uint32_t string_count;
    char *string_data;
    uint64_t *string_offset;

    /* locations */
    uint32_t location_count;
    uint32_t *loc_node, *loc_script_id, *loc_script_node, *loc_line, *loc_column;

    /* allocation tracking */
    uint32_t tfi_count;
    uint64_t *tfi_function_id;
    uint32_t *tfi_name, *tfi_script_name, *tfi_script_id, *tfi_line, *tfi_column;
    uint32_t trace_count;
    uint64_t *trace_id, *trace_count_v, *trace_size;
    uint32_t *trace_fi, *trace_parent;
    uint32_t sample_count;
    uint64_t *sample_ts, *sample_last_id;
};

void v8a__strlist_free(v8a__strlist *l);
int v8a__strlist_push(v8a__strlist *l, const char *s, size_t n);
/* Index of name in l, or -1. */
int v8a__strlist_find(const v8a__strlist *l, const char *name);

/* Allocates an empty heap; returns NULL on out-of-memory (error set). */
v8a_heap *v8a__heap_new(const char *source);

/* Computes id_order and fails with V8A_EFORMAT on a duplicate id. */
int v8a__heap_sort_ids(v8a_heap *h);

#endif
