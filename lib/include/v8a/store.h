/* v8a/store.h - the SQLite store: importing snapshots, opening databases, the cache.
 *
 * A v8a database is a SQLite file with a versioned schema (docs/schema.md):
 * rows where users query rows (nodes, strings, locations, traces) and packed
 * arrays for the graph and the strings, from which a v8a_heap is rebuilt
 * without parsing. The node and string rows are optional ("Rows" in
 * docs/schema.md): the analysis never reads them.
 * Imports write a temporary file beside the target and rename it at the end,
 * so an interrupted import never leaves a database behind.
 */
#ifndef V8A_STORE_H
#define V8A_STORE_H

#include <v8a/analysis.h>
#include <v8a/common.h>
#include <v8a/heap.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct v8a_store v8a_store;
typedef struct sqlite3 sqlite3;

/* The schema version this library writes and reads (PRAGMA user_version). */
#define V8A_SCHEMA_VERSION 4
/* PRAGMA application_id of v8a databases: "V8A1". */
#define V8A_APPLICATION_ID 0x56384131

typedef struct v8a_import_options {
    v8a_read_options read;    /* how to read the snapshot */
    v8a_progress_cb progress; /* stages "parse" and "store"; NULL for none */
    void *payload;
    /* 1 (the default): also write the row tables a user queries with SQL
     * (strings, node_rows, node_stats and the view nodes). 0: the arrays
     * and the small tables only, which is all the analysis commands read;
     * the rows cost more than the parse (docs/schema.md, "Rows"). */
    int rows;
} v8a_import_options;

void v8a_import_options_init(v8a_import_options *opts);

/* Reads the snapshot at `snapshot` and writes the database `db_path`
 * (replacing it atomically). Returns 0 or an error; on error no file is left
 * at db_path and an existing one is untouched. */
int v8a_store_import(const char *snapshot, const char *db_path, const v8a_import_options *opts);

/* Writes an already-read heap to db_path, as v8a_store_import does. */
int v8a_store_write_heap(const v8a_heap *h, const char *db_path, const v8a_import_options *opts);

/* Opens a v8a database read-only. Fails with V8A_EFORMAT when the file is not
 * a v8a database or is corrupt, V8A_EUNSUPPORTED when its schema is newer.
 * *out is the caller's, closed with v8a_store_close(). The connection has the
 * `edges` table-valued function registered (docs/schema.md). */
int v8a_store_open(v8a_store **out, const char *db_path);

typedef struct v8a_open_options {
    int no_cache;          /* import raw files into a temporary database */
    const char *cache_dir; /* NULL: $XDG_CACHE_HOME/v8a or ~/.cache/v8a */
    /* A raw file's import, cached or not, is written without the row tables
     * (import.rows is ignored) unless this is set: then a cached import
     * without them is replaced by one with them. */
    int rows;
    /* When the open imports a raw file, keep the heap and analysis it made
     * for the first v8a_store_load_heap and v8a_store_load_analysis, which
     * then need not read them back (0.6 s for a 500 MB snapshot). Costs
     * their memory until then: heapdiff, which opens several, does not. */
    int keep;
    v8a_import_options import;
} v8a_open_options;

void v8a_open_options_init(v8a_open_options *opts);

/* Opens `path`, a v8a database or a raw snapshot. A raw snapshot is imported
 * once into the cache, keyed by its real path, size and modification time;
 * later opens of the same unchanged file reuse that database. When the cache
 * cannot be written, or with no_cache, the import goes to a temporary file
 * that is removed when the store is closed. */
int v8a_store_open_input(v8a_store **out, const char *path, const v8a_open_options *opts);

void v8a_store_close(v8a_store *s);

/* The SQLite connection (borrowed; valid until v8a_store_close). */
sqlite3 *v8a_store_get_db(v8a_store *s);

/* The database file's path (borrowed). */
const char *v8a_store_get_path(const v8a_store *s);

/* 1 when the database came from the cache or was imported by this open. */
int v8a_store_was_imported(const v8a_store *s);

/* 1 when the database has the row tables (strings, node_rows, node_stats,
 * the view nodes), 0 when it was imported without them. */
int v8a_store_has_rows(v8a_store *s);

/* Copies the meta value for key into buf (NUL-terminated, cut at cap).
 * Returns 0, V8A_ENOTFOUND when the key is absent (buf is then ""). */
int v8a_store_get_meta(v8a_store *s, const char *key, char *buf, size_t cap);

/* Rebuilds the heap model from the database's arrays and strings. *out is
 * the caller's, freed with v8a_heap_free(). */
int v8a_store_load_heap(v8a_store *s, v8a_heap **out);

/* Rebuilds the analysis stored with the heap (h from v8a_store_load_heap on
 * the same store). *out is the caller's, freed with v8a_analysis_free(); h
 * must outlive it. V8A_ENOTFOUND when the database holds no analysis. */
int v8a_store_load_analysis(v8a_store *s, const v8a_heap *h, v8a_analysis **out);

/* The interface definitions stored with the analysis, without loading the
 * heap (what heapdiff applies to the base snapshot). *out is the caller's,
 * freed with v8a_interfaces_free(); empty when the snapshot has none. */
int v8a_store_load_interfaces(v8a_store *s, v8a_interfaces **out);

/* Every node id of the snapshot, ascending, without loading the heap.
 * *out is the caller's, freed with v8a_free(). */
int v8a_store_node_ids(v8a_store *s, uint64_t **out, size_t *n);

/* 1 if the file at path starts with the SQLite header, 0 if not, or an error. */
int v8a_is_database(const char *path);

/* Opens the cached database of the raw snapshot at path if the cache holds a
 * current one; V8A_ENOTFOUND (error not set) when it does not. */
int v8a_cache_lookup(v8a_store **out, const char *path, const char *cache_dir);

/* The cache file a raw snapshot at path would use (malloc'd into *out, freed
 * with free()). Returns 0, or an error when path cannot be resolved. */
int v8a_cache_path(char **out, const char *path, const char *cache_dir);

#ifdef __cplusplus
}
#endif
#endif
