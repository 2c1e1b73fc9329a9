/* heap.c - reading a heap snapshot from a file or buffer, and the model's getters.
 *
 * Two ways in. A regular uncompressed file is mapped and given to the reader
 * in one feed, so no token ever spans two yajl calls (yajl re-lexes such a
 * token on every call, quadratic on long strings) and byte offsets are
 * absolute; pages behind the parse position are dropped as it advances, so
 * the mapping does not count against peak RSS. Anything else (gzip, pipes,
 * tests that ask for small chunks) is read in chunks, and each chunk is cut
 * after the last structural character that stands outside a string; the rest
 * is carried over to the next feed. Tokens therefore never span feeds there
 * either, whatever the chunk size, and results do not depend on it.
 */
#include "alloc.h"
#include "error.h"
#include "heap_internal.h"
#include "heap_reader.h"
#include "json_feed.h"
#include "input.h"

#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#define DEFAULT_MAX_STRING (64u << 20)
#define DEFAULT_CHUNK      (16u << 20)
#define RELEASE_STEP       (4u << 20) /* mapped bytes kept behind each reader */

void v8a_read_options_init(v8a_read_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_string = DEFAULT_MAX_STRING;
    o->chunk_size = DEFAULT_CHUNK;
}

/* ---- a mapped file that shrinks under the reader ----
 *
 * When another process truncates a mapped file, touching a page beyond the
 * new end raises SIGBUS. The reads of the mapping run under bus_guarded():
 * a SIGBUS handler, installed once and kept, jumps back to the innermost
 * guard of the faulting thread (the signal is synchronous, so it arrives on
 * the thread that touched the page), and the read fails with V8A_EIO. A
 * SIGBUS outside any guard is not ours: the handler puts back the action
 * that was there before and returns, so the fault repeats under it. Nothing
 * the guarded code interrupts holds a lock: it reads the mapping, yajl's
 * buffers and our arrays, and the reader is freed after the jump. */

static _Thread_local sigjmp_buf *bus_jb;
static struct sigaction bus_old;
static pthread_once_t bus_once = PTHREAD_ONCE_INIT;

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    (void)ctx;
    if (bus_jb) siglongjmp(*bus_jb, 1);
    sigaction(sig, &bus_old, NULL);
}

static void bus_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &bus_old);
}

/* Runs fn(arg); if the mapping of `name` shrinks meanwhile, returns V8A_EIO
 * with the error set (and *changed set) instead. Guards nest. */
static int bus_guarded(int (*fn)(void *arg), void *arg, const char *name, atomic_int *changed)
{
    pthread_once(&bus_once, bus_install);
    sigjmp_buf jb, *outer = bus_jb;
    if (sigsetjmp(jb, 1)) {
        bus_jb = outer;
        atomic_store(changed, 1);
        return v8a__error_set(V8A_EIO,
                              "%s: the file shrank while it was being read (truncated by "
                              "another process?)",
                              name);
    }
    bus_jb = &jb;
    int rc = fn(arg);
    bus_jb = outer;
    return rc;
}

/* ---- strlist ---- */

void v8a__strlist_free(v8a__strlist *l)
{
    for (size_t i = 0; i < l->count; i++) v8a__free(l->items[i]);
    v8a__free(l->items);
    memset(l, 0, sizeof *l);
}

int v8a__strlist_push(v8a__strlist *l, const char *s, size_t n)
{
    if (v8a__grow((void **)&l->items, &l->cap, l->count + 1, sizeof *l->items) < 0) return -1;
    char *d = v8a__malloc(n + 1);
    if (!d) return -1;
    memcpy(d, s, n);
    d[n] = '\0';
    l->items[l->count++] = d;
    return 0;
}

int v8a__strlist_find(const v8a__strlist *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i], name) == 0) return (int)i;
    return -1;
}

/* ---- lifecycle ---- */

v8a_heap *v8a__heap_new(const char *source)
{
    v8a_heap *h = v8a__calloc(1, sizeof *h);
    if (!h || !(h->source = v8a__strdup(source))) {
        v8a__free(h);
        v8a__error_nomem("heap");
        return NULL;
    }
    return h;
}

void v8a_heap_free(v8a_heap *h)
{
    if (!h) return;
    v8a__free(h->source);
    v8a__strlist *lists[] = {&h->node_fields,       &h->edge_fields,
                             &h->node_types,        &h->edge_types,
                             &h->location_fields,   &h->trace_function_info_fields,
                             &h->trace_node_fields, &h->sample_fields};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) v8a__strlist_free(lists[i]);
    void *arrays[] = {
        h->node_type,       h->node_name,          h->node_id,           h->node_self_size,
        h->first_edge,      h->node_trace_node_id, h->node_detachedness, h->id_order,
        h->edge_type,       h->edge_name,          h->edge_to,           h->string_data,
        h->string_offset,   h->loc_node,           h->loc_script_id,     h->loc_script_node,
        h->loc_line,        h->loc_column,         h->tfi_function_id,   h->tfi_name,
        h->tfi_script_name, h->tfi_script_id,      h->tfi_line,          h->tfi_column,
        h->trace_id,        h->trace_count_v,      h->trace_size,        h->trace_fi,
        h->trace_parent,    h->sample_ts,          h->sample_last_id};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) v8a__free(arrays[i]);
    v8a__free(h);
}

/* ---- driving the reader ---- */

typedef v8a__read_fn read_fn;

/* Shared by the readers of one parse; each reader has a ticker of its own. */
typedef struct {
    const v8a_read_options *opts;
    v8a__input *in; /* NULL for buffers */
    uint64_t total; /* for progress; 0 unknown */
    atomic_uint_fast64_t done[3];
    atomic_int stop; /* set when one part failed: the others give up */
    v8a__nodes_done_fn nodes_done;
    void *nodes_done_payload;
    int nodes_told;     /* the hook has been given a heap */
    int user_canceled;  /* the progress callback asked to stop */
    atomic_int changed; /* the mapped file shrank (SIGBUS) */
    const char *name;
} driver;

/* Forwards "nodes are final" to the caller's hook, remembering that it did,
 * so that the hook can be told before that heap is freed. */
static int nodes_hook(void *payload, const v8a_heap *h)
{
    driver *d = payload;
    if (!d->nodes_done) return 0;
    d->nodes_told = 1;
    return d->nodes_done(d->nodes_done_payload, h);
}

/* The heap the hook was given is about to be freed. */
static void nodes_discard(driver *d)
{
    if (d->nodes_told) d->nodes_done(d->nodes_done_payload, NULL);
    d->nodes_told = 0;
}

typedef struct {
    driver *d;
    int part;
    int reporter; /* the thread that calls the progress callback */
    uint64_t start, released;
} ticker;

static int on_tick(void *payload, uint64_t offset)
{
    ticker *t = payload;
    driver *d = t->d;
    if (atomic_load(&d->stop)) return 1;
    if (d->in && d->in->kind == V8A__IN_MAP && offset > t->released + 2 * RELEASE_STEP) {
        v8a__input_release(d->in, t->released, offset - RELEASE_STEP);
        t->released = offset - RELEASE_STEP;
    }
    uint64_t done = offset - t->start;
    if (d->in && d->in->kind == V8A__IN_STREAM && d->in->compressed)
        done = v8a__input_file_position(d->in);
    atomic_store(&d->done[t->part], done);
    if (t->reporter && d->opts->progress) {
        uint64_t sum =
            atomic_load(&d->done[0]) + atomic_load(&d->done[1]) + atomic_load(&d->done[2]);
        if (d->opts->progress(d->opts->payload, "parse", sum, d->total) != 0) {
            d->user_canceled = 1;
            return 1;
        }
    }
    return 0;
}

static int heap_feed(void *payload, const unsigned char *buf, size_t len)
{
    return v8a__heap_reader_feed(payload, buf, len);
}

/* Feeds the whole of the input from read(), cut after structural characters. */
static int feed_stream(v8a__heap_reader *r, const v8a_read_options *opts, read_fn rd, void *payload,
                       const char *name)
{
    size_t chunk = opts->chunk_size ? opts->chunk_size : DEFAULT_CHUNK;
    return v8a__json_feed(name, chunk, opts->max_string, "max_string", rd, payload, heap_feed, r);
}

typedef struct {
    const unsigned char *p;
    size_t len, at, chunk;
} mem_src;

static int mem_read(void *payload, void *buf, size_t cap, size_t *got, uint64_t offset)
{
    mem_src *m = payload;
    (void)offset;
    size_t n = m->len - m->at;
    if (n > cap) n = cap;
    if (n > m->chunk) n = m->chunk;
    memcpy(buf, m->p + m->at, n);
    m->at += n;
    *got = n;
    return 0;
}

static int input_read(void *payload, void *buf, size_t cap, size_t *got, uint64_t offset)
{
    return v8a__input_read(payload, buf, cap, got, offset);
}

/* ---- the split parse of a whole buffer ---- */

static size_t skip_ws(const unsigned char *b, size_t len, size_t i)
{
    while (i < len && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
    return i;
}

/* From just after a key, finds `: [` and the first `]` after it. Numeric
 * sections hold no strings or arrays, so that `]` closes the section; if the
 * file is malformed there, the section reader fails and the sequential parse
 * reports the fault. */
static int find_array(const unsigned char *b, size_t len, size_t at, size_t *open, size_t *close)
{
    at = skip_ws(b, len, at);
    if (at >= len || b[at] != ':') return -1;
    at = skip_ws(b, len, at + 1);
    if (at >= len || b[at] != '[') return -1;
    const unsigned char *e = memchr(b + at, ']', len - at);
    if (!e) return -1;
    *open = at;
    *close = (size_t)(e - b);
    return 0;
}

typedef struct {
    v8a__heap_reader *r;
    const unsigned char *buf;
    size_t open, close;
    driver *d;
    int rc;
} section_job;

static int section_body(void *arg)
{
    section_job *j = arg;
    int rc = v8a__heap_reader_feed_at(j->r, j->buf + j->open, j->close - j->open + 1, j->open);
    if (rc == 0) rc = v8a__heap_reader_finish_section(j->r);
    return rc;
}

static int run_section(section_job *j)
{
    /* only a mapping can shrink under us; buffers are the caller's */
    int rc = j->d->in ? bus_guarded(section_body, j, j->d->name, &j->d->changed) : section_body(j);
    if (rc < 0) atomic_store(&j->d->stop, 1);
    return rc;
}

static void *section_thread(void *arg)
{
    section_job *j = arg;
    j->rc = run_section(j);
    return NULL;
}

/* What the split parse holds, so that it can be released whatever way the
 * guarded part ends (a SIGBUS jumps out of it). */
typedef struct {
    v8a_heap *h;
    const unsigned char *buf;
    size_t len;
    const char *name;
    const v8a_read_options *opts;
    driver *d;
    v8a__heap_reader *pre, *r0, *rn, *re;
    v8a_heap *scratch;
    section_job je, jn;
    ticker t0, tn, te;
    pthread_t th;
    int threaded;
} split_state;

/* The part of the split parse that reads the mapping on this thread: finds
 * the sections, starts the edges thread, reads nodes and the rest. Returns
 * 0, 1 (not laid out for it) or an error; the thread is joined by the
 * caller. */
static int split_body(void *arg)
{
    split_state *x = arg;
    const unsigned char *buf = x->buf;
    size_t len = x->len, n_open, n_close, e_open, e_close;
    uint64_t key_end = 0;
    int rc;

    /* 1. where does "nodes" start? read the header alone */
    v8a_read_options ho = *x->opts;
    ho.header_only = 1;
    ho.progress = NULL;
    x->scratch = v8a__heap_new(x->name);
    if (!x->scratch || v8a__heap_reader_new(&x->pre, x->scratch, x->name, &ho, len) < 0) return 1;
    if (v8a__heap_reader_feed(x->pre, buf, len) != 1) return 1;
    const char *key = v8a__heap_reader_stopped_at(x->pre, &key_end);
    if (!key || strcmp(key, "nodes") != 0) return 1;
    if (find_array(buf, len, (size_t)key_end, &n_open, &n_close) < 0) return 1;
    size_t at = skip_ws(buf, len, n_close + 1);
    if (at >= len || buf[at] != ',') return 1;
    at = skip_ws(buf, len, at + 1);
    if (len - at < 7 || memcmp(buf + at, "\"edges\"", 7) != 0) return 1;
    if (find_array(buf, len, at + 7, &e_open, &e_close) < 0) return 1;

    /* 2. the main reader reads the header, then the sections' readers start */
    if ((rc = v8a__heap_reader_new(&x->r0, x->h, x->name, x->opts, len)) < 0) return rc;
    v8a__heap_reader_set_external(x->r0, 1, 1);
    x->t0 = (ticker){x->d, 2, 1, n_open, n_open};
    x->tn = (ticker){x->d, 0, 1, n_open, n_open};
    x->te = (ticker){x->d, 1, 0, e_open, e_open};
    v8a__heap_reader_set_tick(x->r0, on_tick, &x->t0);
    if ((rc = v8a__heap_reader_feed_at(x->r0, buf, n_open, 0)) != 0) return rc;
    if ((rc = v8a__heap_reader_new_section(&x->rn, x->h, x->name, x->opts, "nodes", x->r0)) < 0)
        return rc;
    if ((rc = v8a__heap_reader_new_section(&x->re, x->h, x->name, x->opts, "edges", x->r0)) < 0)
        return rc;
    v8a__heap_reader_set_tick(x->rn, on_tick, &x->tn);
    v8a__heap_reader_on_nodes(x->rn, nodes_hook, x->d);
    v8a__heap_reader_set_tick(x->re, on_tick, &x->te);

    x->je = (section_job){x->re, buf, e_open, e_close, x->d, 0};
    x->jn = (section_job){x->rn, buf, n_open, n_close, x->d, 0};
    x->threaded = pthread_create(&x->th, NULL, section_thread, &x->je) == 0;
    if (!x->threaded) x->je.rc = run_section(&x->je);
    rc = run_section(&x->jn);
    static const unsigned char empty[2] = {'[', ']'};
    if (rc == 0) rc = v8a__heap_reader_feed_at(x->r0, empty, 2, n_open);
    if (rc == 0)
        rc = v8a__heap_reader_feed_at(x->r0, buf + n_close + 1, e_open - n_close - 1, n_close + 1);
    if (rc == 0) rc = v8a__heap_reader_feed_at(x->r0, empty, 2, e_open);
    if (rc == 0)
        rc = v8a__heap_reader_feed_at(x->r0, buf + e_close + 1, len - e_close - 1, e_close + 1);
    return rc;
}

/* Parses buf with "nodes" and "edges" on two threads, the rest beside them.
 * Returns 0, 1 when the file is not laid out for it (V8's key order), or a
 * negative code when a part failed (the caller then parses sequentially, so
 * the error reported is always the first fault in file order). */
static int parse_split(v8a_heap *h, const unsigned char *buf, size_t len, const char *name,
                       const v8a_read_options *opts, driver *d)
{
    split_state x;
    memset(&x, 0, sizeof x);
    x.h = h;
    x.buf = buf;
    x.len = len;
    x.name = name;
    x.opts = opts;
    x.d = d;
    int rc = d->in ? bus_guarded(split_body, &x, name, &d->changed) : split_body(&x);
    if (rc != 0) atomic_store(&d->stop, 1);
    if (x.threaded) pthread_join(x.th, NULL);
    if (rc == 0) rc = x.je.rc;
    if (rc > 0 && x.r0) rc = V8A_EFORMAT; /* 1 after the start is a failure, not a fallback */
    if (rc == 0) {
        v8a__heap_reader_adopt_nodes(x.r0, x.rn);
        rc = v8a__heap_reader_finish(x.r0);
    }
    v8a__heap_reader_free(x.pre);
    v8a__heap_reader_free(x.r0);
    v8a__heap_reader_free(x.rn);
    v8a__heap_reader_free(x.re);
    v8a_heap_free(x.scratch);
    return rc;
}

typedef struct {
    v8a__heap_reader *r;
    const unsigned char *buf;
    size_t len;
} whole_feed;

static int feed_whole(void *arg)
{
    whole_feed *w = arg;
    return v8a__heap_reader_feed(w->r, w->buf, w->len);
}

/* An empty heap for the input, with its file facts. */
static v8a_heap *heap_for(const char *name, const v8a__input *in, size_t mem_len)
{
    v8a_heap *h = v8a__heap_new(name);
    if (!h) return NULL;
    h->file_size = in ? in->file_size : mem_len;
    h->mtime_ns = in ? in->mtime_ns : 0;
    h->compressed = in ? in->compressed : 0;
    return h;
}

/* Reads everything into a fresh heap; exactly one of `in` and `mem` is set. */
static int read_heap(v8a_heap **out, const char *name, v8a__input *in, const unsigned char *mem,
                     size_t mem_len, const v8a_read_options *opts_in, v8a__nodes_done_fn fn,
                     void *payload)
{
    v8a_read_options opts;
    v8a__heap_reader *r = NULL;
    int rc;
    *out = NULL;
    if (opts_in)
        opts = *opts_in;
    else
        v8a_read_options_init(&opts);
    if (opts.max_string == 0) opts.max_string = DEFAULT_MAX_STRING;

    v8a_heap *h = heap_for(name, in, mem_len);
    if (!h) return V8A_ENOMEM;
    driver d = {.opts = &opts,
                .name = name,
                .in = in,
                .total = in ? in->file_size : mem_len,
                .nodes_done = fn,
                .nodes_done_payload = payload};
    ticker t = {&d, 0, 1, 0, 0};

    /* one buffer holding the whole file: mapped, or in memory and not chunked */
    const unsigned char *whole = NULL;
    size_t whole_len = 0;
    if (in && in->kind == V8A__IN_MAP) {
        whole = in->map;
        whole_len = in->map_len;
    } else if (!in && !opts.no_mmap) {
        /* a buffer is read like a mapped file; no_mmap asks for chunks */
        whole = mem;
        whole_len = mem_len;
    }
    if (whole && !opts.header_only) {
        rc = parse_split(h, whole, whole_len, name, &opts, &d);
        if (rc == 0 || (rc == V8A_ECANCELED && d.user_canceled) || atomic_load(&d.changed))
            goto done;
        /* not splittable, or failed: parse again in one pass */
        nodes_discard(&d);
        v8a_heap_free(h);
        h = heap_for(name, in, mem_len);
        if (!h) return V8A_ENOMEM;
        atomic_store(&d.stop, 0);
        for (int i = 0; i < 3; i++) atomic_store(&d.done[i], 0);
        if (in) v8a__input_release(in, 0, in->map_len);
    }
    /* the size, when known, bounds what the header's counts may claim */
    rc = v8a__heap_reader_new(&r, h, name, &opts,
                              whole                                    ? whole_len
                              : !in                                    ? mem_len
                              : (in && in->regular && !in->compressed) ? in->file_size
                                                                       : 0);
    if (rc < 0) goto done;
    v8a__heap_reader_set_tick(r, on_tick, &t);
    v8a__heap_reader_on_nodes(r, nodes_hook, &d);
    if (whole) {
        whole_feed wf = {r, whole, whole_len};
        rc = in ? bus_guarded(feed_whole, &wf, name, &d.changed) : feed_whole(&wf);
    } else if (in) {
        rc = feed_stream(r, &opts, input_read, in, name);
        h->compressed = in->compressed;
    } else {
        mem_src m = {mem, mem_len, 0, opts.chunk_size ? opts.chunk_size : DEFAULT_CHUNK};
        rc = feed_stream(r, &opts, mem_read, &m, name);
    }
    if (rc < 0) goto done;
    rc = v8a__heap_reader_finish(r);
done:
    if (rc == 0 && opts.progress && opts.progress(opts.payload, "parse", d.total, d.total) != 0)
        rc = v8a__error_set(V8A_ECANCELED, "%s: canceled", name);
    v8a__heap_reader_free(r);
    if (rc < 0) {
        nodes_discard(&d);
        v8a_heap_free(h);
        return rc;
    }
    *out = h;
    return 0;
}

int v8a_heap_read(v8a_heap **out, const char *path, const v8a_read_options *opts)
{
    return v8a__heap_read_hooked(out, path, opts, NULL, NULL);
}

int v8a__heap_read_hooked(v8a_heap **out, const char *path, const v8a_read_options *opts,
                          v8a__nodes_done_fn fn, void *payload)
{
    v8a__input in;
    *out = NULL;
    int rc = v8a__input_open(&in, path, !(opts && opts->no_mmap));
    if (rc < 0) return rc;
    if (in.regular && in.file_size == 0) {
        v8a__input_close(&in);
        return v8a__error_set(V8A_EFORMAT, "%s: empty file (0 bytes)", path);
    }
    rc = read_heap(out, path, &in, NULL, 0, opts, fn, payload);
    v8a__input_close(&in);
    return rc;
}

int v8a_heap_read_buffer(v8a_heap **out, const void *buf, size_t len, const char *name,
                         const v8a_read_options *opts)
{
    *out = NULL;
    if (len == 0) return v8a__error_set(V8A_EFORMAT, "%s: empty file (0 bytes)", name);
    return read_heap(out, name, NULL, buf, len, opts, NULL, NULL);
}

/* ---- getters ---- */

const char *v8a_heap_source(const v8a_heap *h)
{
    return h->source;
}
uint64_t v8a_heap_file_size(const v8a_heap *h)
{
    return h->file_size;
}
int64_t v8a_heap_mtime_ns(const v8a_heap *h)
{
    return h->mtime_ns;
}
int v8a_heap_is_compressed(const v8a_heap *h)
{
    return h->compressed;
}
const v8a_heap_header *v8a_heap_get_header(const v8a_heap *h)
{
    return &h->header;
}

static const char *list_get(const v8a__strlist *l, size_t i)
{
    return i < l->count ? l->items[i] : NULL;
}

size_t v8a_heap_node_field_count(const v8a_heap *h)
{
    return h->node_fields.count;
}
const char *v8a_heap_node_field(const v8a_heap *h, size_t i)
{
    return list_get(&h->node_fields, i);
}
size_t v8a_heap_edge_field_count(const v8a_heap *h)
{
    return h->edge_fields.count;
}
const char *v8a_heap_edge_field(const v8a_heap *h, size_t i)
{
    return list_get(&h->edge_fields, i);
}
size_t v8a_heap_location_field_count(const v8a_heap *h)
{
    return h->location_fields.count;
}
const char *v8a_heap_location_field(const v8a_heap *h, size_t i)
{
    return list_get(&h->location_fields, i);
}
size_t v8a_heap_node_type_count(const v8a_heap *h)
{
    return h->node_types.count;
}
const char *v8a_heap_node_type_name(const v8a_heap *h, unsigned code)
{
    return list_get(&h->node_types, code);
}
size_t v8a_heap_edge_type_count(const v8a_heap *h)
{
    return h->edge_types.count;
}
const char *v8a_heap_edge_type_name(const v8a_heap *h, unsigned code)
{
    return list_get(&h->edge_types, code);
}

uint32_t v8a_heap_node_count(const v8a_heap *h)
{
    return h->node_count;
}
uint32_t v8a_heap_edge_count(const v8a_heap *h)
{
    return h->edge_count;
}
uint32_t v8a_heap_string_count(const v8a_heap *h)
{
    return h->string_count;
}
uint32_t v8a_heap_location_count(const v8a_heap *h)
{
    return h->location_count;
}
uint32_t v8a_heap_trace_function_count(const v8a_heap *h)
{
    return h->tfi_count;
}
uint32_t v8a_heap_trace_node_count(const v8a_heap *h)
{
    return h->trace_count;
}
uint32_t v8a_heap_sample_count(const v8a_heap *h)
{
    return h->sample_count;
}

uint64_t v8a_heap_total_self_size(const v8a_heap *h)
{
    uint64_t t = 0;
    for (uint32_t i = 0; i < h->node_count; i++) t += h->node_self_size[i];
    return t;
}

uint64_t v8a_heap_node_id(const v8a_heap *h, uint32_t i)
{
    return h->node_id[i];
}
unsigned v8a_heap_node_type(const v8a_heap *h, uint32_t i)
{
    return h->node_type[i];
}
uint32_t v8a_heap_node_name(const v8a_heap *h, uint32_t i)
{
    return h->node_name[i];
}
uint64_t v8a_heap_node_self_size(const v8a_heap *h, uint32_t i)
{
    return h->node_self_size[i];
}
uint32_t v8a_heap_node_edge_count(const v8a_heap *h, uint32_t i)
{
    return h->first_edge[i + 1] - h->first_edge[i];
}
uint32_t v8a_heap_node_first_edge(const v8a_heap *h, uint32_t i)
{
    return h->first_edge[i];
}
unsigned v8a_heap_node_detachedness(const v8a_heap *h, uint32_t i)
{
    return h->node_detachedness ? h->node_detachedness[i] : 0;
}
uint32_t v8a_heap_node_trace_node_id(const v8a_heap *h, uint32_t i)
{
    return h->node_trace_node_id ? h->node_trace_node_id[i] : 0;
}

uint32_t v8a_heap_find_id(const v8a_heap *h, uint64_t id)
{
    if (!h->id_order) return UINT32_MAX;
    uint32_t lo = 0, hi = h->node_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint64_t m = h->node_id[h->id_order[mid]];
        if (m == id) return h->id_order[mid];
        if (m < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return UINT32_MAX;
}

unsigned v8a_heap_edge_type(const v8a_heap *h, uint32_t e)
{
    return h->edge_type[e];
}
uint32_t v8a_heap_edge_name_or_index(const v8a_heap *h, uint32_t e)
{
    return h->edge_name[e];
}
int v8a_heap_edge_name_is_index(const v8a_heap *h, uint32_t e)
{
    return h->edge_is_index[h->edge_type[e]];
}
uint32_t v8a_heap_edge_to(const v8a_heap *h, uint32_t e)
{
    return h->edge_to[e];
}

const char *v8a_heap_string(const v8a_heap *h, uint32_t s, size_t *len)
{
    if (s >= h->string_count) {
        if (len) *len = 0;
        return "";
    }
    if (len) *len = (size_t)(h->string_offset[s + 1] - h->string_offset[s] - 1);
    return h->string_data + h->string_offset[s];
}

void v8a_heap_get_location(const v8a_heap *h, uint32_t i, v8a_heap_location *out)
{
    out->node = h->loc_node[i];
    out->script_id = h->loc_script_id[i];
    out->script_node = h->loc_script_node[i];
    out->line = h->loc_line[i];
    out->column = h->loc_column[i];
}

void v8a_heap_get_trace_function(const v8a_heap *h, uint32_t i, v8a_heap_trace_function *out)
{
    out->function_id = h->tfi_function_id[i];
    out->name = h->tfi_name[i];
    out->script_name = h->tfi_script_name[i];
    out->script_id = h->tfi_script_id[i];
    out->line = h->tfi_line[i];
    out->column = h->tfi_column[i];
}

void v8a_heap_get_trace_node(const v8a_heap *h, uint32_t i, v8a_heap_trace_node *out)
{
    out->id = h->trace_id[i];
    out->function_info = h->trace_fi[i];
    out->parent = h->trace_parent[i];
    out->count = h->trace_count_v[i];
    out->size = h->trace_size[i];
}

void v8a_heap_get_sample(const v8a_heap *h, uint32_t i, uint64_t *timestamp_us,
                         uint64_t *last_assigned_id)
{
    *timestamp_us = h->sample_ts[i];
    *last_assigned_id = h->sample_last_id[i];
}
