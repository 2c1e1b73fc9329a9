/* store_open.c - opening v8a databases and rebuilding a heap from them.
 *
 * Opening checks that the file is SQLite, carries v8a's application_id, and
 * has a schema this library reads (user_version); a corrupt or foreign file
 * is V8A_EFORMAT, a newer schema V8A_EUNSUPPORTED. Every SQLite error is
 * turned into a v8a error here, once, with the file name.
 */
#include "alloc.h"
#include "error.h"
#include "analysis_internal.h"
#include "heap_internal.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

static void setup(void)
{
    /* fails harmlessly if the application initialised SQLite already */
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void v8a__sqlite_setup(void)
{
    pthread_once(&setup_once, setup);
}

int v8a__sqlite_error(sqlite3 *db, int code, const char *path, const char *what)
{
    int prim = code & 0xff;
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    int v = V8A_EIO;
    if (prim == SQLITE_NOMEM)
        v = V8A_ENOMEM;
    else if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
        v = V8A_EFORMAT;
    else if (prim == SQLITE_INTERRUPT)
        v = V8A_ECANCELED;
    if (prim == SQLITE_NOTADB) return v8a__error_set(v, "%s: not a v8a database (%s)", path, msg);
    if (prim == SQLITE_CORRUPT)
        return v8a__error_set(v, "%s: the database is corrupt (%s, while trying to %s)", path, msg,
                              what);
    return v8a__error_set(v, "%s: cannot %s: %s", path, what, msg);
}

int v8a__sqlite_exec(sqlite3 *db, const char *path, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) return v8a__sqlite_error(db, rc, path, "run SQL");
    return 0;
}

/* The first 100 bytes of path (the SQLite header) and its size: the
 * number of header bytes read (fewer for a short file), or an error when
 * the file does not open. */
static ssize_t read_header(const char *path, unsigned char hd[100], uint64_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return v8a__error_set(e == ENOENT ? V8A_ENOTFOUND : V8A_EIO, "%s: %s", path, strerror(e));
    }
    ssize_t k = read(fd, hd, 100);
    *size = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
    close(fd);
    return k < 0 ? 0 : k; /* unreadable (a directory): no header, as a short file */
}

static int is_sqlite(const unsigned char *hd, ssize_t k)
{
    return k >= 16 && memcmp(hd, "SQLite format 3", 16) == 0;
}

int v8a_is_database(const char *path)
{
    unsigned char hd[100];
    uint64_t size;
    ssize_t k = read_header(path, hd, &size);
    return k < 0 ? (int)k : is_sqlite(hd, k);
}

/* A database file shorter than its header says (a cut copy or upload): found
 * here, since an immutable read only notices the pages it touches. The
 * header's page count is valid when its "version-valid-for" number equals the
 * change counter (https://www.sqlite.org/fileformat2.html, 1.3). */
static int check_length(const char *path, const unsigned char *hd, ssize_t k, uint64_t size)
{
    if (k < 100)
        return v8a__error_set(V8A_EFORMAT, "%s: not a v8a database (header cut short)", path);
    uint32_t psz = (uint32_t)hd[16] << 8 | hd[17];
    uint64_t page = psz == 1 ? 65536 : psz;
    uint32_t pages =
        (uint32_t)hd[28] << 24 | (uint32_t)hd[29] << 16 | (uint32_t)hd[30] << 8 | hd[31];
    if (memcmp(hd + 24, hd + 92, 4) != 0 || pages == 0 || page < 512) return 0;
    if (size < pages * page)
        return v8a__error_set(V8A_EFORMAT,
                              "%s: the file is %" PRIu64 " bytes, its header says %" PRIu32
                              " pages of %" PRIu64 " bytes (file truncated?)",
                              path, size, pages, page);
    return 0;
}

static int pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* "file:PATH?immutable=1", PATH percent-encoded where a URI needs it. */
static char *immutable_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *u = v8a__malloc(5 + 3 * n + 13);
    if (!u) return NULL;
    char *p = u + sprintf(u, "file:");
    for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("/._-~", *c)) {
            *p++ = (char)*c;
        } else {
            *p++ = '%';
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 15];
        }
    }
    strcpy(p, "?immutable=1");
    return u;
}

int v8a_store_open(v8a_store **out, const char *db_path)
{
    *out = NULL;
    v8a__sqlite_setup();
    unsigned char hd[100];
    uint64_t size;
    ssize_t k = read_header(db_path, hd, &size);
    if (k < 0) return (int)k;
    if (!is_sqlite(hd, k)) return v8a__error_set(V8A_EFORMAT, "%s: not a v8a database", db_path);
    int lrc = check_length(db_path, hd, k, size);
    if (lrc < 0) return lrc;
    v8a_store *s = v8a__calloc(1, sizeof *s);
    if (!s || !(s->path = v8a__strdup(db_path))) {
        v8a__free(s);
        return v8a__error_nomem("store");
    }
    /* immutable: v8a databases are written once and renamed into place, and
     * a read must not leave anything beside them (a database switched to
     * WAL mode would otherwise get -wal and -shm files, even read-only) */
    char *uri = immutable_uri(db_path);
    if (!uri) {
        v8a_store_close(s);
        return v8a__error_nomem("store");
    }
    int rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    v8a__free(uri);
    if (rc != SQLITE_OK) {
        rc = v8a__sqlite_error(s->db, rc, db_path, "open");
        goto fail;
    }
    int64_t app = 0, ver = 0;
    rc = pragma_int(s->db, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK) rc = pragma_int(s->db, "PRAGMA user_version", &ver);
    if (rc != SQLITE_OK) {
        rc = v8a__sqlite_error(s->db, rc, db_path, "read the schema version");
        goto fail;
    }
    if (app != V8A_APPLICATION_ID) {
        rc = v8a__error_set(V8A_EFORMAT, "%s: a SQLite database, but not one v8a wrote", db_path);
        goto fail;
    }
    if (ver > V8A_SCHEMA_VERSION) {
        rc = v8a__error_set(V8A_EUNSUPPORTED,
                            "%s: schema version %" PRId64
                            " is newer than this v8a reads (%d); upgrade v8a",
                            db_path, ver, V8A_SCHEMA_VERSION);
        goto fail;
    }
    if (ver < V8A_SCHEMA_VERSION) {
        rc = v8a__error_set(V8A_EUNSUPPORTED,
                            "%s: schema version %" PRId64
                            " is older than this v8a reads (%d); import the snapshot again",
                            db_path, ver, V8A_SCHEMA_VERSION);
        goto fail;
    }
    if ((rc = v8a__edges_register(s)) < 0) goto fail;
    *out = s;
    return 0;
fail:
    v8a_store_close(s);
    return rc < 0 ? rc : V8A_EIO;
}

void v8a_store_close(v8a_store *s)
{
    if (!s) return;
    if (s->db) sqlite3_close_v2(s->db);
    if (s->temporary && s->path) unlink(s->path);
    v8a_heap_free(s->heap);
    v8a_analysis_free(s->kept_analysis); /* before the heap it points to */
    v8a_heap_free(s->kept_heap);
    v8a__free(s->path);
    v8a__free(s);
}

sqlite3 *v8a_store_get_db(v8a_store *s)
{
    return s->db;
}

const char *v8a_store_get_path(const v8a_store *s)
{
    return s->path;
}

int v8a_store_was_imported(const v8a_store *s)
{
    return s->imported;
}

int v8a_store_get_meta(v8a_store *s, const char *key, char *buf, size_t cap)
{
    sqlite3_stmt *st = NULL;
    if (cap) buf[0] = '\0';
    int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(s->db, rc, s->path, "read meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    int out = V8A_ENOTFOUND;
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        if (v && cap) snprintf(buf, cap, "%s", (const char *)v);
        out = 0;
    } else if (rc != SQLITE_DONE) {
        out = v8a__sqlite_error(s->db, rc, s->path, "read meta");
    }
    sqlite3_finalize(st);
    return out;
}

/* ---- rebuilding the heap ---- */

static int meta_u64(v8a_store *s, const char *key, uint64_t *out)
{
    char buf[32];
    int rc = v8a_store_get_meta(s, key, buf, sizeof buf);
    if (rc < 0) {
        if (rc == V8A_ENOTFOUND)
            return v8a__error_set(V8A_EFORMAT, "%s: table meta: key \"%s\" is missing", s->path,
                                  key);
        return rc;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (errno || *end || buf[0] == '-')
        return v8a__error_set(V8A_EFORMAT, "%s: table meta: \"%s\" is not a count", s->path, key);
    *out = v;
    return 0;
}

/* The single integer `sql` yields, with `bind` bound to ?1 when not NULL. */
static int query_int(v8a_store *s, const char *sql, const char *bind, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(s->db, rc, s->path, "read tables");
    if (bind) sqlite3_bind_text(st, 1, bind, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return v8a__sqlite_error(s->db, rc, s->path, "read tables");
    return 0;
}

/* Checks that `sql` counts want, before anything is allocated for it: the
 * meta table of a corrupt or hostile database may claim billions of rows. */
static int count_is(v8a_store *s, const char *sql, const char *bind, uint64_t want,
                    const char *what)
{
    int64_t got;
    int rc = query_int(s, sql, bind, &got);
    if (rc < 0) return rc;
    if (got < 0 || (uint64_t)got != want)
        return v8a__error_set(V8A_EFORMAT,
                              "%s: %s holds %" PRId64 " where the meta table says %" PRIu64
                              " (corrupt database)",
                              s->path, what, got, want);
    return 0;
}

/* Reads array `name` (n elements of elem bytes) into a new buffer. A missing
 * array is fine when optional (then *out stays NULL). The stored size is
 * checked first, so that a lying meta table allocates nothing. */
static int load_array(v8a_store *s, const char *name, uint64_t n, int elem, void **out,
                      int optional)
{
    sqlite3_stmt *st = NULL;
    *out = NULL;
    uint64_t want = n * (uint64_t)elem, have = 0;
    int64_t parts;
    int rc = query_int(s, "SELECT count(*) FROM arrays WHERE name = ?", name, &parts);
    if (rc < 0) return rc;
    if (parts == 0 && optional) return 0;
    char what[64];
    snprintf(what, sizeof what, "table arrays: \"%s\" (bytes)", name);
    if ((rc = count_is(s, "SELECT coalesce(sum(length(data)), 0) FROM arrays WHERE name = ?", name,
                       want, what)) < 0)
        return rc;
    rc = sqlite3_prepare_v2(
        s->db, "SELECT elem_size, data FROM arrays WHERE name = ? ORDER BY part", -1, &st, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(s->db, rc, s->path, "read arrays");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    unsigned char *buf = NULL;
    int seen = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!seen) {
            buf = v8a__malloc(want ? (size_t)want : 1);
            if (!buf) {
                sqlite3_finalize(st);
                return v8a__error_nomem("arrays");
            }
        }
        seen = 1;
        const void *p = sqlite3_column_blob(st, 1);
        uint64_t k = (uint64_t)sqlite3_column_bytes(st, 1);
        if (sqlite3_column_int(st, 0) != elem || have + k > want) {
            rc = SQLITE_CORRUPT;
            break;
        }
        if (k) memcpy(buf + have, p, (size_t)k);
        have += k;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || (seen && have != want) || (!seen && !optional)) {
        v8a__free(buf);
        if (rc != SQLITE_DONE && rc != SQLITE_CORRUPT)
            return v8a__sqlite_error(s->db, rc, s->path, "read arrays");
        return v8a__error_set(V8A_EFORMAT, "%s: table arrays: \"%s\" is %s", s->path, name,
                              seen ? "not the size the meta table says" : "missing");
    }
    *out = buf;
    return 0;
}

static int load_list(v8a_store *s, const char *sql, const char *list, v8a__strlist *l)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(s->db, rc, s->path, "read fields");
    if (list) sqlite3_bind_text(st, 1, list, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (v8a__strlist_push(l, v ? v : "", v ? strlen(v) : 0) < 0) {
            sqlite3_finalize(st);
            return v8a__error_nomem("fields");
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : v8a__sqlite_error(s->db, rc, s->path, "read fields");
}

/* The strings from the arrays string_offset (count + 1 starts, the last one
 * the end) and string_data (each string followed by a NUL), checked as the
 * reader leaves them: starts rising, each string ended by its NUL and
 * holding none. */
static int load_strings(v8a_store *s, v8a_heap *h)
{
    uint64_t n = h->string_count;
    int rc = load_array(s, "string_offset", n + 1, 8, (void **)&h->string_offset, 0);
    if (rc < 0) return rc;
    const uint64_t *o = h->string_offset;
    if (o[0] != 0) goto corrupt;
    for (uint64_t i = 0; i < n; i++)
        if (o[i + 1] <= o[i]) goto corrupt;
    if ((rc = load_array(s, "string_data", o[n], 1, (void **)&h->string_data, 0)) < 0) return rc;
    for (uint64_t i = 0; i < n; i++) {
        const char *a = h->string_data + o[i];
        size_t len = (size_t)(o[i + 1] - o[i] - 1);
        if (a[len] != '\0' || memchr(a, '\0', len)) goto corrupt;
    }
    if (!h->string_data && !(h->string_data = v8a__calloc(1, 1)))
        return v8a__error_nomem("strings");
    return 0;
corrupt:
    return v8a__error_set(V8A_EFORMAT,
                          "%s: table arrays: \"string_offset\" and \"string_data\" do not hold "
                          "the %u strings the meta table says (corrupt database)",
                          s->path, h->string_count);
}

static int load_rows(v8a_store *s, const char *sql, int ncols, uint64_t n,
                     int (*put)(v8a_heap *h, uint32_t row, sqlite3_stmt *st), v8a_heap *h,
                     const char *what)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(s->db, rc, s->path, "read tables");
    uint32_t row = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && row < n && sqlite3_column_count(st) == ncols)
        if (put(h, row++, st) < 0) {
            rc = SQLITE_CORRUPT;
            break;
        }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || row != n)
        return v8a__error_set(V8A_EFORMAT,
                              "%s: table %s does not hold the rows the meta table "
                              "says",
                              s->path, what);
    return 0;
}

/* The locations from their arrays (*done set), when the database has them;
 * else the caller reads the rows. Node ordinals are checked as the reader
 * checks them. */
static int load_location_arrays(v8a_store *s, v8a_heap *h, uint64_t nl, int *done)
{
    static const char *const names[] = {"loc_node", "loc_script_id", "loc_script_node", "loc_line",
                                        "loc_column"};
    uint32_t **cols[] = {&h->loc_node, &h->loc_script_id, &h->loc_script_node, &h->loc_line,
                         &h->loc_column};
    int64_t parts = 0;
    *done = 0;
    int rc = query_int(s, "SELECT count(*) FROM arrays WHERE name = ?", "loc_node", &parts);
    if (rc < 0 || parts == 0) return rc;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        v8a__free(*cols[i]);
        *cols[i] = NULL;
        if ((rc = load_array(s, names[i], nl, 4, (void **)cols[i], 0)) < 0) return rc;
    }
    for (uint64_t i = 0; i < nl; i++)
        if (h->loc_node[i] >= h->node_count ||
            (h->loc_script_node[i] != V8A_NONE && h->loc_script_node[i] >= h->node_count))
            return v8a__error_set(V8A_EFORMAT,
                                  "%s: table arrays: location %" PRIu64
                                  " points past the nodes (corrupt database)",
                                  s->path, i);
    *done = 1;
    return 0;
}

/* The ids taken in order's order (order's entries below n) rise strictly:
 * id_order as the reader leaves it. */
static int ids_rise(const uint64_t *id, const uint32_t *order, uint64_t n)
{
    for (uint64_t i = 1; i < n; i++)
        if (id[order[i]] <= id[order[i - 1]]) return 0;
    return 1;
}

static int put_location(v8a_heap *h, uint32_t i, sqlite3_stmt *st)
{
    uint32_t a = v8a_heap_find_id(h, (uint64_t)sqlite3_column_int64(st, 0));
    if (a == UINT32_MAX) return -1;
    h->loc_node[i] = a;
    h->loc_script_id[i] = (uint32_t)sqlite3_column_int64(st, 1);
    h->loc_script_node[i] = sqlite3_column_type(st, 2) == SQLITE_NULL
                                ? V8A_NONE
                                : v8a_heap_find_id(h, (uint64_t)sqlite3_column_int64(st, 2));
    h->loc_line[i] = (uint32_t)sqlite3_column_int64(st, 3);
    h->loc_column[i] = (uint32_t)sqlite3_column_int64(st, 4);
    return 0;
}

static int put_trace(v8a_heap *h, uint32_t i, sqlite3_stmt *st)
{
    int64_t fi = sqlite3_column_int64(st, 2), parent = sqlite3_column_int64(st, 1);
    if (fi < 0 || fi >= h->tfi_count) return -1;
    if (sqlite3_column_type(st, 1) != SQLITE_NULL && (parent < 0 || parent >= h->trace_count))
        return -1;
    h->trace_id[i] = (uint64_t)sqlite3_column_int64(st, 0);
    h->trace_parent[i] = sqlite3_column_type(st, 1) == SQLITE_NULL
                             ? V8A_NONE
                             : (uint32_t)sqlite3_column_int64(st, 1);
    h->trace_fi[i] = (uint32_t)sqlite3_column_int64(st, 2);
    h->trace_count_v[i] = (uint64_t)sqlite3_column_int64(st, 3);
    h->trace_size[i] = (uint64_t)sqlite3_column_int64(st, 4);
    return 0;
}

static int put_sample(v8a_heap *h, uint32_t i, sqlite3_stmt *st)
{
    h->sample_ts[i] = (uint64_t)sqlite3_column_int64(st, 0);
    h->sample_last_id[i] = (uint64_t)sqlite3_column_int64(st, 1);
    return 0;
}

static int put_tfi(v8a_heap *h, uint32_t i, sqlite3_stmt *st)
{
    h->tfi_function_id[i] = (uint64_t)sqlite3_column_int64(st, 0);
    h->tfi_name[i] = (uint32_t)sqlite3_column_int64(st, 1);
    h->tfi_script_name[i] = (uint32_t)sqlite3_column_int64(st, 2);
    if (h->tfi_name[i] >= h->string_count || h->tfi_script_name[i] >= h->string_count) return -1;
    h->tfi_script_id[i] = (uint32_t)sqlite3_column_int64(st, 3);
    h->tfi_line[i] = (uint32_t)sqlite3_column_int64(st, 4);
    h->tfi_column[i] = (uint32_t)sqlite3_column_int64(st, 5);
    return 0;
}

static int alloc_cols(void **cols[], const int sizes[], int n, uint64_t count)
{
    for (int i = 0; i < n; i++)
        if (!(*cols[i] = v8a__malloc(count ? (size_t)count * (size_t)sizes[i] : 1)))
            return v8a__error_nomem("heap");
    return 0;
}

int v8a_store_load_heap(v8a_store *s, v8a_heap **out)
{
    if (s->kept_heap) { /* the import's own: once */
        *out = s->kept_heap;
        s->kept_heap = NULL;
        return 0;
    }
    char src[4096];
    uint64_t n, m, ns, nl, nf, nt, nsm, size = 0, mtime = 0, comp = 0;
    *out = NULL;
    v8a_store_get_meta(s, "source_path", src, sizeof src);
    v8a_heap *h = v8a__heap_new(src[0] ? src : s->path);
    if (!h) return V8A_ENOMEM;
    int rc;
    if ((rc = meta_u64(s, "node_count", &n)) < 0 || (rc = meta_u64(s, "edge_count", &m)) < 0 ||
        (rc = meta_u64(s, "string_count", &ns)) < 0 ||
        (rc = meta_u64(s, "location_count", &nl)) < 0 ||
        (rc = meta_u64(s, "trace_function_count", &nf)) < 0 ||
        (rc = meta_u64(s, "trace_node_count", &nt)) < 0 ||
        (rc = meta_u64(s, "sample_count", &nsm)) < 0)
        goto fail;
    meta_u64(s, "source_size", &size);
    meta_u64(s, "source_mtime_ns", &mtime);
    meta_u64(s, "source_compressed", &comp);
    if (n == 0 || n >= UINT32_MAX || m >= UINT32_MAX || ns >= UINT32_MAX || nl >= UINT32_MAX ||
        nf >= UINT32_MAX || nt >= UINT32_MAX || nsm >= UINT32_MAX) {
        rc = v8a__error_set(V8A_EFORMAT, "%s: table meta: counts out of range", s->path);
        goto fail;
    }
    h->file_size = size;
    h->mtime_ns = (int64_t)mtime;
    h->compressed = (int)comp;
    h->node_count = (uint32_t)n;
    h->edge_count = (uint32_t)m;
    h->string_count = (uint32_t)ns;
    h->header.node_count = n;
    h->header.edge_count = m;
    {
        char buf[32];
        if (v8a_store_get_meta(s, "extra_native_bytes", buf, sizeof buf) == 0 && buf[0]) {
            h->header.has_extra_native_bytes = 1;
            h->header.extra_native_bytes = strtoull(buf, NULL, 10);
        }
        uint64_t htf = 0;
        if (meta_u64(s, "header_trace_function_count", &htf) == 0)
            h->header.trace_function_count = htf;
        v8a_error_clear();
    }
    static const char *const lists[] = {"node_fields",       "edge_fields",
                                        "location_fields",   "trace_function_info_fields",
                                        "trace_node_fields", "sample_fields"};
    v8a__strlist *dst[] = {&h->node_fields,       &h->edge_fields,
                           &h->location_fields,   &h->trace_function_info_fields,
                           &h->trace_node_fields, &h->sample_fields};
    for (int i = 0; i < 6; i++)
        if ((rc = load_list(s, "SELECT name FROM fields WHERE list = ? ORDER BY pos", lists[i],
                            dst[i])) < 0)
            goto fail;
    if ((rc = load_list(s, "SELECT name FROM node_types ORDER BY code", NULL, &h->node_types)) <
            0 ||
        (rc = load_list(s, "SELECT name FROM edge_types ORDER BY code", NULL, &h->edge_types)) < 0)
        goto fail;
    if (h->node_types.count > 256 || h->edge_types.count > 256) {
        rc = v8a__error_set(V8A_EFORMAT, "%s: too many node or edge types", s->path);
        goto fail;
    }
    for (size_t i = 0; i < h->edge_types.count; i++)
        h->edge_is_index[i] = strcmp(h->edge_types.items[i], "element") == 0 ||
                              strcmp(h->edge_types.items[i], "hidden") == 0;

    if ((rc = load_array(s, "node_type", n, 1, (void **)&h->node_type, 0)) < 0 ||
        (rc = load_array(s, "node_name", n, 4, (void **)&h->node_name, 0)) < 0 ||
        (rc = load_array(s, "node_id", n, 8, (void **)&h->node_id, 0)) < 0 ||
        (rc = load_array(s, "node_self_size", n, 8, (void **)&h->node_self_size, 0)) < 0 ||
        (rc = load_array(s, "first_edge", n + 1, 4, (void **)&h->first_edge, 0)) < 0 ||
        (rc = load_array(s, "node_detachedness", n, 1, (void **)&h->node_detachedness, 1)) < 0 ||
        (rc = load_array(s, "node_trace_node_id", n, 4, (void **)&h->node_trace_node_id, 1)) < 0 ||
        (rc = load_array(s, "id_order", n, 4, (void **)&h->id_order, 0)) < 0 ||
        (rc = load_array(s, "edge_type", m, 1, (void **)&h->edge_type, 0)) < 0 ||
        (rc = load_array(s, "edge_name", m, 4, (void **)&h->edge_name, 0)) < 0 ||
        (rc = load_array(s, "edge_to", m, 4, (void **)&h->edge_to, 0)) < 0)
        goto fail;
    /* the arrays index each other: check them as the reader checks a file */
    if (h->first_edge[0] != 0 || h->first_edge[n] != m) goto corrupt;
    for (uint64_t i = 0; i < n; i++)
        if (h->first_edge[i] > h->first_edge[i + 1] || h->node_type[i] >= h->node_types.count ||
            h->node_name[i] >= ns || h->id_order[i] >= n)
            goto corrupt;
    for (uint64_t e = 0; e < m; e++)
        if (h->edge_to[e] >= n || h->edge_type[e] >= h->edge_types.count ||
            (!h->edge_is_index[h->edge_type[e]] && h->edge_name[e] >= ns))
            goto corrupt;
    if (!ids_rise(h->node_id, h->id_order, n)) goto corrupt;

    if ((rc = load_strings(s, h)) < 0) goto fail;
    {
        void **lc[] = {(void **)&h->loc_node, (void **)&h->loc_script_id,
                       (void **)&h->loc_script_node, (void **)&h->loc_line,
                       (void **)&h->loc_column};
        static const int ls[] = {4, 4, 4, 4, 4};
        void **fc[] = {(void **)&h->tfi_function_id, (void **)&h->tfi_name,
                       (void **)&h->tfi_script_name, (void **)&h->tfi_script_id,
                       (void **)&h->tfi_line,        (void **)&h->tfi_column};
        static const int fs[] = {8, 4, 4, 4, 4, 4};
        void **tc[] = {(void **)&h->trace_id, (void **)&h->trace_count_v, (void **)&h->trace_size,
                       (void **)&h->trace_fi, (void **)&h->trace_parent};
        static const int ts[] = {8, 8, 8, 4, 4};
        void **sc[] = {(void **)&h->sample_ts, (void **)&h->sample_last_id};
        static const int ss[] = {8, 8};
        if ((rc = count_is(s, "SELECT count(*) FROM locations", NULL, nl, "table locations")) < 0 ||
            (rc = count_is(s, "SELECT count(*) FROM trace_functions", NULL, nf,
                           "table trace_functions")) < 0 ||
            (rc = count_is(s, "SELECT count(*) FROM trace_nodes", NULL, nt, "table trace_nodes")) <
                0 ||
            (rc = count_is(s, "SELECT count(*) FROM samples", NULL, nsm, "table samples")) < 0)
            goto fail;
        if ((rc = alloc_cols(lc, ls, 5, nl)) < 0 || (rc = alloc_cols(fc, fs, 6, nf)) < 0 ||
            (rc = alloc_cols(tc, ts, 5, nt)) < 0 || (rc = alloc_cols(sc, ss, 2, nsm)) < 0)
            goto fail;
    }
    h->location_count = (uint32_t)nl;
    h->tfi_count = (uint32_t)nf;
    h->trace_count = (uint32_t)nt;
    h->sample_count = (uint32_t)nsm;
    int locs = 0;
    if ((rc = load_location_arrays(s, h, nl, &locs)) < 0 ||
        (!locs && (rc = load_rows(s,
                                  "SELECT node_id, script_id, script_node_id, line, column "
                                  "FROM locations ORDER BY rowid",
                                  5, nl, put_location, h, "locations")) < 0) ||
        (rc = load_rows(s,
                        "SELECT function_id, name_sid, script_name_sid, script_id, line, column "
                        "FROM trace_functions ORDER BY idx",
                        6, nf, put_tfi, h, "trace_functions")) < 0 ||
        (rc = load_rows(s,
                        "SELECT id, parent_idx, function_idx, count, size FROM trace_nodes "
                        "ORDER BY idx",
                        5, nt, put_trace, h, "trace_nodes")) < 0 ||
        (rc = load_rows(s, "SELECT timestamp_us, last_assigned_id FROM samples ORDER BY idx", 2,
                        nsm, put_sample, h, "samples")) < 0)
        goto fail;
    *out = h;
    return 0;
corrupt:
    rc = v8a__error_set(V8A_EFORMAT,
                        "%s: table arrays: the graph arrays are inconsistent "
                        "(corrupt database)",
                        s->path);
fail:
    v8a_heap_free(h);
    return rc;
}

static int load_classes(v8a_store *s, v8a_analysis *a)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT class_id, name, key, count, shallow_size, retained_size, "
                                "distance, first_id, in_summary FROM classes ORDER BY class_id",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(s->db, rc, s->path, "read classes");
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_int64(st, 0) != a->class_count) {
            rc = SQLITE_CORRUPT;
            break;
        }
        if (v8a__grow((void **)&a->classes, &cap, (size_t)a->class_count + 1, sizeof *a->classes) <
            0) {
            rc = SQLITE_NOMEM;
            break;
        }
        v8a_class_info *c = &a->classes[a->class_count];
        memset(c, 0, sizeof *c);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *key = (const char *)sqlite3_column_text(st, 2);
        c->name = v8a__strdup(name ? name : "");
        c->key = v8a__strdup(key ? key : "");
        a->class_count++;
        if (!c->name || !c->key) {
            rc = SQLITE_NOMEM;
            break;
        }
        c->count = (uint32_t)sqlite3_column_int64(st, 3);
        c->shallow_size = (uint64_t)sqlite3_column_int64(st, 4);
        c->retained_size = (uint64_t)sqlite3_column_int64(st, 5);
        c->distance = (int32_t)sqlite3_column_int64(st, 6);
        c->first = sqlite3_column_type(st, 7) == SQLITE_NULL
                       ? UINT32_MAX
                       : v8a_heap_find_id(a->h, (uint64_t)sqlite3_column_int64(st, 7));
        c->in_summary = sqlite3_column_int(st, 8);
    }
    a->class_cap = (uint32_t)cap;
    sqlite3_finalize(st);
    if (rc == SQLITE_NOMEM) return v8a__error_nomem("classes");
    if (rc != SQLITE_DONE)
        return v8a__error_set(V8A_EFORMAT, "%s: table classes is corrupt", s->path);
    return 0;
}

static int load_statistics(v8a_store *s, v8a_analysis *a)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT name, bytes FROM statistics", -1, &st, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(s->db, rc, s->path, "read statistics");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        uint64_t v = (uint64_t)sqlite3_column_int64(st, 1);
        v8a_statistics *x = &a->stats;
        if (!k) continue;
        if (!strcmp(k, "total"))
            x->total = v;
        else if (!strcmp(k, "v8heap"))
            x->v8heap = v;
        else if (!strcmp(k, "native"))
            x->native = v;
        else if (!strcmp(k, "code"))
            x->code = v;
        else if (!strcmp(k, "strings"))
            x->strings = v;
        else if (!strcmp(k, "js_arrays"))
            x->js_arrays = v;
        else if (!strcmp(k, "typed_arrays"))
            x->typed_arrays = v;
        else if (!strcmp(k, "system"))
            x->system = v;
        else if (!strcmp(k, "extra_native_bytes"))
            x->extra_native_bytes = v;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : v8a__sqlite_error(s->db, rc, s->path, "read statistics");
}

int v8a_store_node_ids(v8a_store *s, uint64_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    uint64_t count;
    uint64_t *id = NULL;
    uint32_t *order = NULL;
    int rc = meta_u64(s, "node_count", &count);
    if (rc < 0) return rc;
    if (count >= UINT32_MAX)
        return v8a__error_set(V8A_EFORMAT, "%s: table meta: counts out of range", s->path);
    if ((rc = load_array(s, "node_id", count, 8, (void **)&id, 0)) < 0 ||
        (rc = load_array(s, "id_order", count, 4, (void **)&order, 0)) < 0)
        goto done;
    int in_range = 1;
    for (uint64_t k = 0; k < count; k++) in_range &= order[k] < count;
    if (!in_range || !ids_rise(id, order, count)) {
        rc = v8a__error_set(V8A_EFORMAT,
                            "%s: table arrays: \"id_order\" does not sort the node ids "
                            "(corrupt database)",
                            s->path);
        goto done;
    }
    /* the ids in order, in place of the ids by ordinal */
    uint64_t *sorted = v8a__malloc((size_t)count * 8 + 8);
    if (!sorted) {
        rc = v8a__error_nomem("node ids");
        goto done;
    }
    for (uint64_t k = 0; k < count; k++) sorted[k] = id[order[k]];
    *out = sorted;
    *n = (size_t)count;
done:
    v8a__free(id);
    v8a__free(order);
    return rc;
}

int v8a_store_has_rows(v8a_store *s)
{
    char v[8];
    return v8a_store_get_meta(s, "rows", v, sizeof v) == 0 && strcmp(v, "1") == 0;
}

int v8a_store_load_interfaces(v8a_store *s, v8a_interfaces **out)
{
    *out = NULL;
    sqlite3_stmt *st = NULL;
    v8a_interfaces *d = v8a__calloc(1, sizeof *d);
    size_t cap = 0;
    if (!d) return v8a__error_nomem("interfaces");
    int rc = sqlite3_prepare_v2(
        s->db, "SELECT rank, pos, name, property FROM interfaces ORDER BY rank, pos", -1, &st,
        NULL);
    if (rc == SQLITE_OK) rc = SQLITE_ROW;
    while (rc == SQLITE_ROW && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 rank = sqlite3_column_int64(st, 0), pos = sqlite3_column_int64(st, 1);
        const char *name = (const char *)sqlite3_column_text(st, 2);
        const char *prop = (const char *)sqlite3_column_text(st, 3);
        if (!name || !prop || rank < 0 || rank > (sqlite3_int64)d->count ||
            (rank == (sqlite3_int64)d->count) != (pos == 0) ||
            (rank < (sqlite3_int64)d->count && pos != d->defs[rank].nprops)) {
            sqlite3_finalize(st);
            v8a_interfaces_free(d);
            return v8a__error_set(
                V8A_EFORMAT, "%s: table interfaces: rows out of order (corrupt database)", s->path);
        }
        if (rank == (sqlite3_int64)d->count) {
            if (v8a__grow((void **)&d->defs, &cap, (size_t)d->count + 1, sizeof *d->defs) < 0)
                goto oom;
            v8a__interface_def *def = &d->defs[d->count++];
            memset(def, 0, sizeof *def);
            if (!(def->name = v8a__strdup(name))) goto oom;
        }
        v8a__interface_def *def = &d->defs[rank];
        char **p = v8a__realloc(def->props, ((size_t)def->nprops + 1) * sizeof *p);
        if (!p) goto oom;
        def->props = p;
        if (!(def->props[def->nprops] = v8a__strdup(prop))) goto oom;
        def->nprops++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        v8a_interfaces_free(d);
        return v8a__sqlite_error(s->db, rc, s->path, "read interfaces");
    }
    *out = d;
    return 0;
oom:
    sqlite3_finalize(st);
    v8a_interfaces_free(d);
    return v8a__error_nomem("interfaces");
}

int v8a_store_load_analysis(v8a_store *s, const v8a_heap *h, v8a_analysis **out)
{
    char buf[16];
    *out = NULL;
    if (s->kept_analysis && s->kept_analysis->h == h) { /* the import's own, for its heap */
        *out = s->kept_analysis;
        s->kept_analysis = NULL;
        return 0;
    }
    if (v8a_store_get_meta(s, "analysed", buf, sizeof buf) < 0) {
        v8a_error_clear();
        return V8A_ENOTFOUND;
    }
    v8a_analysis *a = v8a__calloc(1, sizeof *a);
    if (!a) return v8a__error_nomem("analysis");
    a->h = h;
    v8a__edge_types_find(h, &a->et);
    v8a__node_types_find(h, &a->nt);
    uint64_t n = h->node_count;
    int rc;
    if ((rc = load_array(s, "shallow_size", n, 8, (void **)&a->shallow, 0)) < 0 ||
        (rc = load_array(s, "retained_size", n, 8, (void **)&a->retained, 0)) < 0 ||
        (rc = load_array(s, "dominator", n, 4, (void **)&a->dom, 0)) < 0 ||
        (rc = load_array(s, "distance", n, 4, (void **)&a->distance, 0)) < 0 ||
        (rc = load_array(s, "class", n, 4, (void **)&a->cls, 0)) < 0 ||
        (rc = load_classes(s, a)) < 0 || (rc = load_statistics(s, a)) < 0 ||
        (rc = v8a_store_load_interfaces(s, &a->ifaces)) < 0 ||
        (rc = v8a__dom_state(a)) < 0) /* not stored: a few ms to redo */
        goto fail;
    for (uint64_t i = 0; i < n; i++)
        if (a->dom[i] >= n || a->cls[i] >= a->class_count) {
            rc = v8a__error_set(V8A_EFORMAT,
                                "%s: table arrays: the analysis arrays are "
                                "inconsistent (corrupt database)",
                                s->path);
            goto fail;
        }
    *out = a;
    return 0;
fail:
    v8a_analysis_free(a);
    return rc;
}

int v8a_store_open_input(v8a_store **out, const char *path, const v8a_open_options *opts)
{
    v8a_open_options defaults;
    if (!opts) {
        v8a_open_options_init(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    if (strcmp(path, "-") != 0) {
        int isdb = v8a_is_database(path);
        if (isdb < 0) return isdb;
        if (isdb) return v8a_store_open(out, path);
    }
    return v8a__cache_open(out, path, opts);
}

void v8a_open_options_init(v8a_open_options *o)
{
    memset(o, 0, sizeof *o);
    v8a_import_options_init(&o->import);
}
