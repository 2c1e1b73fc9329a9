/* cache.c - the import cache for raw snapshots.
 *
 * Analysis commands accept a raw snapshot; its import is kept under
 * $XDG_CACHE_HOME/v8a (default ~/.cache/v8a) in a file named by a hash of the
 * snapshot's real path, size, modification time and the schema version. The
 * database records the same facts in its meta table, and they are checked on
 * reuse, so a hash collision or a rewritten file means a fresh import. When
 * the cache cannot be written, the import goes to a temporary file that the
 * store removes when closed: the command still works, only slower next time.
 */
#include "alloc.h"
#include "error.h"
#include "store_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *cache_dir_for(const char *given)
{
    char buf[4096];
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (given)
        snprintf(buf, sizeof buf, "%s", given);
    else if (xdg && xdg[0] == '/')
        snprintf(buf, sizeof buf, "%s/v8a", xdg);
    else if (home && home[0])
        snprintf(buf, sizeof buf, "%s/.cache/v8a", home);
    else
        return NULL;
    return v8a__strdup(buf);
}

/* mkdir -p, mode 0700 for what it creates. */
static int make_dirs(const char *dir)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return -1;
    return access(tmp, W_OK | X_OK);
}

typedef struct {
    char *real;
    uint64_t size;
    int64_t mtime_ns;
} source_id;

static int identify(source_id *id, const char *path)
{
    struct stat st;
    id->real = realpath(path, NULL);
    if (!id->real || stat(id->real, &st) != 0) {
        int e = errno;
        free(id->real);
        id->real = NULL;
        return v8a__error_set(e == ENOENT ? V8A_ENOTFOUND : V8A_EIO, "%s: %s", path, strerror(e));
    }
    id->size = (uint64_t)st.st_size;
    id->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    return 0;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static char *cache_file(const char *dir, const source_id *id)
{
    uint64_t h = 0xcbf29ce484222325ull;
    int ver = V8A_SCHEMA_VERSION;
    h = fnv1a(h, id->real, strlen(id->real) + 1);
    h = fnv1a(h, &id->size, sizeof id->size);
    h = fnv1a(h, &id->mtime_ns, sizeof id->mtime_ns);
    h = fnv1a(h, &ver, sizeof ver);
    size_t n = strlen(dir) + 32;
    char *p = v8a__malloc(n);
    if (p) snprintf(p, n, "%s/%016" PRIx64 ".v8adb", dir, h);
    return p;
}

int v8a_cache_path(char **out, const char *path, const char *cache_dir)
{
    source_id id;
    *out = NULL;
    int rc = identify(&id, path);
    if (rc < 0) return rc;
    char *dir = cache_dir_for(cache_dir);
    if (!dir) {
        free(id.real);
        return v8a__error_set(V8A_ENOTFOUND, "no cache directory (HOME is not set)");
    }
    char *p = cache_file(dir, &id);
    v8a__free(dir);
    free(id.real);
    if (!p) return v8a__error_nomem("path");
    *out = strdup(p);
    v8a__free(p);
    return *out ? 0 : v8a__error_nomem("path");
}

/* The cached database matches the file as it is now. */
static int still_valid(v8a_store *s, const source_id *id)
{
    char real[4096], size[32], mtime[32];
    if (v8a_store_get_meta(s, "source_realpath", real, sizeof real) < 0 ||
        v8a_store_get_meta(s, "source_size", size, sizeof size) < 0 ||
        v8a_store_get_meta(s, "source_mtime_ns", mtime, sizeof mtime) < 0)
        return 0;
    return strcmp(real, id->real) == 0 && strtoull(size, NULL, 10) == id->size &&
           strtoll(mtime, NULL, 10) == id->mtime_ns;
}

int v8a_cache_lookup(v8a_store **out, const char *path, const char *cache_dir)
{
    source_id id = {0};
    *out = NULL;
    if (identify(&id, path) < 0) {
        v8a_error_clear();
        return V8A_ENOTFOUND;
    }
    char *dir = cache_dir_for(cache_dir);
    char *file = dir ? cache_file(dir, &id) : NULL;
    int rc = V8A_ENOTFOUND;
    v8a_store *s = NULL;
    if (file && access(file, R_OK) == 0 && v8a_store_open(&s, file) == 0 && still_valid(s, &id)) {
        *out = s;
        rc = 0;
    } else {
        v8a_store_close(s);
        v8a_error_clear();
    }
    free(id.real);
    v8a__free(dir);
    v8a__free(file);
    return rc;
}

/* Imports path into db as the open asks (row tables only when it wants
 * them), keeping the heap and analysis in *h and *a when it says keep. */
static int import_for(const char *path, const char *db, const v8a_open_options *opts, v8a_heap **h,
                      v8a_analysis **a)
{
    v8a_import_options io = opts->import;
    io.rows = opts->rows;
    *h = NULL;
    *a = NULL;
    return v8a__store_import_keep(path, db, &io, opts->keep ? h : NULL, a);
}

/* Opens db, which an import just wrote, handing it what the import kept
 * (freed when the open fails). */
static int open_imported(v8a_store **out, const char *db, v8a_heap *h, v8a_analysis *a)
{
    int rc = v8a_store_open(out, db);
    if (rc < 0) {
        v8a_analysis_free(a);
        v8a_heap_free(h);
        return rc;
    }
    (*out)->imported = 1;
    (*out)->kept_heap = h;
    (*out)->kept_analysis = a;
    return 0;
}

/* Imports path into a fresh temporary database, removed on close. */
static int open_temporary(v8a_store **out, const char *path, const v8a_open_options *opts)
{
    const char *tmpdir = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/v8a-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return v8a__error_set(V8A_EIO, "%s: cannot create a temporary database: %s", tmpl,
                              strerror(errno));
    close(fd);
    v8a_heap *h;
    v8a_analysis *a;
    int rc = import_for(path, tmpl, opts, &h, &a);
    if (rc == 0) rc = open_imported(out, tmpl, h, a);
    if (rc < 0) {
        unlink(tmpl);
        return rc;
    }
    (*out)->temporary = 1;
    return 0;
}

int v8a__cache_open(v8a_store **out, const char *path, const v8a_open_options *opts)
{
    source_id id = {0};
    char *dir = NULL, *file = NULL;
    int rc;
    *out = NULL;
    if (opts->no_cache || strcmp(path, "-") == 0) return open_temporary(out, path, opts);
    if ((rc = identify(&id, path)) < 0) return rc;
    dir = cache_dir_for(opts->cache_dir);
    if (!dir || make_dirs(dir) != 0) {
        rc = open_temporary(out, path, opts);
        goto done;
    }
    if (!(file = cache_file(dir, &id))) {
        rc = v8a__error_nomem("path");
        goto done;
    }
    if (access(file, R_OK) == 0) {
        v8a_store *s = NULL;
        if (v8a_store_open(&s, file) == 0 && still_valid(s, &id) &&
            (!opts->rows || v8a_store_has_rows(s))) {
            *out = s;
            rc = 0;
            goto done;
        }
        v8a_store_close(s);
        v8a_error_clear();
    }
    v8a_heap *h;
    v8a_analysis *a;
    rc = import_for(path, file, opts, &h, &a);
    if (rc == V8A_EIO) {
        /* the cache is not writable after all (disk full, read-only): go on without it */
        v8a_error_clear();
        rc = open_temporary(out, path, opts);
        goto done;
    }
    if (rc == 0) rc = open_imported(out, file, h, a);
done:
    free(id.real);
    v8a__free(dir);
    v8a__free(file);
    return rc;
}
