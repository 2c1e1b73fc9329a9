/* store_internal.h - what the store modules share (private to lib/).
 *
 * The schema text, SQLite error conversion, and the bulk source: a virtual
 * table that serves C arrays to `INSERT INTO t SELECT * FROM src`, which
 * loads rows about twice as fast as a bind/step/reset loop.
 */
#ifndef V8A_STORE_INTERNAL_H
#define V8A_STORE_INTERNAL_H

#include <sqlite3.h>
#include <v8a/store.h>

struct v8a_store {
    sqlite3 *db;
    char *path;
    int temporary; /* unlink path on close */
    int imported;
    v8a_heap *heap; /* loaded on demand by the edges table */
    /* What the import that made this database had in memory, handed to the
     * first v8a_store_load_heap / _load_analysis instead of reading it
     * back (v8a_open_options.keep) */
    v8a_heap *kept_heap;
    v8a_analysis *kept_analysis;
};

/* v8a_store_import that also returns the heap and its analysis, when
 * keep_h is not NULL (both the caller's). */
int v8a__store_import_keep(const char *snapshot, const char *db_path,
                           const v8a_import_options *opts, v8a_heap **keep_h,
                           v8a_analysis **keep_a);

/* Configures SQLite once per process (multi-thread mode, no memory stats). */
void v8a__sqlite_setup(void);

/* Sets the error from the connection's last message; returns the code. */
int v8a__sqlite_error(sqlite3 *db, int code, const char *path, const char *what);

/* Executes sql (no rows expected). Returns 0 or V8A_EIO with the error set. */
int v8a__sqlite_exec(sqlite3 *db, const char *path, const char *sql);

/* A column source for one bulk insert. */
typedef struct v8a__bulk {
    int ncols;
    sqlite3_int64 nrows;
    /* Sets result column col of row with sqlite3_result_*. */
    void (*column)(const struct v8a__bulk *b, sqlite3_int64 row, int col, sqlite3_context *ctx);
    const void *payload;
    v8a_progress_cb progress; /* reported every 1M rows as stage "store" */
    void *progress_payload;
    uint64_t done_before, total; /* for progress across several inserts */
} v8a__bulk;

/* Runs `INSERT INTO <table>(<cols>) SELECT * FROM <source>`, the source
 * serving b's rows. Returns 0 or an error. */
int v8a__bulk_insert(sqlite3 *db, const char *path, const char *table, const char *cols,
                     v8a__bulk *b);

/* Registers the `edges` table-valued function on s's connection. */
int v8a__edges_register(v8a_store *s);

/* Looks up or fills the cache for a raw snapshot (cache.c). */
int v8a__cache_open(v8a_store **out, const char *path, const v8a_open_options *opts);

/* Schema creation statements (store_import.c). */
extern const char v8a__schema_sql[];

#endif
