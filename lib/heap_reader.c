/* heap_reader.c - yajl callbacks that turn a .heapsnapshot into a v8a_heap.
 *
 * The reader is a small pushdown machine: `ctx` says what kind of container
 * the parser is in (the root object, "snapshot", "meta", a numeric section,
 * the nested trace tree, the string table, or a value being skipped), and
 * `pending` says which key the next value belongs to. Numeric sections are
 * read record by record, each value's meaning looked up in a role table built
 * from snapshot.meta, so field order and extra fields follow the file.
 *
 * Checks happen as early as the information allows: a value is checked when
 * it is read (type codes, alignment, range, integer syntax) and reported with
 * its byte offset; what needs the whole file (string indexes, counts that the
 * header claimed, edge totals, duplicate ids) is checked in finish and
 * reported with the node or edge ordinal.
 *
 * yajl cannot report a failed allocation, so its allocator is ours: beyond
 * the string limit or on out-of-memory it longjmps back to the feed call,
 * after which the yajl handle is only freed, never used again.
 */
#include "heap_reader.h"

#include "alloc.h"
#include "error.h"
#include "json_feed.h"
#include "utf8.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/* containers */
enum {
    C_BEGIN,
    C_ROOT,
    C_SNAPSHOT,
    C_META,
    C_META_LIST,
    C_META_TYPES,
    C_META_TYPES_ENUM,
    C_NUMS,
    C_TRACE,
    C_STRINGS,
    C_SKIP,
    C_END
};

/* keys; the top-level ones double as section ids and bits in `seen_root` */
enum {
    K_NONE,
    K_SKIP,
    K_SNAPSHOT,
    K_NODES,
    K_EDGES,
    K_TFI,
    K_TRACE_TREE,
    K_SAMPLES,
    K_LOCATIONS,
    K_STRINGS,
    /* inside "snapshot" */
    K_META,
    K_NODE_COUNT,
    K_EDGE_COUNT,
    K_TRACE_FUNCTION_COUNT,
    K_EXTRA_NATIVE_BYTES,
    /* inside "meta" */
    K_NODE_FIELDS,
    K_NODE_TYPES,
    K_EDGE_FIELDS,
    K_EDGE_TYPES,
    K_TFI_FIELDS,
    K_TRACE_NODE_FIELDS,
    K_SAMPLE_FIELDS,
    K_LOCATION_FIELDS,
    K_COUNT
};

static const char *const key_names[K_COUNT] = {
    [K_SNAPSHOT] = "snapshot",
    [K_NODES] = "nodes",
    [K_EDGES] = "edges",
    [K_TFI] = "trace_function_infos",
    [K_TRACE_TREE] = "trace_tree",
    [K_SAMPLES] = "samples",
    [K_LOCATIONS] = "locations",
    [K_STRINGS] = "strings",
    [K_META] = "meta",
    [K_NODE_COUNT] = "node_count",
    [K_EDGE_COUNT] = "edge_count",
    [K_TRACE_FUNCTION_COUNT] = "trace_function_count",
    [K_EXTRA_NATIVE_BYTES] = "extra_native_bytes",
    [K_NODE_FIELDS] = "node_fields",
    [K_NODE_TYPES] = "node_types",
    [K_EDGE_FIELDS] = "edge_fields",
    [K_EDGE_TYPES] = "edge_types",
    [K_TFI_FIELDS] = "trace_function_info_fields",
    [K_TRACE_NODE_FIELDS] = "trace_node_fields",
    [K_SAMPLE_FIELDS] = "sample_fields",
    [K_LOCATION_FIELDS] = "location_fields",
};

/* field roles, per section */
enum { R_IGNORE = 0 };
enum { NR_TYPE = 1, NR_NAME, NR_ID, NR_SELF, NR_EDGES, NR_TRACE, NR_DET };
enum { ER_TYPE = 1, ER_NAME, ER_TO };
enum { LR_OBJ = 1, LR_SCRIPT, LR_SCRIPT_OBJ, LR_LINE, LR_COL };
enum { FR_FID = 1, FR_NAME, FR_SNAME, FR_SID, FR_LINE, FR_COL };
enum { TR_ID = 1, TR_FI, TR_COUNT, TR_SIZE, TR_CHILDREN };
enum { SR_TS = 1, SR_LAST };

#define STACK_MAX       16
#define TICK_EVERY      (1u << 20) /* values between progress ticks */
#define STREAM_PREALLOC (1u << 16) /* nodes preallocated for a stream of unknown size */

/* A list of enum names found in node_types/edge_types, with its position. */
typedef struct {
    size_t pos;
    v8a__strlist names;
} type_enum;

struct v8a__heap_reader {
    v8a_heap *h;
    yajl_handle y;
    const char *name;
    v8a_read_options opts;
    uint64_t size_hint;
    v8a__tick_fn tick;
    void *tick_payload;
    jmp_buf *jb;
    union yblock *yblocks; /* yajl's live allocations */
    int failed, stopped, dead;
    int stop_key;
    uint64_t stop_at;
    unsigned external; /* bits K_NODES/K_EDGES: placeholders, parsed elsewhere */
    int nodes_final;   /* finish_nodes ran */
    v8a__nodes_done_fn opts_nodes_done;
    void *nodes_done_payload;

    /* current feed */
    const unsigned char *feed;
    size_t feed_len;
    uint64_t feed_base;

    /* pushdown state */
    int stack[STACK_MAX];
    int sp;
    int ctx;
    int pending;
    uint64_t skip_depth;
    unsigned seen_root, seen_snapshot;
    uint32_t seen_meta;
    int have_header;    /* "snapshot" complete */
    v8a__strlist *list; /* C_META_LIST target */
    const char *list_name;
    int types_key;    /* K_NODE_TYPES or K_EDGE_TYPES */
    size_t types_pos; /* position inside node_types/edge_types */
    type_enum node_enums[4], edge_enums[4];
    size_t n_node_enums, n_edge_enums;
    int have_node_count, have_edge_count;
    uint64_t at_node_count, at_edge_count; /* offsets of the header's claims */
    uint64_t at_list[K_COUNT];             /* offsets of meta lists */

    /* numeric sections */
    int section;
    unsigned k, pos;
    uint8_t role[V8A_MAX_FIELDS];
    uint8_t nrole[V8A_MAX_FIELDS], erole[V8A_MAX_FIELDS];
    unsigned nk, ek;
    unsigned n_node_types, n_edge_types;
    size_t node_cap, edge_cap, loc_cap, tfi_cap, trace_cap, sample_cap;
    uint64_t edge_sum;
    int edges_checked;  /* targets were range-checked while reading */
    uint32_t countdown; /* values until the next tick */
    int (*value)(v8a__heap_reader *r, uint64_t v, size_t len); /* current section's */

    /* trace tree */
    uint32_t *tstack;
    size_t tsp, tstack_cap;
    uint32_t tparent;

    /* strings */
    size_t sdata_len, sdata_cap, soff_cap;
};

/* ---- errors ---- */

static uint64_t pos_now(v8a__heap_reader *r)
{
    return r->feed_base + (r->y && !r->dead ? yajl_get_bytes_consumed(r->y) : 0);
}

static int fail_at(v8a__heap_reader *r, int code, uint64_t off, const char *fmt, ...)
    V8A_PRINTF(4, 5);
static int fail_at(v8a__heap_reader *r, int code, uint64_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v8a__error_set(code, "%s: byte %" PRIu64 ": %s", r->name, off, msg);
    r->failed = 1;
    return 0; /* cancels the parse */
}

/* Fails at the current token's end. */
#define FAIL(r, ...) fail_at((r), V8A_EFORMAT, pos_now(r), __VA_ARGS__)

static int fail_nomem(v8a__heap_reader *r, const char *what)
{
    v8a__error_set(V8A_ENOMEM, "%s: byte %" PRIu64 ": out of memory (%s)", r->name, pos_now(r),
                   what);
    r->failed = 1;
    return 0;
}

static const char *section_name(int s)
{
    return (s > K_NONE && s < K_COUNT && key_names[s]) ? key_names[s] : "?";
}

static int fail_number(v8a__heap_reader *r, const char *s, size_t len, int why)
{
    char q[64];
    v8a__error_quote(q, sizeof q, s, len, 40);
    uint64_t off = pos_now(r) - len;
    if (why == -2)
        return fail_at(r, V8A_EFORMAT, off, "integer %s out of range in \"%s\"", q,
                       section_name(r->section));
    return fail_at(r, V8A_EFORMAT, off, "expected a non-negative integer in \"%s\", found %s",
                   section_name(r->section), q);
}

/* ---- yajl allocator: capped, longjmps instead of returning NULL ----
 *
 * yajl cannot recover from a NULL allocation, so a failed one longjmps out of
 * the yajl call (guarded()) and the reader is dead. A block yajl had just
 * allocated and not yet stored in its handle would then leak, so every block
 * carries a header linking it into the reader's list of yajl's live blocks,
 * and a dead reader frees that list instead of calling yajl_free(). */

typedef union yblock {
    struct {
        union yblock *prev, *next;
    } l;
    max_align_t align; /* keeps the payload aligned as malloc's is */
} yblock;

static void ylink(v8a__heap_reader *r, yblock *b)
{
    b->l.prev = NULL;
    b->l.next = r->yblocks;
    if (r->yblocks) r->yblocks->l.prev = b;
    r->yblocks = b;
}

static void yunlink(v8a__heap_reader *r, yblock *b)
{
    if (b->l.prev)
        b->l.prev->l.next = b->l.next;
    else
        r->yblocks = b->l.next;
    if (b->l.next) b->l.next->l.prev = b->l.prev;
}

/* Frees every block yajl still holds (after a longjmp out of yajl). */
static void yfree_all(v8a__heap_reader *r)
{
    while (r->yblocks) {
        yblock *b = r->yblocks;
        r->yblocks = b->l.next;
        v8a__free(b);
    }
}

static void yfail(v8a__heap_reader *r, size_t n)
{
    if (n > r->opts.max_string * 2 + (1u << 16))
        fail_at(r, V8A_ENOMEM, pos_now(r),
                "a string token of more than %" PRIu64 " bytes exceeds the limit (max_string)",
                r->opts.max_string);
    else
        fail_nomem(r, "parser buffer");
    r->dead = 1;
    longjmp(*r->jb, 1);
}

static int ytoo_big(const v8a__heap_reader *r, size_t n)
{
    return n > r->opts.max_string * 2 + (1u << 16) || n > SIZE_MAX - sizeof(yblock);
}

static void *y_malloc(void *ctx, size_t n)
{
    v8a__heap_reader *r = ctx;
    yblock *b = ytoo_big(r, n) ? NULL : v8a__malloc(sizeof(yblock) + n);
    /* outside a guarded call (yajl_get_error renders its message) there is
     * nowhere to jump to: yajl checks that one for NULL */
    if (!b && !r->jb) return NULL;
    if (!b) yfail(r, n);
    ylink(r, b);
    return b + 1;
}

static void *y_realloc(void *ctx, void *old, size_t n)
{
    v8a__heap_reader *r = ctx;
    if (!old) return y_malloc(ctx, n);
    yblock *b = (yblock *)old - 1;
    yunlink(r, b);
    yblock *q = ytoo_big(r, n) ? NULL : v8a__realloc(b, sizeof(yblock) + n);
    if (!q) {
        ylink(r, b); /* untouched: yajl still holds it */
        if (!r->jb) return NULL;
        yfail(r, n);
    }
    ylink(r, q);
    return q + 1;
}

static void y_free(void *ctx, void *p)
{
    if (!p) return;
    yblock *b = (yblock *)p - 1;
    yunlink(ctx, b);
    v8a__free(b);
}

/* ---- helpers ---- */

/* Parses a plain non-negative JSON integer. 0, -1 (not one), -2 (too big). */
static inline int parse_u64(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0) return -1;
    if (len < 20) {
        for (size_t i = 0; i < len; i++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0';
            if (d > 9) return -1;
            v = v * 10 + d;
        }
        *out = v;
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9) return -1;
        if (v > (UINT64_MAX - d) / 10) {
            for (size_t j = i + 1; j < len; j++)
                if ((unsigned)(unsigned char)s[j] - '0' > 9) return -1;
            return -2;
        }
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static void push(v8a__heap_reader *r, int c)
{
    r->stack[r->sp++] = r->ctx;
    r->ctx = c;
}

static void pop(v8a__heap_reader *r)
{
    r->ctx = r->stack[--r->sp];
}

static int take_pending(v8a__heap_reader *r)
{
    int k = r->pending;
    r->pending = K_NONE;
    return k;
}

typedef struct {
    void *pp; /* address of the column pointer */
    size_t size;
} col;

/* Grows every column to hold newcap elements. */
static int grow_cols(v8a__heap_reader *r, const col *cols, size_t ncols, size_t *cap, size_t need,
                     const char *what)
{
    if (need <= *cap) return 1;
    size_t ncap = *cap ? *cap * 2 : need; /* the first size is the header's claim */
    if (ncap < need) ncap = need;
    for (size_t i = 0; i < ncols; i++) {
        void **p = cols[i].pp;
        if (ncap > SIZE_MAX / cols[i].size) return fail_nomem(r, what);
        void *q = v8a__realloc(*p, ncap * cols[i].size);
        if (!q) return fail_nomem(r, what);
        *p = q;
    }
    *cap = ncap;
    return 1;
}

static int grow_nodes(v8a__heap_reader *r, size_t need)
{
    v8a_heap *h = r->h;
    col cols[7];
    size_t n = 0;
    cols[n++] = (col){&h->node_type, 1};
    cols[n++] = (col){&h->node_name, 4};
    cols[n++] = (col){&h->node_id, 8};
    cols[n++] = (col){&h->node_self_size, 8};
    cols[n++] = (col){&h->first_edge, 4};
    if (h->node_trace_node_id) cols[n++] = (col){&h->node_trace_node_id, 4};
    if (h->node_detachedness) cols[n++] = (col){&h->node_detachedness, 1};
    /* first_edge needs node_count + 1 slots in the end */
    return grow_cols(r, cols, n, &r->node_cap, need + 1, "nodes");
}

static int grow_edges(v8a__heap_reader *r, size_t need)
{
    v8a_heap *h = r->h;
    col cols[3] = {{&h->edge_type, 1}, {&h->edge_name, 4}, {&h->edge_to, 4}};
    return grow_cols(r, cols, 3, &r->edge_cap, need, "edges");
}

/* ---- meta ---- */

static int role_table(v8a__heap_reader *r, const v8a__strlist *fields, const char *section,
                      const char *const *names, const int *roles, size_t nroles, size_t nrequired,
                      uint8_t *out, unsigned *k)
{
    /* report at the list itself when we saw where it was */
    int key = K_NODE_FIELDS;
    for (int i = K_NODE_FIELDS; i <= K_LOCATION_FIELDS; i++)
        if (strcmp(key_names[i], section) == 0) key = i;
    uint64_t at = r->at_list[key] ? r->at_list[key] : pos_now(r);
    if (fields->count == 0 || fields->count > V8A_MAX_FIELDS)
        return fail_at(r, V8A_EFORMAT, at, "snapshot.meta.%s has %zu fields (expected 1 to %d)",
                       section, fields->count, V8A_MAX_FIELDS);
    memset(out, R_IGNORE, V8A_MAX_FIELDS);
    for (size_t j = 0; j < nroles; j++) {
        int where = v8a__strlist_find(fields, names[j]);
        if (where < 0 && j < nrequired)
            return fail_at(r, V8A_EFORMAT, at, "snapshot.meta.%s lacks required field \"%s\"",
                           section, names[j]);
        if (where >= 0) out[where] = (uint8_t)roles[j];
    }
    *k = (unsigned)fields->count;
    return 1;
}

static const v8a__strlist *find_enum(const type_enum *e, size_t n, int at)
{
    for (size_t i = 0; i < n; i++)
        if ((int)e[i].pos == at) return &e[i].names;
    return NULL;
}

static int copy_list(v8a__heap_reader *r, v8a__strlist *dst, const v8a__strlist *src)
{
    for (size_t i = 0; i < src->count; i++)
        if (v8a__strlist_push(dst, src->items[i], strlen(src->items[i])) < 0)
            return fail_nomem(r, "meta");
    return 1;
}

/* The "snapshot" object ended: check meta and the header, build role tables. */
static int finish_header(v8a__heap_reader *r)
{
    v8a_heap *h = r->h;
    static const char *const nnames[] = {"type",       "name",          "id",          "self_size",
                                         "edge_count", "trace_node_id", "detachedness"};
    static const int nroles[] = {NR_TYPE, NR_NAME, NR_ID, NR_SELF, NR_EDGES, NR_TRACE, NR_DET};
    static const char *const enames[] = {"type", "name_or_index", "to_node"};
    static const int eroles[] = {ER_TYPE, ER_NAME, ER_TO};

    if (!(r->seen_snapshot & (1u << K_META))) return FAIL(r, "snapshot.meta is missing");
    if (!r->have_node_count) return FAIL(r, "snapshot.node_count is missing");
    if (!r->have_edge_count) return FAIL(r, "snapshot.edge_count is missing");
    if (h->node_fields.count == 0) return FAIL(r, "snapshot.meta.node_fields is missing");
    if (h->edge_fields.count == 0) return FAIL(r, "snapshot.meta.edge_fields is missing");
    if (!role_table(r, &h->node_fields, "node_fields", nnames, nroles, 7, 5, r->nrole, &r->nk))
        return 0;
    if (!role_table(r, &h->edge_fields, "edge_fields", enames, eroles, 3, 3, r->erole, &r->ek))
        return 0;

    const v8a__strlist *nt =
        find_enum(r->node_enums, r->n_node_enums, v8a__strlist_find(&h->node_fields, "type"));
    const v8a__strlist *et =
        find_enum(r->edge_enums, r->n_edge_enums, v8a__strlist_find(&h->edge_fields, "type"));
    if (!nt || nt->count == 0)
        return FAIL(r, "snapshot.meta.node_types lacks the list of node type names");
    if (!et || et->count == 0)
        return FAIL(r, "snapshot.meta.edge_types lacks the list of edge type names");
    if (nt->count > 256 || et->count > 256)
        return fail_at(r, V8A_EUNSUPPORTED, pos_now(r), "more than 256 node or edge types");
    if (!copy_list(r, &h->node_types, nt) || !copy_list(r, &h->edge_types, et)) return 0;
    r->n_node_types = (unsigned)nt->count;
    r->n_edge_types = (unsigned)et->count;
    for (size_t i = 0; i < et->count; i++)
        h->edge_is_index[i] =
            strcmp(et->items[i], "element") == 0 || strcmp(et->items[i], "hidden") == 0;

    if (h->header.node_count > UINT32_MAX - 1)
        return fail_at(r, V8A_EFORMAT, r->at_node_count,
                       "snapshot.node_count %" PRIu64 " is more than v8a supports (%u)",
                       h->header.node_count, UINT32_MAX - 1);
    if (h->header.edge_count > UINT32_MAX - 1)
        return fail_at(r, V8A_EFORMAT, r->at_edge_count,
                       "snapshot.edge_count %" PRIu64 " is more than v8a supports (%u)",
                       h->header.edge_count, UINT32_MAX - 1);
    /* a claim larger than the file can hold is a lie, found before allocating:
     * every value takes at least two bytes ("0,") */
    if (r->size_hint) {
        uint64_t most_nodes = r->size_hint / 2 / r->nk;
        uint64_t most_edges = r->size_hint / 2 / r->ek;
        if (h->header.node_count > most_nodes)
            return fail_at(r, V8A_EFORMAT, r->at_node_count,
                           "snapshot.node_count %" PRIu64 " is more than a file of %" PRIu64
                           " bytes can hold (file truncated?)",
                           h->header.node_count, r->size_hint);
        if (h->header.edge_count > most_edges)
            return fail_at(r, V8A_EFORMAT, r->at_edge_count,
                           "snapshot.edge_count %" PRIu64 " is more than a file of %" PRIu64
                           " bytes can hold (file truncated?)",
                           h->header.edge_count, r->size_hint);
    }
    r->have_header = 1;
    return 1;
}

/* ---- sections ---- */

static int node_value(v8a__heap_reader *r, uint64_t v, size_t len);
static int edge_value(v8a__heap_reader *r, uint64_t v, size_t len);
static int location_value(v8a__heap_reader *r, uint64_t v, size_t len);
static int tfi_value(v8a__heap_reader *r, uint64_t v, size_t len);
static int sample_value(v8a__heap_reader *r, uint64_t v, size_t len);

static int placeholder_value(v8a__heap_reader *r, uint64_t v, size_t len)
{
    (void)v;
    (void)len;
    return FAIL(r, "internal error: a placeholder section holds values");
}

static int begin_section(v8a__heap_reader *r, int key)
{
    v8a_heap *h = r->h;
    if (!r->have_header)
        return fail_at(r, V8A_EUNSUPPORTED, pos_now(r),
                       "\"%s\" comes before the \"snapshot\" header, which v8a needs first",
                       key_names[key]);
    r->section = key;
    r->pos = 0;
    if (r->external & (1u << key)) {
        r->value = placeholder_value;
        return 1;
    }
    r->value = key == K_NODES       ? node_value
               : key == K_EDGES     ? edge_value
               : key == K_LOCATIONS ? location_value
               : key == K_TFI       ? tfi_value
                                    : sample_value;
    switch (key) {
    case K_NODES: {
        memcpy(r->role, r->nrole, sizeof r->role);
        r->k = r->nk;
        if (v8a__strlist_find(&h->node_fields, "trace_node_id") >= 0) {
            h->node_trace_node_id = v8a__malloc(4);
            if (!h->node_trace_node_id) return fail_nomem(r, "nodes");
        }
        if (v8a__strlist_find(&h->node_fields, "detachedness") >= 0) {
            h->node_detachedness = v8a__malloc(1);
            if (!h->node_detachedness) return fail_nomem(r, "nodes");
        }
        /* a stream of unknown size (pipe, gzip) may lie about its counts:
         * start small and double as nodes arrive */
        size_t want = h->header.node_count;
        if (!r->size_hint && want > STREAM_PREALLOC) want = STREAM_PREALLOC;
        return grow_nodes(r, want ? want : 1);
    }
    case K_EDGES: {
        memcpy(r->role, r->erole, sizeof r->role);
        r->k = r->ek;
        size_t want = h->header.edge_count;
        if (!r->size_hint && want > 4 * STREAM_PREALLOC) want = 4 * STREAM_PREALLOC;
        return grow_edges(r, want ? want : 1);
    }
    case K_LOCATIONS: {
        static const char *const n[] = {"object_index", "script_id", "line", "column",
                                        "script_object_index"};
        static const int ro[] = {LR_OBJ, LR_SCRIPT, LR_LINE, LR_COL, LR_SCRIPT_OBJ};
        if (h->location_fields.count == 0) {
            /* V8 before 2017 wrote no location_fields; they are the 4-field layout */
            static const char *const def[] = {"object_index", "script_id", "line", "column"};
            for (int i = 0; i < 4; i++)
                if (v8a__strlist_push(&h->location_fields, def[i], strlen(def[i])) < 0)
                    return fail_nomem(r, "meta");
        }
        return role_table(r, &h->location_fields, "location_fields", n, ro, 5, 4, r->role, &r->k);
    }
    case K_TFI: {
        static const char *const n[] = {"function_id", "name", "script_name",
                                        "script_id",   "line", "column"};
        static const int ro[] = {FR_FID, FR_NAME, FR_SNAME, FR_SID, FR_LINE, FR_COL};
        if (h->trace_function_info_fields.count == 0) {
            r->k = 0; /* accepted only if the array is empty */
            return 1;
        }
        return role_table(r, &h->trace_function_info_fields, "trace_function_info_fields", n, ro, 6,
                          6, r->role, &r->k);
    }
    case K_SAMPLES: {
        static const char *const n[] = {"timestamp_us", "last_assigned_id"};
        static const int ro[] = {SR_TS, SR_LAST};
        if (h->sample_fields.count == 0) {
            r->k = 0;
            return 1;
        }
        return role_table(r, &h->sample_fields, "sample_fields", n, ro, 2, 2, r->role, &r->k);
    }
    case K_TRACE_TREE: {
        static const char *const n[] = {"id", "function_info_index", "count", "size", "children"};
        static const int ro[] = {TR_ID, TR_FI, TR_COUNT, TR_SIZE, TR_CHILDREN};
        r->tsp = 0;
        r->tparent = V8A_NONE;
        if (h->trace_node_fields.count == 0) {
            r->k = 0;
            return 1;
        }
        return role_table(r, &h->trace_node_fields, "trace_node_fields", n, ro, 5, 5, r->role,
                          &r->k);
    }
    default: return 1;
    }
}

static int too_many(v8a__heap_reader *r, const char *what)
{
    return FAIL(r, "more %s than v8a supports (%u)", what, UINT32_MAX - 1);
}

/* The nodes section ended: the node arrays become final (edge counts turn
 * into offsets, an all-zero trace_node_id column is dropped, ids are sorted
 * and checked for duplicates), and whoever waits for them is told. */
static int finish_nodes(v8a__heap_reader *r)
{
    v8a_heap *h = r->h;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < h->node_count; i++) {
        uint32_t c = h->first_edge[i];
        h->first_edge[i] = (uint32_t)acc;
        acc += c;
        if (acc > UINT32_MAX - 1) return too_many(r, "edges");
    }
    h->first_edge[h->node_count] = (uint32_t)acc;
    /* node v20 writes trace_node_id as zeros when tracking was off: drop it */
    if (h->node_trace_node_id) {
        uint32_t any = 0;
        for (uint32_t i = 0; i < h->node_count && !any; i++) any = h->node_trace_node_id[i];
        if (!any) {
            v8a__free(h->node_trace_node_id);
            h->node_trace_node_id = NULL;
        }
    }
    if (v8a__heap_sort_ids(h) < 0) {
        r->failed = 1;
        return 0;
    }
    r->nodes_final = 1;
    if (r->opts_nodes_done && r->opts_nodes_done(r->nodes_done_payload, h) < 0) {
        r->failed = 1;
        return 0;
    }
    return 1;
}

static int end_section(v8a__heap_reader *r)
{
    if (r->pos != 0) {
        uint64_t n = 0;
        switch (r->section) {
        case K_NODES: n = r->h->node_count; break;
        case K_EDGES: n = r->h->edge_count; break;
        case K_LOCATIONS: n = r->h->location_count; break;
        case K_TFI: n = r->h->tfi_count; break;
        case K_SAMPLES: n = r->h->sample_count; break;
        default: break;
        }
        return FAIL(r, "\"%s\" holds %" PRIu64 " values, not a multiple of its %u fields",
                    section_name(r->section), n * r->k + r->pos, r->k);
    }
    int s = r->section;
    r->section = K_NONE;
    if (s == K_NODES && !(r->external & (1u << K_NODES))) return finish_nodes(r);
    return 1;
}

static int node_value(v8a__heap_reader *r, uint64_t v, size_t len)
{
    v8a_heap *h = r->h;
    uint32_t n = h->node_count;
    if (r->pos == 0 && n + 1 >= r->node_cap) {
        if (n >= UINT32_MAX - 2) return too_many(r, "nodes");
        if (!grow_nodes(r, (size_t)n + 1)) return 0;
    }
    switch (r->role[r->pos]) {
    case NR_TYPE:
        if (v >= r->n_node_types)
            return fail_at(r, V8A_EFORMAT, pos_now(r) - len,
                           "node %u: type %" PRIu64 " is not one of the %u node types", n, v,
                           r->n_node_types);
        h->node_type[n] = (uint8_t)v;
        break;
    case NR_NAME:
        if (v > UINT32_MAX)
            return fail_at(r, V8A_EFORMAT, pos_now(r) - len,
                           "node %u: name string index %" PRIu64 " out of range", n, v);
        h->node_name[n] = (uint32_t)v;
        break;
    case NR_ID:
        if (v > INT64_MAX)
            return fail_at(r, V8A_EFORMAT, pos_now(r) - len, "node %u: id %" PRIu64 " out of range",
                           n, v);
        h->node_id[n] = v;
        break;
    case NR_SELF: h->node_self_size[n] = v; break;
    case NR_EDGES:
        if (v > UINT32_MAX)
            return fail_at(r, V8A_EFORMAT, pos_now(r) - len,
                           "node %u: edge_count %" PRIu64 " out of range", n, v);
        h->first_edge[n] = (uint32_t)v;
        r->edge_sum += v;
        break;
    case NR_TRACE:
        if (v > UINT32_MAX)
            return fail_at(r, V8A_EFORMAT, pos_now(r) - len,
                           "node %u: trace_node_id %" PRIu64 " out of range", n, v);
        h->node_trace_node_id[n] = (uint32_t)v;
        break;
    case NR_DET:
        if (v > 255)
            return fail_at(r, V8A_EFORMAT, pos_now(r) - len,
                           "node %u: detachedness %" PRIu64 " out of range", n, v);
        h->node_detachedness[n] = (uint8_t)v;
        break;
    default: break;
    }
    if (++r->pos == r->k) {
        r->pos = 0;
        h->node_count = n + 1;
    }
    return 1;
}

static int edge_value(v8a__heap_reader *r, uint64_t v, size_t len)
{
    v8a_heap *h = r->h;
    uint32_t e = h->edge_count;
    if (r->pos == 0 && e >= r->edge_cap) {
        if (e >= UINT32_MAX - 1) return too_many(r, "edges");
        if (!grow_edges(r, (size_t)e + 1)) return 0;
    }
    switch (r->role[r->pos]) {
    case ER_TYPE:
        if (v >= r->n_edge_types)
            return fail_at(r, V8A_EFORMAT, pos_now(r) - len,
                           "edge %u: type %" PRIu64 " is not one of the %u edge types", e, v,
                           r->n_edge_types);
        h->edge_type[e] = (uint8_t)v;
        break;
    case ER_NAME:
        if (v > UINT32_MAX)
            return fail_at(r, V8A_EFORMAT, pos_now(r) - len,
                           "edge %u: name_or_index %" PRIu64 " out of range", e, v);
        h->edge_name[e] = (uint32_t)v;
        break;
    case ER_TO: {
        uint64_t ord = v / r->nk;
        if (v % r->nk != 0)
            return fail_at(r, V8A_EFORMAT, pos_now(r) - len,
                           "edge %u: to_node %" PRIu64 " is not a multiple of %u node fields", e, v,
                           r->nk);
        if (ord >= UINT32_MAX || (r->edges_checked && ord >= h->node_count))
            return fail_at(r, V8A_EFORMAT, pos_now(r) - len,
                           "edge %u: to_node %" PRIu64 " points past the last node (%u nodes)", e,
                           v, h->node_count);
        h->edge_to[e] = (uint32_t)ord;
        break;
    }
    default: break;
    }
    if (++r->pos == r->k) {
        r->pos = 0;
        h->edge_count = e + 1;
    }
    return 1;
}

static int u32_field(v8a__heap_reader *r, uint64_t v, size_t len, const char *what, uint32_t i,
                     uint32_t *dst)
{
    if (v > UINT32_MAX)
        return fail_at(r, V8A_EFORMAT, pos_now(r) - len, "%s %u: value %" PRIu64 " out of range",
                       what, i, v);
    *dst = (uint32_t)v;
    return 1;
}

static int location_value(v8a__heap_reader *r, uint64_t v, size_t len)
{
    v8a_heap *h = r->h;
    uint32_t i = h->location_count;
    if (r->pos == 0) {
        if (i >= UINT32_MAX - 1) return too_many(r, "locations");
        col cols[5] = {{&h->loc_node, 4},
                       {&h->loc_script_id, 4},
                       {&h->loc_script_node, 4},
                       {&h->loc_line, 4},
                       {&h->loc_column, 4}};
        if (!grow_cols(r, cols, 5, &r->loc_cap, (size_t)i + 1, "locations")) return 0;
        h->loc_script_node[i] = V8A_NONE;
    }
    switch (r->role[r->pos]) {
    case LR_OBJ:
    case LR_SCRIPT_OBJ:
        if (v % r->nk != 0 || v / r->nk >= UINT32_MAX)
            return fail_at(r, V8A_EFORMAT, pos_now(r) - len,
                           "location %u: node offset %" PRIu64
                           " is not a multiple of %u node fields",
                           i, v, r->nk);
        if (r->role[r->pos] == LR_OBJ)
            h->loc_node[i] = (uint32_t)(v / r->nk);
        else
            h->loc_script_node[i] = (uint32_t)(v / r->nk);
        break;
    case LR_SCRIPT:
        if (!u32_field(r, v, len, "location", i, &h->loc_script_id[i])) return 0;
        break;
    case LR_LINE:
        if (!u32_field(r, v, len, "location", i, &h->loc_line[i])) return 0;
        break;
    case LR_COL:
        if (!u32_field(r, v, len, "location", i, &h->loc_column[i])) return 0;
        break;
    default: break;
    }
    if (++r->pos == r->k) {
        r->pos = 0;
        h->location_count = i + 1;
    }
    return 1;
}

static int tfi_value(v8a__heap_reader *r, uint64_t v, size_t len)
{
    v8a_heap *h = r->h;
    uint32_t i = h->tfi_count;
    if (r->k == 0)
        return FAIL(r, "\"trace_function_infos\" is not empty but "
                       "snapshot.meta.trace_function_info_fields is missing");
    if (r->pos == 0) {
        if (i >= UINT32_MAX - 1) return too_many(r, "trace functions");
        col cols[6] = {{&h->tfi_function_id, 8}, {&h->tfi_name, 4}, {&h->tfi_script_name, 4},
                       {&h->tfi_script_id, 4},   {&h->tfi_line, 4}, {&h->tfi_column, 4}};
        if (!grow_cols(r, cols, 6, &r->tfi_cap, (size_t)i + 1, "trace functions")) return 0;
    }
    int ok = 1;
    switch (r->role[r->pos]) {
    case FR_FID: h->tfi_function_id[i] = v; break;
    case FR_NAME: ok = u32_field(r, v, len, "trace function", i, &h->tfi_name[i]); break;
    case FR_SNAME: ok = u32_field(r, v, len, "trace function", i, &h->tfi_script_name[i]); break;
    case FR_SID: ok = u32_field(r, v, len, "trace function", i, &h->tfi_script_id[i]); break;
    case FR_LINE: ok = u32_field(r, v, len, "trace function", i, &h->tfi_line[i]); break;
    case FR_COL: ok = u32_field(r, v, len, "trace function", i, &h->tfi_column[i]); break;
    default: break;
    }
    if (!ok) return 0;
    if (++r->pos == r->k) {
        r->pos = 0;
        h->tfi_count = i + 1;
    }
    return 1;
}

static int sample_value(v8a__heap_reader *r, uint64_t v, size_t len)
{
    (void)len;
    v8a_heap *h = r->h;
    uint32_t i = h->sample_count;
    if (r->k == 0)
        return FAIL(r, "\"samples\" is not empty but snapshot.meta.sample_fields is missing");
    if (r->pos == 0) {
        if (i >= UINT32_MAX - 1) return too_many(r, "samples");
        col cols[2] = {{&h->sample_ts, 8}, {&h->sample_last_id, 8}};
        if (!grow_cols(r, cols, 2, &r->sample_cap, (size_t)i + 1, "samples")) return 0;
    }
    if (r->role[r->pos] == SR_TS)
        h->sample_ts[i] = v;
    else if (r->role[r->pos] == SR_LAST)
        h->sample_last_id[i] = v;
    if (++r->pos == r->k) {
        r->pos = 0;
        h->sample_count = i + 1;
    }
    return 1;
}

/* Starts a trace node record when the first field of one arrives. */
static int trace_record(v8a__heap_reader *r)
{
    v8a_heap *h = r->h;
    uint32_t i = h->trace_count;
    if (r->k == 0)
        return FAIL(r,
                    "\"trace_tree\" is not empty but snapshot.meta.trace_node_fields is missing");
    if (r->pos != 0) return 1;
    if (i >= UINT32_MAX - 1) return too_many(r, "trace nodes");
    col cols[5] = {{&h->trace_id, 8},
                   {&h->trace_count_v, 8},
                   {&h->trace_size, 8},
                   {&h->trace_fi, 4},
                   {&h->trace_parent, 4}};
    if (!grow_cols(r, cols, 5, &r->trace_cap, (size_t)i + 1, "trace tree")) return 0;
    h->trace_id[i] = h->trace_count_v[i] = h->trace_size[i] = 0;
    h->trace_fi[i] = 0;
    h->trace_parent[i] = r->tparent;
    h->trace_count = i + 1;
    return 1;
}

static int trace_value(v8a__heap_reader *r, uint64_t v, size_t len)
{
    v8a_heap *h = r->h;
    if (!trace_record(r)) return 0;
    if (r->role[r->pos] == TR_CHILDREN)
        return FAIL(r, "trace_tree: expected the children array, found a number");
    uint32_t i = h->trace_count - 1;
    switch (r->role[r->pos]) {
    case TR_ID: h->trace_id[i] = v; break;
    case TR_FI:
        if (!u32_field(r, v, len, "trace node", i, &h->trace_fi[i])) return 0;
        break;
    case TR_COUNT: h->trace_count_v[i] = v; break;
    case TR_SIZE: h->trace_size[i] = v; break;
    default: break;
    }
    if (++r->pos == r->k) r->pos = 0;
    return 1;
}

/* ---- strings ---- */

/* Finds the raw text of the string token that just ended: returns its start
 * (after the opening quote) and sets *raw_len, or NULL if not in this feed. */
static const unsigned char *raw_string(v8a__heap_reader *r, size_t *raw_len)
{
    size_t end = yajl_get_bytes_consumed(r->y);
    if (end == 0 || end > r->feed_len || r->feed[end - 1] != '"') return NULL;
    size_t q = end - 1;
    size_t i = q;
    while (i > 0) {
        i--;
        if (r->feed[i] != '"') continue;
        size_t bs = 0;
        while (bs < i && r->feed[i - 1 - bs] == '\\') bs++;
        if (bs % 2 == 0) {
            *raw_len = q - i - 1;
            return r->feed + i + 1;
        }
    }
    return NULL;
}

/* Where the text of the string token just read stands: the bytes yajl gave
 * (no escapes, so they are the raw text), or the raw text with its escapes,
 * which v8a decodes itself. */
typedef struct {
    const unsigned char *p;
    size_t n;
    int escaped;  /* p is raw JSON text with escapes */
    int fallback; /* raw text not found: p is yajl's decoding */
} str_src;

static str_src string_source(v8a__heap_reader *r, const unsigned char *val, size_t len)
{
    str_src s = {val, len, 0, 0};
    if (val >= r->feed && val + len <= r->feed + r->feed_len) return s;
    size_t raw_len = 0;
    const unsigned char *raw = raw_string(r, &raw_len);
    if (raw) {
        s.p = raw;
        s.n = raw_len;
        s.escaped = 1;
    } else {
        s.fallback = 1; /* cannot happen with the feed discipline */
    }
    return s;
}

/* Bytes a decoded copy of s may need, with its NUL. */
static size_t decode_room(const str_src *s)
{
    return (s->fallback ? s->n * 3 : s->n) + 1;
}

/* Decodes s into dst (decode_room bytes) as valid UTF-8 with a NUL. Returns
 * the decoded length, or (size_t)-1 after failing on invalid raw UTF-8. */
static size_t decode_string(v8a__heap_reader *r, const str_src *s, char *dst, const char *where)
{
    size_t bad, out_len = 0;
    if (s->fallback) {
        /* keep yajl's decoding, with anything invalid replaced */
        size_t o = 0, i = 0;
        while (i < s->n) {
            size_t ok = v8a__utf8_valid_prefix(s->p + i, s->n - i);
            memcpy(dst + o, s->p + i, ok);
            o += ok;
            i += ok;
            if (i < s->n) {
                memcpy(dst + o, "\xef\xbf\xbd", 3);
                o += 3;
                i++;
            }
        }
        dst[o] = '\0';
        return o;
    }
    if (!s->escaped) {
        size_t ok = v8a__utf8_valid_prefix(s->p, s->n);
        if (ok != s->n) {
            bad = ok;
            goto invalid;
        }
        memcpy(dst, s->p, s->n);
        dst[s->n] = '\0';
        return s->n;
    }
    if (v8a__json_string_decode(s->p, s->n, dst, &out_len, &bad) < 0) goto invalid;
    dst[out_len] = '\0';
    return out_len;
invalid:
    fail_at(r, V8A_EFORMAT, r->feed_base + (uint64_t)(s->p - r->feed) + bad,
            "invalid UTF-8 in a string in %s", where);
    return (size_t)-1;
}

static int add_string(v8a__heap_reader *r, const unsigned char *val, size_t len)
{
    v8a_heap *h = r->h;
    if (len > r->opts.max_string)
        return FAIL(r, "a string of %zu bytes exceeds the limit of %" PRIu64 " bytes (max_string)",
                    len, r->opts.max_string);
    if (h->string_count >= UINT32_MAX - 2) return too_many(r, "strings");
    str_src src = string_source(r, val, len);
    size_t room = decode_room(&src);
    if (r->sdata_len + room > r->sdata_cap) {
        size_t cap = r->sdata_cap;
        if (v8a__grow((void **)&h->string_data, &cap, r->sdata_len + room, 1) < 0)
            return fail_nomem(r, "strings");
        r->sdata_cap = cap;
    }
    if ((size_t)h->string_count + 2 > r->soff_cap) {
        size_t cap = r->soff_cap;
        if (v8a__grow((void **)&h->string_offset, &cap, (size_t)h->string_count + 2, 8) < 0)
            return fail_nomem(r, "strings");
        r->soff_cap = cap;
    }
    size_t n = decode_string(r, &src, h->string_data + r->sdata_len, "\"strings\"");
    if (n == (size_t)-1) return 0;
    h->string_offset[h->string_count] = r->sdata_len;
    r->sdata_len += n + 1;
    h->string_count++;
    h->string_offset[h->string_count] = r->sdata_len;
    return 1;
}

/* A meta string: decoded like any other, into a list. */
static int add_meta_string(v8a__heap_reader *r, v8a__strlist *l, const unsigned char *val,
                           size_t len)
{
    char buf[4096 * 3 + 1];
    str_src src = string_source(r, val, len);
    if (decode_room(&src) > sizeof buf) return FAIL(r, "a name in snapshot.meta is too long");
    size_t n = decode_string(r, &src, buf, "snapshot.meta");
    if (n == (size_t)-1) return 0;
    if (v8a__strlist_push(l, buf, n) < 0) return fail_nomem(r, "meta");
    return 1;
}

/* ---- the yajl callbacks ---- */

static int tick(v8a__heap_reader *r)
{
    if (r->tick && r->tick(r->tick_payload, pos_now(r)) != 0) {
        v8a__error_set(V8A_ECANCELED, "%s: canceled", r->name);
        r->failed = 1;
        return 0;
    }
    return 1;
}

static int wrong_value_at(v8a__heap_reader *r, const char *found, uint64_t off)
{
    switch (r->ctx) {
    case C_BEGIN:
        return fail_at(r, V8A_EFORMAT, off, "the top-level value is %s, not a heap snapshot object",
                       found);
    case C_ROOT:
    case C_SNAPSHOT:
    case C_META: {
        int k = r->pending;
        const char *what = (k == K_SNAPSHOT || k == K_META) ? "an object"
                           : (k >= K_NODE_COUNT && k <= K_EXTRA_NATIVE_BYTES)
                               ? "a non-negative integer"
                               : "an array";
        const char *name = k > K_SKIP ? key_names[k] : "?";
        if (r->ctx == C_ROOT)
            return fail_at(r, V8A_EFORMAT, off, "\"%s\" must be %s, found %s", name, what, found);
        return fail_at(r, V8A_EFORMAT, off, "snapshot.%s%s must be %s, found %s",
                       r->ctx == C_META ? "meta." : "", name, what, found);
    }
    case C_META_LIST:
        return fail_at(r, V8A_EFORMAT, off,
                       "snapshot.meta.%s must be an array of strings, found %s", r->list_name,
                       found);
    case C_META_TYPES_ENUM:
        return fail_at(r, V8A_EFORMAT, off,
                       "snapshot.meta.%s must list type names as strings, found %s",
                       key_names[r->types_key], found);
    case C_NUMS:
    case C_TRACE:
        return fail_at(r, V8A_EFORMAT, off, "expected a non-negative integer in \"%s\", found %s",
                       section_name(r->section), found);
    case C_STRINGS:
        return fail_at(r, V8A_EFORMAT, off, "expected a string in \"strings\", found %s", found);
    default: return fail_at(r, V8A_EFORMAT, off, "unexpected %s", found);
    }
}

static int wrong_value(v8a__heap_reader *r, const char *found)
{
    return wrong_value_at(r, found, pos_now(r));
}

/* Offset of the opening quote of the string token just read. */
static uint64_t string_start(v8a__heap_reader *r, const unsigned char *val, size_t len)
{
    str_src src = string_source(r, val, len);
    if (src.fallback || src.p <= r->feed) return pos_now(r);
    return r->feed_base + (uint64_t)(src.p - r->feed) - 1;
}

/* A scalar value other than a number or string: null or a boolean. */
static int scalar(v8a__heap_reader *r, const char *found)
{
    switch (r->ctx) {
    case C_SKIP: return 1;
    case C_META_TYPES: r->types_pos++; return 1;
    case C_ROOT:
    case C_SNAPSHOT:
    case C_META:
        if (r->pending != K_SKIP) return wrong_value(r, found);
        r->pending = K_NONE;
        return 1;
    default: return wrong_value(r, found);
    }
}

static int on_null(void *ctx)
{
    return scalar(ctx, "null");
}

static int on_boolean(void *ctx, int b)
{
    return scalar(ctx, b ? "true" : "false");
}

static int header_number(v8a__heap_reader *r, const char *s, size_t len)
{
    v8a_heap *h = r->h;
    int k = r->pending;
    uint64_t v;
    if (k == K_SKIP) {
        r->pending = K_NONE;
        return 1;
    }
    if (r->ctx != C_SNAPSHOT || k < K_NODE_COUNT || k > K_EXTRA_NATIVE_BYTES)
        return wrong_value_at(r, "a number", pos_now(r) - len);
    int rc = parse_u64(s, len, &v);
    if (rc < 0) {
        char q[64];
        v8a__error_quote(q, sizeof q, s, len, 40);
        return fail_at(r, V8A_EFORMAT, pos_now(r) - len,
                       "snapshot.%s must be a non-negative integer, found %s", key_names[k], q);
    }
    r->pending = K_NONE;
    switch (k) {
    case K_NODE_COUNT:
        h->header.node_count = v;
        r->have_node_count = 1;
        r->at_node_count = pos_now(r) - len;
        break;
    case K_EDGE_COUNT:
        h->header.edge_count = v;
        r->have_edge_count = 1;
        r->at_edge_count = pos_now(r) - len;
        break;
    case K_TRACE_FUNCTION_COUNT: h->header.trace_function_count = v; break;
    case K_EXTRA_NATIVE_BYTES:
        h->header.extra_native_bytes = v;
        h->header.has_extra_native_bytes = 1;
        break;
    default: break;
    }
    return 1;
}

static int on_number(void *ctx, const char *s, size_t len)
{
    v8a__heap_reader *r = ctx;
    uint64_t v;
    if (r->ctx == C_NUMS) {
        int rc = parse_u64(s, len, &v);
        if (rc < 0) return fail_number(r, s, len, rc);
        if (--r->countdown == 0) {
            r->countdown = TICK_EVERY;
            if (!tick(r)) return 0;
        }
        return r->value(r, v, len);
    }
    switch (r->ctx) {
    case C_TRACE: {
        int rc = parse_u64(s, len, &v);
        if (rc < 0) return fail_number(r, s, len, rc);
        return trace_value(r, v, len);
    }
    case C_SKIP: return 1;
    case C_META_TYPES: r->types_pos++; return 1;
    case C_SNAPSHOT:
    case C_ROOT:
    case C_META: return header_number(r, s, len);
    default: return wrong_value_at(r, "a number", pos_now(r) - len);
    }
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    v8a__heap_reader *r = ctx;
    switch (r->ctx) {
    case C_STRINGS:
        if ((r->h->string_count & 0x3fff) == 0 && !tick(r)) return 0;
        return add_string(r, s, len);
    case C_META_LIST: return add_meta_string(r, r->list, s, len);
    case C_META_TYPES_ENUM: {
        type_enum *e = r->types_key == K_NODE_TYPES ? &r->node_enums[r->n_node_enums - 1]
                                                    : &r->edge_enums[r->n_edge_enums - 1];
        return add_meta_string(r, &e->names, s, len);
    }
    case C_META_TYPES: r->types_pos++; return 1;
    case C_SKIP: return 1;
    case C_ROOT:
    case C_SNAPSHOT:
    case C_META:
        if (r->pending == K_SKIP) {
            r->pending = K_NONE;
            return 1;
        }
        return wrong_value_at(r, "a string", string_start(r, s, len));
    default: return wrong_value_at(r, "a string", string_start(r, s, len));
    }
}

static int lookup_key(int ctx, const unsigned char *k, size_t len)
{
    int lo, hi;
    switch (ctx) {
    case C_ROOT: lo = K_SNAPSHOT, hi = K_STRINGS; break;
    case C_SNAPSHOT: lo = K_META, hi = K_EXTRA_NATIVE_BYTES; break;
    case C_META: lo = K_NODE_FIELDS, hi = K_LOCATION_FIELDS; break;
    default: return K_SKIP;
    }
    for (int i = lo; i <= hi; i++)
        if (strlen(key_names[i]) == len && memcmp(key_names[i], k, len) == 0) return i;
    return K_SKIP;
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
    v8a__heap_reader *r = ctx;
    if (r->ctx == C_SKIP) return 1;
    int k = lookup_key(r->ctx, key, len);
    if (k != K_SKIP) {
        uint32_t bit = 1u << (k % 32);
        uint32_t *seen = r->ctx == C_ROOT       ? &r->seen_root
                         : r->ctx == C_SNAPSHOT ? &r->seen_snapshot
                                                : &r->seen_meta;
        if (*seen & bit)
            return FAIL(r, "duplicate key \"%s\"%s", key_names[k],
                        r->ctx == C_ROOT       ? ""
                        : r->ctx == C_SNAPSHOT ? " in snapshot"
                                               : " in meta");
        *seen |= bit;
    }
    if (r->ctx == C_ROOT && r->opts.header_only && r->have_header) {
        r->stopped = 1;
        r->stop_key = k;
        r->stop_at = pos_now(r);
        return 0;
    }
    r->pending = k;
    return 1;
}

static int start_skip(v8a__heap_reader *r)
{
    if (r->sp >= STACK_MAX) return FAIL(r, "nesting too deep");
    push(r, C_SKIP);
    r->skip_depth = 1;
    return 1;
}

static int on_start_map(void *ctx)
{
    v8a__heap_reader *r = ctx;
    switch (r->ctx) {
    case C_BEGIN: push(r, C_ROOT); return 1;
    case C_SKIP: r->skip_depth++; return 1;
    case C_ROOT: {
        int k = take_pending(r);
        if (k == K_SKIP) return start_skip(r);
        if (k == K_SNAPSHOT) {
            push(r, C_SNAPSHOT);
            return 1;
        }
        r->pending = k;
        return wrong_value(r, "an object");
    }
    case C_SNAPSHOT: {
        int k = take_pending(r);
        if (k == K_SKIP) return start_skip(r);
        if (k == K_META) {
            push(r, C_META);
            return 1;
        }
        r->pending = k;
        return wrong_value(r, "an object");
    }
    case C_META: {
        int k = take_pending(r);
        if (k == K_SKIP) return start_skip(r);
        r->pending = k;
        return wrong_value(r, "an object");
    }
    case C_META_TYPES: r->types_pos++; return start_skip(r);
    default: return wrong_value(r, "an object");
    }
}

static int on_end_map(void *ctx)
{
    v8a__heap_reader *r = ctx;
    switch (r->ctx) {
    case C_SKIP:
        if (--r->skip_depth == 0) pop(r);
        return 1;
    case C_ROOT:
        pop(r);
        r->ctx = C_END;
        return 1;
    case C_SNAPSHOT: pop(r); return finish_header(r);
    case C_META: pop(r); return 1;
    default: return FAIL(r, "unbalanced object");
    }
}

static v8a__strlist *meta_list(v8a__heap_reader *r, int k)
{
    v8a_heap *h = r->h;
    switch (k) {
    case K_NODE_FIELDS: return &h->node_fields;
    case K_EDGE_FIELDS: return &h->edge_fields;
    case K_TFI_FIELDS: return &h->trace_function_info_fields;
    case K_TRACE_NODE_FIELDS: return &h->trace_node_fields;
    case K_SAMPLE_FIELDS: return &h->sample_fields;
    case K_LOCATION_FIELDS: return &h->location_fields;
    default: return NULL;
    }
}

static int on_start_array(void *ctx)
{
    v8a__heap_reader *r = ctx;
    switch (r->ctx) {
    case C_SKIP: r->skip_depth++; return 1;
    case C_BEGIN: return wrong_value(r, "an array");
    case C_ROOT: {
        int k = take_pending(r);
        if (k == K_SKIP) return start_skip(r);
        if (k == K_SNAPSHOT) {
            r->pending = k;
            return wrong_value(r, "an array");
        }
        if (!begin_section(r, k)) return 0;
        push(r, k == K_STRINGS ? C_STRINGS : k == K_TRACE_TREE ? C_TRACE : C_NUMS);
        if (k == K_EDGES) r->edges_checked = (r->seen_root & (1u << K_NODES)) != 0;
        return 1;
    }
    case C_SNAPSHOT: {
        int k = take_pending(r);
        if (k == K_SKIP) return start_skip(r);
        r->pending = k;
        return wrong_value(r, "an array");
    }
    case C_META: {
        int k = take_pending(r);
        if (k == K_SKIP) return start_skip(r);
        r->at_list[k] = pos_now(r) - 1;
        if (k == K_NODE_TYPES || k == K_EDGE_TYPES) {
            r->types_key = k;
            r->types_pos = 0;
            push(r, C_META_TYPES);
            return 1;
        }
        r->list = meta_list(r, k);
        r->list_name = key_names[k];
        push(r, C_META_LIST);
        return 1;
    }
    case C_META_TYPES: {
        type_enum *e = r->types_key == K_NODE_TYPES ? r->node_enums : r->edge_enums;
        size_t *n = r->types_key == K_NODE_TYPES ? &r->n_node_enums : &r->n_edge_enums;
        if (*n == 4) {
            r->types_pos++;
            return start_skip(r);
        }
        e[*n].pos = r->types_pos;
        (*n)++;
        push(r, C_META_TYPES_ENUM);
        return 1;
    }
    case C_TRACE: {
        if (!trace_record(r)) return 0;
        if (r->role[r->pos] != TR_CHILDREN)
            return FAIL(r, "trace_tree: unexpected array (expected a number)");
        if (r->tsp == r->tstack_cap &&
            v8a__grow((void **)&r->tstack, &r->tstack_cap, r->tsp + 1, 4) < 0)
            return fail_nomem(r, "trace tree");
        r->tstack[r->tsp++] = r->tparent;
        r->tparent = r->h->trace_count - 1;
        r->pos = 0;
        return 1;
    }
    default: return wrong_value(r, "an array");
    }
}

static int on_end_array(void *ctx)
{
    v8a__heap_reader *r = ctx;
    switch (r->ctx) {
    case C_SKIP:
        if (--r->skip_depth == 0) pop(r);
        return 1;
    case C_NUMS: pop(r); return end_section(r);
    case C_STRINGS:
        pop(r);
        r->section = K_NONE;
        return 1;
    case C_TRACE:
        if (r->pos != 0)
            return FAIL(r, "trace_tree: a node record ends early (%u of %u fields)", r->pos, r->k);
        if (r->tsp == 0) {
            pop(r);
            r->section = K_NONE;
            return 1;
        }
        r->tparent = r->tstack[--r->tsp];
        /* the children array was field `pos` of the parent's record */
        for (unsigned i = 0; i < r->k; i++)
            if (r->role[i] == TR_CHILDREN) r->pos = i + 1;
        if (r->pos == r->k) r->pos = 0;
        return 1;
    case C_META_LIST: pop(r); return 1;
    case C_META_TYPES_ENUM:
        pop(r);
        r->types_pos++;
        return 1;
    case C_META_TYPES: pop(r); return 1;
    default: return FAIL(r, "unbalanced array");
    }
}

static const yajl_callbacks callbacks = {
    on_null,      on_boolean, NULL,       NULL,           on_number,    on_string,
    on_start_map, on_map_key, on_end_map, on_start_array, on_end_array,
};

/* ---- public (to lib/) entry points ---- */

int v8a__heap_reader_new(v8a__heap_reader **out, v8a_heap *h, const char *name,
                         const v8a_read_options *opts, uint64_t size_hint)
{
    *out = NULL;
    v8a__heap_reader *r = v8a__calloc(1, sizeof *r);
    if (!r) return v8a__error_nomem("reader");
    r->h = h;
    r->name = name;
    r->opts = *opts;
    r->size_hint = size_hint;
    r->ctx = C_BEGIN;
    r->countdown = TICK_EVERY;
    yajl_alloc_funcs af = {y_malloc, y_realloc, y_free, r};
    jmp_buf jb;
    r->jb = &jb;
    if (setjmp(jb)) {
        yfree_all(r);
        v8a__free(r);
        return v8a__error_nomem("parser");
    }
    r->y = yajl_alloc(&callbacks, &af, r);
    r->jb = NULL;
    if (!r->y) {
        v8a__free(r);
        return v8a__error_nomem("parser");
    }
    *out = r;
    return 0;
}

void v8a__heap_reader_set_tick(v8a__heap_reader *r, v8a__tick_fn fn, void *payload)
{
    r->tick = fn;
    r->tick_payload = payload;
}

static int yajl_failure(v8a__heap_reader *r, yajl_status st)
{
    if (r->failed) return v8a_error_last() ? v8a_error_last()->code : V8A_EFORMAT;
    unsigned char *msg = yajl_get_error(r->y, 0, NULL, 0);
    char text[200] = "invalid JSON";
    if (msg) {
        const char *m = (const char *)msg;
        const char *colon = strstr(m, ": ");
        if (colon) m = colon + 2;
        snprintf(text, sizeof text, "%s", m);
        size_t n = strlen(text);
        while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '.' || text[n - 1] == ' '))
            text[--n] = '\0';
        yajl_free_error(r->y, msg);
    }
    (void)st;
    /* at the end of input yajl has been fed a one-byte pad: the fault is at
     * the end of what we fed, and whatever yajl says about the pad (a \u
     * escape with too few digits, a literal cut short), the input ended
     * inside a token */
    uint64_t off = r->feed ? pos_now(r) : r->feed_base;
    int at_end = r->feed == NULL;
    r->failed = 1;
    const char *where = r->section != K_NONE ? section_name(r->section) : NULL;
    if (at_end || strstr(text, "premature EOF"))
        return fail_at(r, V8A_EFORMAT, off, "unexpected end of input%s%s%s (file truncated?)",
                       where ? " in \"" : "", where ? where : "", where ? "\"" : ""),
               V8A_EFORMAT;
    return fail_at(r, V8A_EFORMAT, off, "invalid JSON: %s%s%s%s", text, where ? " in \"" : "",
                   where ? where : "", where ? "\"" : ""),
           V8A_EFORMAT;
}

int v8a__heap_reader_feed(v8a__heap_reader *r, const unsigned char *buf, size_t len)
{
    yajl_status st;
    if (r->dead || r->failed) return V8A_EINVAL;
    const char *why = r->feed_base == 0 ? v8a__json_not_json(buf, len, 1) : NULL;
    if (why) {
        v8a__error_set(V8A_EFORMAT, "%s: byte 0: not JSON: the input %s", r->name, why);
        r->failed = 1;
        return V8A_EFORMAT;
    }
    r->feed = buf;
    r->feed_len = len;
    if (v8a__yajl_guarded(r->y, &r->jb, buf, len, 0, &st) < 0) return v8a_error_last()->code;
    if (st == yajl_status_client_canceled && r->stopped) return 1;
    if (st != yajl_status_ok) return yajl_failure(r, st);
    r->feed_base += len;
    return 0;
}

static int fail_node(v8a__heap_reader *r, uint32_t i, const char *fmt, ...) V8A_PRINTF(3, 4);
static int fail_node(v8a__heap_reader *r, uint32_t i, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return v8a__error_set(V8A_EFORMAT, "%s: node %u (@%" PRIu64 "): %s", r->name, i,
                          r->h->node_id[i], msg);
}

static int check_graph(v8a__heap_reader *r)
{
    v8a_heap *h = r->h;
    const char *nm = r->name;
    if (h->header.node_count != h->node_count)
        return v8a__error_set(V8A_EFORMAT,
                              "%s: byte %" PRIu64 ": snapshot.node_count says %" PRIu64
                              " nodes but \"nodes\" holds %u",
                              nm, r->at_node_count, h->header.node_count, h->node_count);
    if (h->header.edge_count != h->edge_count)
        return v8a__error_set(V8A_EFORMAT,
                              "%s: byte %" PRIu64 ": snapshot.edge_count says %" PRIu64
                              " edges but \"edges\" holds %u",
                              nm, r->at_edge_count, h->header.edge_count, h->edge_count);
    if (r->edge_sum != h->edge_count)
        return v8a__error_set(V8A_EFORMAT,
                              "%s: the nodes' edge_count fields add up to %" PRIu64
                              " but \"edges\" holds %u edges",
                              nm, r->edge_sum, h->edge_count);
    if (h->node_count == 0) return v8a__error_set(V8A_EFORMAT, "%s: the snapshot has no nodes", nm);
    if (!r->nodes_final) return v8a__error_set(V8A_EFORMAT, "%s: \"nodes\" is missing", nm);
    if (!r->edges_checked)
        for (uint32_t e = 0; e < h->edge_count; e++)
            if (h->edge_to[e] >= h->node_count)
                return v8a__error_set(V8A_EFORMAT,
                                      "%s: edge %u: to_node %" PRIu64
                                      " points past the last node (%u nodes)",
                                      nm, e, (uint64_t)h->edge_to[e] * r->nk, h->node_count);
    uint32_t ns = h->string_count;
    for (uint32_t i = 0; i < h->node_count; i++)
        if (h->node_name[i] >= ns)
            return fail_node(r, i, "name string index %u out of range (%u strings)",
                             h->node_name[i], ns);
    for (uint32_t i = 0; i < h->node_count; i++)
        for (uint32_t e = h->first_edge[i]; e < h->first_edge[i + 1]; e++)
            if (!h->edge_is_index[h->edge_type[e]] && h->edge_name[e] >= ns)
                return fail_node(r, i, "edge %u: name string index %u out of range (%u strings)", e,
                                 h->edge_name[e], ns);
    for (uint32_t i = 0; i < h->location_count; i++)
        if (h->loc_node[i] >= h->node_count ||
            (h->loc_script_node[i] != V8A_NONE && h->loc_script_node[i] >= h->node_count))
            return v8a__error_set(V8A_EFORMAT, "%s: location %u: node offset out of range", nm, i);
    /* trace_function_count is not checked: V8 writes it before serialising the
     * function infos, and the tracker keeps adding functions meanwhile (node
     * v20 wrote 20 and then 23 entries). */
    for (uint32_t i = 0; i < h->tfi_count; i++)
        if (h->tfi_name[i] >= ns || h->tfi_script_name[i] >= ns)
            return v8a__error_set(V8A_EFORMAT,
                                  "%s: trace function %u: string index out of range (%u strings)",
                                  nm, i, ns);
    for (uint32_t i = 0; i < h->trace_count; i++)
        if (h->trace_fi[i] >= h->tfi_count)
            return v8a__error_set(V8A_EFORMAT,
                                  "%s: trace node %u: function_info_index %u out of range (%u)", nm,
                                  i, h->trace_fi[i], h->tfi_count);
    return 0;
}

int v8a__heap_reader_finish(v8a__heap_reader *r)
{
    yajl_status st;
    if (r->dead || r->failed) return V8A_EINVAL;
    if (r->stopped) return 0;
    r->feed = NULL;
    r->feed_len = 0;
    if (v8a__yajl_guarded(r->y, &r->jb, NULL, 0, 1, &st) < 0) return v8a_error_last()->code;
    if (st != yajl_status_ok) return yajl_failure(r, st);
    if (r->opts.header_only && r->have_header) {
        r->h->header_only = 1;
        return 0;
    }
    static const int required[] = {K_SNAPSHOT, K_NODES, K_EDGES, K_STRINGS};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!(r->seen_root & (1u << required[i])))
            return v8a__error_set(V8A_EFORMAT, "%s: byte %" PRIu64 ": missing required key \"%s\"",
                                  r->name, r->feed_base, key_names[required[i]]);
    return check_graph(r);
}

int v8a__heap_reader_feed_at(v8a__heap_reader *r, const unsigned char *buf, size_t len,
                             uint64_t base)
{
    r->feed_base = base;
    return v8a__heap_reader_feed(r, buf, len);
}

const char *v8a__heap_reader_stopped_at(const v8a__heap_reader *r, uint64_t *offset)
{
    if (!r->stopped) return NULL;
    *offset = r->stop_at;
    return r->stop_key > K_SKIP ? key_names[r->stop_key] : "";
}

int v8a__heap_reader_new_section(v8a__heap_reader **out, v8a_heap *h, const char *name,
                                 const v8a_read_options *opts, const char *section,
                                 const v8a__heap_reader *src)
{
    int rc = v8a__heap_reader_new(out, h, name, opts, src->size_hint);
    if (rc < 0) return rc;
    v8a__heap_reader *r = *out;
    memcpy(r->nrole, src->nrole, sizeof r->nrole);
    memcpy(r->erole, src->erole, sizeof r->erole);
    r->nk = src->nk;
    r->ek = src->ek;
    r->n_node_types = src->n_node_types;
    r->n_edge_types = src->n_edge_types;
    r->have_header = 1;
    r->ctx = C_ROOT;
    r->pending = strcmp(section, "nodes") == 0 ? K_NODES : K_EDGES;
    return 0;
}

void v8a__heap_reader_set_external(v8a__heap_reader *r, int nodes, int edges)
{
    r->external = (nodes ? 1u << K_NODES : 0) | (edges ? 1u << K_EDGES : 0);
}

int v8a__heap_reader_finish_section(v8a__heap_reader *r)
{
    yajl_status st;
    if (r->dead || r->failed) return V8A_EINVAL;
    r->feed = NULL;
    r->feed_len = 0;
    if (v8a__yajl_guarded(r->y, &r->jb, NULL, 0, 1, &st) < 0) return v8a_error_last()->code;
    if (st != yajl_status_ok) return yajl_failure(r, st);
    return 0;
}

void v8a__heap_reader_adopt_nodes(v8a__heap_reader *r, const v8a__heap_reader *nodes)
{
    r->edge_sum = nodes->edge_sum;
    r->edges_checked = 0;
    r->nodes_final = nodes->nodes_final;
}

void v8a__heap_reader_on_nodes(v8a__heap_reader *r, v8a__nodes_done_fn fn, void *payload)
{
    r->opts_nodes_done = fn;
    r->nodes_done_payload = payload;
}

void v8a__heap_reader_free(v8a__heap_reader *r)
{
    if (!r) return;
    if (r->y && !r->dead) yajl_free(r->y);
    yfree_all(r); /* a dead reader's yajl is in pieces: free what it held */
    for (size_t i = 0; i < r->n_node_enums; i++) v8a__strlist_free(&r->node_enums[i].names);
    for (size_t i = 0; i < r->n_edge_enums; i++) v8a__strlist_free(&r->edge_enums[i].names);
    v8a__free(r->tstack);
    v8a__free(r);
}
