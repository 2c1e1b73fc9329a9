/* output.c - temporary-file-and-rename output for reports. */
#include "output.h"

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *cli_temp_beside(const char *path)
{
    size_t n = strlen(path);
    char *t = malloc(n + 16);
    if (!t) return NULL;
    memcpy(t, path, n);
    memcpy(t + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(t);
    if (fd < 0) {
        int e = errno;
        free(t);
        errno = e;
        return NULL;
    }
    mode_t mask = umask(0); /* mkstemp makes 0600; reports get the usual mode */
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    close(fd);
    return t;
}

int cli_out_open(cli_out *o, const char *path)
{
    struct stat st;
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    o->path = strdup(path);
    if (!o->path) return cli_error("out of memory");
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            free(o->path);
            o->path = NULL;
            return cli_error("%s: is a directory", path);
        }
        o->f = fopen(path, "w");
        if (!o->f) {
            int e = errno;
            free(o->path);
            o->path = NULL;
            return cli_error("%s: %s", path, strerror(e));
        }
        return 0;
    }
    o->tmp = cli_temp_beside(path);
    if (!o->tmp) {
        int e = errno;
        free(o->path);
        o->path = NULL;
        return cli_error("%s: cannot create: %s", path, strerror(e));
    }
    o->f = fopen(o->tmp, "w");
    if (!o->f) {
        int e = errno;
        unlink(o->tmp);
        free(o->tmp);
        free(o->path);
        memset(o, 0, sizeof *o);
        return cli_error("%s: cannot create: %s", path, strerror(e));
    }
    return 0;
}

void cli_out_abort(cli_out *o)
{
    if (o->f && o->f != stdout) fclose(o->f);
    if (o->tmp) unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof *o);
}

int cli_out_commit(cli_out *o)
{
    const char *name = o->path ? o->path : "standard output";
    int failed = fflush(o->f) != 0 || ferror(o->f);
    int e = errno;
    if (!failed && o->tmp && fsync(fileno(o->f)) != 0) {
        failed = 1;
        e = errno;
    }
    if (o->f != stdout) {
        if (fclose(o->f) != 0 && !failed) {
            failed = 1;
            e = errno;
        }
        o->f = NULL;
    }
    if (!failed && o->tmp && rename(o->tmp, o->path) != 0) {
        failed = 1;
        e = errno;
    }
    if (failed) {
        cli_error("%s: write error: %s", name, strerror(e));
        cli_out_abort(o);
        return CLI_TROUBLE;
    }
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof *o);
    return 0;
}
