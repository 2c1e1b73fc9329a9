/* profile_store.c - profiles in SQLite: v8a_profile_store, v8a_profile_load, v8a_profile_open.
 *
 * A profile database is its own kind of v8a database: application_id "V8AP"
 * and its own schema version (docs/schema.md, "Profile databases"), so a
 * heap tool rejects it by name and vice versa. Writing goes to a temporary
 * file beside the target with the journal off, in one transaction, then the
 * file is synced and renamed: readers see the old file or the whole new one.
 * Samples and nodes, the big tables, go through the bulk virtual table
 * (store_bulk.c); the rest through prepared statements. Loading re-interns
 * the text columns, so string ordinals may differ from the reader's while
 * every name, url and number is the same.
 */
#include "alloc.h"
#include "error.h"
#include "profile_internal.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char schema[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE frames(id INTEGER PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL,"
    " line INTEGER NOT NULL, \"column\" INTEGER NOT NULL, package TEXT NOT NULL,"
    " category TEXT NOT NULL);"
    "CREATE TABLE nodes(id INTEGER PRIMARY KEY, parent INTEGER, frame INTEGER NOT NULL,"
    " depth INTEGER NOT NULL, file_id INTEGER NOT NULL, hit_count INTEGER NOT NULL,"
    " self_bytes INTEGER NOT NULL, deopt_reason TEXT);"
    "CREATE TABLE position_ticks(node INTEGER NOT NULL, line INTEGER NOT NULL,"
    " ticks INTEGER NOT NULL);"
    "CREATE TABLE samples(idx INTEGER PRIMARY KEY, node INTEGER NOT NULL,"
    " time_us INTEGER NOT NULL, duration_us INTEGER NOT NULL);";

/* ---- writing ---- */

static void node_col(const v8a__bulk *b, sqlite3_int64 row, int col, sqlite3_context *ctx)
{
    const v8a_profile *p = b->payload;
    const v8a_profile_node *n = &p->nodes[row];
    switch (col) {
    case 0: sqlite3_result_int64(ctx, row); break;
    case 1:
        if (n->parent == V8A_PROFILE_NONE)
            sqlite3_result_null(ctx);
        else
            sqlite3_result_int64(ctx, n->parent);
        break;
    case 2: sqlite3_result_int64(ctx, n->frame); break;
    case 3: sqlite3_result_int64(ctx, n->depth); break;
    case 4: sqlite3_result_int64(ctx, n->id); break;
    case 5: sqlite3_result_int64(ctx, n->hit_count); break;
    case 6: sqlite3_result_int64(ctx, n->self_bytes); break;
    default:
        if (n->deopt_reason)
            sqlite3_result_text(ctx, v8a_profile_string(p, n->deopt_reason), -1, SQLITE_STATIC);
        else
            sqlite3_result_null(ctx);
        break;
    }
}

static void sample_col(const v8a__bulk *b, sqlite3_int64 row, int col, sqlite3_context *ctx)
{
    const v8a_profile *p = b->payload;
    switch (col) {
    case 0: sqlite3_result_int64(ctx, row); break;
    case 1: sqlite3_result_int64(ctx, p->sample_node[row]); break;
    case 2: sqlite3_result_int64(ctx, p->sample_time[row]); break;
    default: sqlite3_result_int64(ctx, p->sample_duration[row]); break;
    }
}

static int put_meta(sqlite3 *db, const char *path, sqlite3_stmt *st, const char *key,
                    const char *text, int64_t v)
{
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (text)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, 2, v);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : v8a__sqlite_error(db, rc, path, "write meta");
}

static int write_meta(sqlite3 *db, const char *path, const v8a_profile *p, const char *source)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT INTO meta VALUES(?,?)", -1, &st, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(db, rc, path, "write meta");
    char when[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const struct {
        const char *key, *text;
        int64_t v;
    } rows[] = {
        {"schema_version", NULL, V8A_PROFILE_SCHEMA_VERSION},
        {"kind", p->kind == V8A_PROFILE_HEAP ? "heap" : "cpu", 0},
        {"format", v8a_profile_format_name(p->format), 0},
        {"source_path", source ? source : "", 0},
        {"imported_at", when, 0},
        {"start_time_us", NULL, p->start_time_us},
        {"end_time_us", NULL, p->end_time_us},
        {"interval_us", NULL, p->interval_us},
        {"duration_us", NULL, p->duration_us},
        {"negative_deltas", NULL, (int64_t)p->anomalies.negative_deltas},
        {"hitcount_mismatches", NULL, (int64_t)p->anomalies.hitcount_mismatches},
        {"long_gaps", NULL, (int64_t)p->anomalies.long_gaps},
        {"longest_gap_us", NULL, p->anomalies.longest_gap_us},
        {"orphan_samples", NULL, (int64_t)p->orphan_samples},
        {"pid", NULL, p->pid},
        {"tid", NULL, p->tid},
        {"thread_name", v8a_profile_string(p, p->thread_name), 0},
        {"nthreads", NULL, p->nthreads},
        {"max_depth", NULL, p->max_depth},
        {"node_count", NULL, p->nnodes},
        {"frame_count", NULL, p->nframes},
        {"sample_count", NULL, (int64_t)p->nsamples},
    };
    rc = 0;
    for (size_t i = 0; i < sizeof rows / sizeof *rows && rc == 0; i++)
        rc = put_meta(db, path, st, rows[i].key, rows[i].text, rows[i].v);
    sqlite3_finalize(st);
    return rc;
}

static int write_frames(sqlite3 *db, const char *path, const v8a_profile *p)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT INTO frames VALUES(?,?,?,?,?,?,?)", -1, &st, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(db, rc, path, "write frames");
    for (uint32_t i = 0; i < p->nframes; i++) {
        const v8a_frame *f = &p->frames[i];
        sqlite3_bind_int64(st, 1, i);
        sqlite3_bind_text(st, 2, v8a_profile_string(p, f->name), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, v8a_profile_string(p, f->url), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, f->line);
        sqlite3_bind_int64(st, 5, f->column);
        sqlite3_bind_text(st, 6, v8a_profile_string(p, f->package), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, v8a_frame_category_name((v8a_frame_category)f->category), -1,
                          SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            sqlite3_finalize(st);
            return v8a__sqlite_error(db, rc, path, "write frames");
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = sqlite3_prepare_v2(db, "INSERT INTO position_ticks VALUES(?,?,?)", -1, &st, NULL);
    if (rc != SQLITE_OK) return v8a__sqlite_error(db, rc, path, "write position_ticks");
    for (uint32_t i = 0; i < p->nnodes; i++)
        for (uint32_t k = 0; k < p->nodes[i].n_ticks; k++) {
            const v8a_position_tick *t = &p->ticks[p->nodes[i].first_tick + k];
            sqlite3_bind_int64(st, 1, i);
            sqlite3_bind_int64(st, 2, t->line);
            sqlite3_bind_int64(st, 3, t->ticks);
            rc = sqlite3_step(st);
            sqlite3_reset(st);
            if (rc != SQLITE_DONE) {
                sqlite3_finalize(st);
                return v8a__sqlite_error(db, rc, path, "write position_ticks");
            }
        }
    sqlite3_finalize(st);
    return 0;
}

static int sync_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) return v8a__error_set(V8A_EIO, "%s: %s", path, strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    return rc == 0 ? 0 : v8a__error_set(V8A_EIO, "%s: fsync: %s", path, strerror(e));
}

int v8a_profile_store(const v8a_profile *p, const char *db_path, const char *source)
{
    sqlite3 *db = NULL;
    char *tmp = NULL;
    int rc;
    if (!p || !db_path) return v8a__error_set(V8A_EINVAL, "v8a_profile_store: invalid argument");
    v8a__sqlite_setup();
    size_t n = strlen(db_path);
    tmp = v8a__malloc(n + 16);
    if (!tmp) return v8a__error_nomem("path");
    memcpy(tmp, db_path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = v8a__error_set(V8A_EIO, "%s: cannot create: %s", db_path, strerror(errno));
        v8a__free(tmp);
        return rc;
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) { /* harmless: the file stays private */
    }
    close(fd);
    rc = sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        rc = v8a__sqlite_error(db, rc, db_path, "create database");
        goto fail;
    }
    char pragmas[256];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA page_size=65536; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
             "PRAGMA locking_mode=EXCLUSIVE; PRAGMA application_id=%d; PRAGMA user_version=%d;",
             V8A_PROFILE_APPLICATION_ID, V8A_PROFILE_SCHEMA_VERSION);
    if ((rc = v8a__sqlite_exec(db, db_path, pragmas)) < 0) goto fail;
    if ((rc = v8a__sqlite_exec(db, db_path, "BEGIN EXCLUSIVE")) < 0) goto fail;
    if ((rc = v8a__sqlite_exec(db, db_path, schema)) < 0) goto fail;
    if ((rc = write_meta(db, db_path, p, source)) < 0) goto fail;
    if ((rc = write_frames(db, db_path, p)) < 0) goto fail;
    v8a__bulk nb = {8, p->nnodes, node_col, p, NULL, NULL, 0, 0};
    if ((rc = v8a__bulk_insert(db, db_path, "nodes",
                               "id,parent,frame,depth,file_id,hit_count,self_bytes,deopt_reason",
                               &nb)) < 0)
        goto fail;
    v8a__bulk sb = {4, (sqlite3_int64)p->nsamples, sample_col, p, NULL, NULL, 0, 0};
    if ((rc = v8a__bulk_insert(db, db_path, "samples", "idx,node,time_us,duration_us", &sb)) < 0)
        goto fail;
    if ((rc = v8a__sqlite_exec(db, db_path,

                               "CREATE INDEX ticks_node ON position_ticks(node); COMMIT")) < 0)
        goto fail;
    rc = sqlite3_close(db);
    db = NULL;
    if (rc != SQLITE_OK) {
        rc = v8a__error_set(V8A_EIO, "%s: cannot close the database", db_path);
        goto fail;
    }
    if ((rc = sync_file(tmp)) < 0) goto fail;
    if (rename(tmp, db_path) != 0) {
        rc = v8a__error_set(V8A_EIO, "%s: cannot rename %s into place: %s", db_path, tmp,
                            strerror(errno));
        goto fail;
    }
    v8a__free(tmp);
    return 0;
fail:
    if (db) sqlite3_close(db);
    unlink(tmp);
    v8a__free(tmp);
    return rc < 0 ? rc : V8A_EIO;
}

/* ---- loading ---- */

typedef struct {
    sqlite3 *db;
    const char *path;
    v8a__prof b; /* for interning */
} loader;

static int load_err(loader *l, int rc, const char *what)
{
    return v8a__sqlite_error(l->db, rc, l->path, what);
}

static int intern_col(loader *l, sqlite3_stmt *st, int col, uint32_t *out)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    int n = sqlite3_column_bytes(st, col);
    int64_t k = v8a__prof_string(&l->b, s ? s : "", s ? (size_t)n : 0);
    if (k < 0) return v8a__error_nomem("strings");
    *out = (uint32_t)k;
    return 0;
}

static int count_rows(loader *l, const char *table, int64_t *n)
{
    char sql[96];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    int rc = sqlite3_prepare_v2(l->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *n = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : load_err(l, rc, "read");
}

static int bad_db(loader *l, const char *what)
{
    return v8a__error_set(V8A_EFORMAT, "%s: the profile database is inconsistent (%s)", l->path,
                          what);
}

static int load_meta(loader *l, v8a_profile *p)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(l->db, "SELECT key, value FROM meta", -1, &st, NULL);
    if (rc != SQLITE_OK) return load_err(l, rc, "read meta");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        const char *t = (const char *)sqlite3_column_text(st, 1);
        int64_t v = sqlite3_column_int64(st, 1);
        if (!k) continue;
        if (strcmp(k, "kind") == 0)
            p->kind = t && strcmp(t, "heap") == 0;
        else if (strcmp(k, "format") == 0) {
            for (int f = 0; f <= V8A_PROFILE_FORMAT_FOLDED; f++)
                if (t && strcmp(t, v8a_profile_format_name((v8a_profile_format)f)) == 0)
                    p->format = (v8a_profile_format)f;
        } else if (strcmp(k, "start_time_us") == 0)
            p->start_time_us = v;
        else if (strcmp(k, "end_time_us") == 0)
            p->end_time_us = v;
        else if (strcmp(k, "interval_us") == 0)
            p->interval_us = v;
        else if (strcmp(k, "duration_us") == 0)
            p->duration_us = v;
        else if (strcmp(k, "negative_deltas") == 0)
            p->anomalies.negative_deltas = (uint64_t)v;
        else if (strcmp(k, "hitcount_mismatches") == 0)
            p->anomalies.hitcount_mismatches = (uint64_t)v;
        else if (strcmp(k, "long_gaps") == 0)
            p->anomalies.long_gaps = (uint64_t)v;
        else if (strcmp(k, "longest_gap_us") == 0)
            p->anomalies.longest_gap_us = v;
        else if (strcmp(k, "orphan_samples") == 0)
            p->orphan_samples = (uint64_t)v;
        else if (strcmp(k, "pid") == 0)
            p->pid = v;
        else if (strcmp(k, "tid") == 0)
            p->tid = v;
        else if (strcmp(k, "nthreads") == 0)
            p->nthreads = (uint32_t)v;
        else if (strcmp(k, "thread_name") == 0 && t && *t) {
            if ((rc = intern_col(l, st, 1, &p->thread_name)) < 0) break;
        }
    }
    sqlite3_finalize(st);
    if (rc < 0) return rc;
    return rc == SQLITE_DONE ? 0 : load_err(l, rc, "read meta");
}

static int load_frames(loader *l, v8a_profile *p)
{
    int64_t n = 0;
    int rc = count_rows(l, "frames", &n);
    if (rc < 0) return rc;
    if (n < 0 || n > UINT32_MAX - 1) return bad_db(l, "frames");
    p->frames = v8a__calloc(n ? (size_t)n : 1, sizeof *p->frames);
    if (!p->frames) return v8a__error_nomem("frames");
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(l->db,
                            "SELECT id, name, url, line, \"column\", package, category FROM frames "
                            "ORDER BY id",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) return load_err(l, rc, "read frames");
    int64_t i = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (i >= n || sqlite3_column_int64(st, 0) != i) {
            sqlite3_finalize(st);
            return bad_db(l, "frame ids");
        }
        v8a_frame *f = &p->frames[i];
        if ((rc = intern_col(l, st, 1, &f->name)) < 0 || (rc = intern_col(l, st, 2, &f->url)) < 0 ||
            (rc = intern_col(l, st, 5, &f->package)) < 0)
            break;
        f->line = (int32_t)sqlite3_column_int64(st, 3);
        f->column = (int32_t)sqlite3_column_int64(st, 4);
        const char *c = (const char *)sqlite3_column_text(st, 6);
        for (int k = 0; k < 8; k++)
            if (c && strcmp(c, v8a_frame_category_name((v8a_frame_category)k)) == 0)
                f->category = (uint32_t)k;
        i++;
    }
    sqlite3_finalize(st);
    if (rc < 0) return rc;
    if (rc != SQLITE_DONE) return load_err(l, rc, "read frames");
    p->nframes = (uint32_t)i;
    return 0;
}

static int load_nodes(loader *l, v8a_profile *p)
{
    int64_t n = 0, nt = 0;
    int rc = count_rows(l, "nodes", &n);
    if (!rc) rc = count_rows(l, "position_ticks", &nt);
    if (rc < 0) return rc;
    if (n <= 0 || n > UINT32_MAX - 1 || nt < 0 || nt > UINT32_MAX - 1) return bad_db(l, "nodes");
    p->nodes = v8a__calloc((size_t)n, sizeof *p->nodes);
    p->ticks = v8a__calloc(nt ? (size_t)nt : 1, sizeof *p->ticks);
    if (!p->nodes || !p->ticks) return v8a__error_nomem("nodes");
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(l->db,
                            "SELECT id, parent, frame, depth, file_id, hit_count, self_bytes, "
                            "deopt_reason FROM nodes ORDER BY id",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) return load_err(l, rc, "read nodes");
    int64_t i = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        v8a_profile_node *o = &p->nodes[i];
        int64_t par = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 1);
        int64_t fr = sqlite3_column_int64(st, 2);
        if (i >= n || sqlite3_column_int64(st, 0) != i || (i == 0) != (par < 0) || par >= i ||
            fr < 0 || fr >= p->nframes) {
            sqlite3_finalize(st);
            return bad_db(l, "node rows");
        }
        o->parent = par < 0 ? V8A_PROFILE_NONE : (uint32_t)par;
        o->frame = (uint32_t)fr;
        o->depth = i == 0 ? 0 : p->nodes[par].depth + 1;
        if (o->depth > p->max_depth) p->max_depth = o->depth;
        o->id = (uint32_t)sqlite3_column_int64(st, 4);
        o->hit_count = sqlite3_column_int64(st, 5);
        o->self_bytes = sqlite3_column_int64(st, 6);
        if (sqlite3_column_type(st, 7) != SQLITE_NULL &&
            (rc = intern_col(l, st, 7, &o->deopt_reason)) < 0)
            break;
        i++;
    }
    sqlite3_finalize(st);
    if (rc < 0) return rc;
    if (rc != SQLITE_DONE) return load_err(l, rc, "read nodes");
    p->nnodes = (uint32_t)i;
    rc = sqlite3_prepare_v2(
        l->db, "SELECT node, line, ticks FROM position_ticks ORDER BY node, rowid", -1, &st, NULL);
    if (rc != SQLITE_OK) return load_err(l, rc, "read position_ticks");
    int64_t k = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t node = sqlite3_column_int64(st, 0);
        if (k >= nt || node < 0 || node >= p->nnodes) {
            sqlite3_finalize(st);
            return bad_db(l, "position_ticks");
        }
        v8a_profile_node *o = &p->nodes[node];
        if (o->n_ticks == 0) o->first_tick = (uint32_t)k;
        o->n_ticks++;
        p->ticks[k].line = (uint32_t)sqlite3_column_int64(st, 1);
        p->ticks[k].ticks = (uint32_t)sqlite3_column_int64(st, 2);
        k++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return load_err(l, rc, "read position_ticks");
    p->nticks = (uint32_t)k;
    return 0;
}

static int load_samples(loader *l, v8a_profile *p)
{
    int64_t n = 0;
    int rc = count_rows(l, "samples", &n);
    if (rc < 0) return rc;
    if (n < 0) return bad_db(l, "samples");
    size_t m = n ? (size_t)n : 1;
    p->sample_node = v8a__malloc(m * sizeof *p->sample_node);
    p->sample_time = v8a__malloc(m * sizeof *p->sample_time);
    p->sample_duration = v8a__malloc(m * sizeof *p->sample_duration);
    if (!p->sample_node || !p->sample_time || !p->sample_duration)
        return v8a__error_nomem("samples");
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(l->db, "SELECT node, time_us, duration_us FROM samples ORDER BY idx",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) return load_err(l, rc, "read samples");
    int64_t i = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t node = sqlite3_column_int64(st, 0);
        if (i >= n || node < 0 || node >= p->nnodes) {
            sqlite3_finalize(st);
            return bad_db(l, "samples");
        }
        p->sample_node[i] = (uint32_t)node;
        p->sample_time[i] = sqlite3_column_int64(st, 1);
        p->sample_duration[i] = sqlite3_column_int64(st, 2);
        i++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return load_err(l, rc, "read samples");
    p->nsamples = (size_t)i;
    return 0;
}

static int pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

int v8a_profile_load(const char *db_path, v8a_profile **out)
{
    loader l = {NULL, db_path, {0}};
    v8a_profile *p = NULL;
    int rc;
    if (!out || !db_path) return v8a__error_set(V8A_EINVAL, "v8a_profile_load: invalid argument");
    *out = NULL;
    v8a__sqlite_setup();
    int isdb = v8a_is_database(db_path);
    if (isdb < 0) return isdb;
    if (!isdb) return v8a__error_set(V8A_EFORMAT, "%s: not a v8a profile database", db_path);
    v8a__prof_init(&l.b, db_path);
    rc = sqlite3_open_v2(db_path, &l.db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        rc = load_err(&l, rc, "open");
        goto done;
    }
    int64_t app = 0, ver = 0;
    rc = pragma_int(l.db, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK) rc = pragma_int(l.db, "PRAGMA user_version", &ver);
    if (rc != SQLITE_OK) {
        rc = load_err(&l, rc, "read the schema version");
        goto done;
    }
    if (app != V8A_PROFILE_APPLICATION_ID) {
        rc = v8a__error_set(V8A_EFORMAT, "%s: a SQLite database, but not a v8a profile database",
                            db_path);
        goto done;
    }
    if (ver != V8A_PROFILE_SCHEMA_VERSION) {
        rc = v8a__error_set(V8A_EUNSUPPORTED,
                            "%s: profile schema version %" PRId64
                            " is not the one this v8a reads (%d); import the profile again",
                            db_path, ver, V8A_PROFILE_SCHEMA_VERSION);
        goto done;
    }
    p = v8a__calloc(1, sizeof *p);
    if (!p || v8a__prof_string(&l.b, "", 0) < 0) {
        rc = v8a__error_nomem("profile");
        goto done;
    }
    p->nthreads = 1;
    if ((rc = load_meta(&l, p)) < 0 || (rc = load_frames(&l, p)) < 0 ||
        (rc = load_nodes(&l, p)) < 0 || (rc = load_samples(&l, p)) < 0)
        goto done;
    size_t ns = l.b.strings.count;
    p->strings = v8a__calloc(ns, sizeof *p->strings);
    if (!p->strings) {
        rc = v8a__error_nomem("strings");
        goto done;
    }
    for (size_t i = 0; i < ns; i++) {
        size_t len;
        const char *s = v8a__strmap_key(&l.b.strings, i, &len);
        if (!(p->strings[i] = v8a__malloc(len + 1))) {
            rc = v8a__error_nomem("strings");
            goto done;
        }
        memcpy(p->strings[i], s, len + 1);
        p->nstrings = (uint32_t)(i + 1);
    }
    rc = 0;
done:
    if (l.db) sqlite3_close(l.db);
    v8a__prof_free(&l.b);
    if (rc < 0) {
        v8a_profile_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int v8a_profile_open(const char *path, const v8a_profile_options *opt, v8a_profile **out)
{
    if (!out || !path) return v8a__error_set(V8A_EINVAL, "v8a_profile_open: invalid argument");
    *out = NULL;
    if (strcmp(path, "-") != 0) {
        int isdb = v8a_is_database(path);
        if (isdb < 0) return isdb;
        if (isdb) return v8a_profile_load(path, out);
    }
    return v8a_profile_read(path, opt, out);
}
