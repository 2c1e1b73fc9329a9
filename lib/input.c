/* input.c - mapped or gzip-streamed input files.
 *
 * Invariant: after v8a__input_open() succeeds exactly one of map (kind MAP)
 * or gz (kind STREAM) is set, and v8a__input_close() releases it and the fd.
 */
/* madvise(MADV_DONTNEED) is Linux/BSD, not POSIX: glibc's posix_madvise
 * ignores POSIX_MADV_DONTNEED, and dropping pages is the point here. */
#define _DEFAULT_SOURCE
#include "input.h"

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

int v8a__input_open(v8a__input *in, const char *path, int allow_map)
{
    struct stat st;
    memset(in, 0, sizeof *in);
    in->name = path;
    in->fd = -1;
    if (strcmp(path, "-") == 0) {
        in->fd = dup(STDIN_FILENO);
        if (in->fd < 0) return v8a__error_set(V8A_EIO, "%s: %s", path, strerror(errno));
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) {
            int e = errno;
            return v8a__error_set(e == ENOENT ? V8A_ENOTFOUND : V8A_EIO, "%s: %s", path,
                                  strerror(e));
        }
    }
    if (fstat(in->fd, &st) != 0) {
        int e = errno;
        v8a__input_close(in);
        return v8a__error_set(V8A_EIO, "%s: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        v8a__input_close(in);
        return v8a__error_set(V8A_EIO, "%s: is a directory", path);
    }
    in->regular = S_ISREG(st.st_mode);
    in->file_size = in->regular ? (uint64_t)st.st_size : 0;
    in->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    if (in->regular) {
        unsigned char magic[2] = {0, 0};
        ssize_t k = pread(in->fd, magic, 2, 0);
        in->compressed = k == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }
    if (in->regular && !in->compressed && allow_map && in->file_size > 0 &&
        in->file_size <= SIZE_MAX) {
        void *m = mmap(NULL, (size_t)in->file_size, PROT_READ, MAP_PRIVATE, in->fd, 0);
        if (m != MAP_FAILED) {
            in->map = m;
            in->map_len = (size_t)in->file_size;
            in->kind = V8A__IN_MAP;
            madvise(m, in->map_len, MADV_SEQUENTIAL);
            return 0;
        }
    }
    int fd2 = dup(in->fd);
    gzFile gz = fd2 >= 0 ? gzdopen(fd2, "rb") : NULL;
    if (!gz) {
        if (fd2 >= 0) close(fd2);
        v8a__input_close(in);
        return v8a__error_set(V8A_EIO, "%s: cannot open stream", path);
    }
    gzbuffer(gz, 1 << 20);
    in->gz = gz;
    in->kind = V8A__IN_STREAM;
    return 0;
}

int v8a__input_read(v8a__input *in, void *buf, size_t cap, size_t *got, uint64_t offset)
{
    *got = 0;
    if (cap > (size_t)INT_MAX) cap = (size_t)INT_MAX;
    int k = gzread((gzFile)in->gz, buf, (unsigned)cap);
    if (k < 0) {
        int errnum = 0;
        const char *msg = gzerror((gzFile)in->gz, &errnum);
        if (errnum == Z_ERRNO)
            return v8a__error_set(V8A_EIO, "%s: byte %llu: read error: %s", in->name,
                                  (unsigned long long)offset, strerror(errno));
        return v8a__error_set(V8A_EFORMAT,
                              "%s: byte %llu of the uncompressed data: corrupt gzip stream (%s)",
                              in->name, (unsigned long long)offset, msg ? msg : "?");
    }
    if (!in->compressed && k > 0 && !gzdirect((gzFile)in->gz)) in->compressed = 1;
    if (k == 0) {
        /* gzread reports a stream cut short only through gzerror */
        int errnum = 0;
        gzerror((gzFile)in->gz, &errnum);
        if (errnum == Z_BUF_ERROR)
            return v8a__error_set(V8A_EFORMAT,
                                  "%s: byte %llu of the uncompressed data: the gzip stream ends "
                                  "early (file truncated?)",
                                  in->name, (unsigned long long)offset);
    }
    *got = (size_t)k;
    return 0;
}

uint64_t v8a__input_file_position(v8a__input *in)
{
    if (in->kind == V8A__IN_STREAM) {
        z_off_t o = gzoffset((gzFile)in->gz);
        return o > 0 ? (uint64_t)o : 0;
    }
    return 0;
}

void v8a__input_release(v8a__input *in, uint64_t from, uint64_t to)
{
    if (in->kind != V8A__IN_MAP) return;
    long ps = sysconf(_SC_PAGESIZE);
    uint64_t page = (uint64_t)(ps > 0 ? ps : 4096);
    from = (from + page - 1) / page * page;
    to = to / page * page;
    if (to > in->map_len) to = in->map_len / page * page;
    if (to > from) madvise((void *)(in->map + from), (size_t)(to - from), MADV_DONTNEED);
}

void v8a__input_close(v8a__input *in)
{
    if (in->map) munmap((void *)in->map, in->map_len);
    if (in->gz) gzclose((gzFile)in->gz);
    if (in->fd >= 0) close(in->fd);
    in->map = NULL;
    in->gz = NULL;
    in->fd = -1;
}

int v8a_input_kind(const char *path)
{
    if (!path || strcmp(path, "-") == 0) return V8A_INPUT_OTHER; /* cannot peek at a pipe */
    unsigned char head[100];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return v8a__error_set(e == ENOENT ? V8A_ENOTFOUND : V8A_EIO, "%s: %s", path, strerror(e));
    }
    ssize_t k = read(fd, head, sizeof head);
    close(fd);
    if (k >= 72 && memcmp(head, "SQLite format 3", 16) == 0) {
        uint32_t app = (uint32_t)head[68] << 24 | (uint32_t)head[69] << 16 |
                       (uint32_t)head[70] << 8 | head[71];
        return app == 0x56384131u   ? V8A_INPUT_HEAP_DB
               : app == 0x56384150u ? V8A_INPUT_PROFILE_DB
                                    : V8A_INPUT_OTHER;
    }
    /* the first bytes of the (decompressed) JSON: {"snapshot": ... */
    v8a__input in;
    if (v8a__input_open(&in, path, 0) < 0) return V8A_INPUT_OTHER;
    char buf[64];
    size_t got = 0, have = 0;
    while (have < sizeof buf - 1 &&
           v8a__input_read(&in, buf + have, sizeof buf - 1 - have, &got, have) == 0 && got)
        have += got;
    v8a__input_close(&in);
    v8a_error_clear();
    buf[have] = '\0';
    size_t i = 0;
    while (i < have && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')) i++;
    if (i < have && buf[i] == '{') {
        i++;
        while (i < have && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
            i++;
        if (strncmp(buf + i, "\"snapshot\"", 10) == 0) return V8A_INPUT_HEAP_SNAPSHOT;
    }
    return V8A_INPUT_OTHER;
}
