/* error.h - setting the thread-local last error (private to lib/).
 *
 * v8a__error_set() formats the message; callers pass the file name and byte
 * offset themselves so every message says where. Dependency errors (yajl,
 * SQLite, zlib) are turned into one of these exactly once, where they occur.
 */
#ifndef V8A_ERROR_H
#define V8A_ERROR_H

#include <v8a/common.h>

#if defined(__GNUC__)
#define V8A_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define V8A_PRINTF(f, a)
#endif

/* Records code and message as this thread's last error; returns code so
 * callers can write `return v8a__error_set(V8A_EFORMAT, ...)`. */
int v8a__error_set(int code, const char *fmt, ...) V8A_PRINTF(2, 3);

/* Records V8A_ENOMEM with a message naming what could not be allocated. */
int v8a__error_nomem(const char *what);

/* Appends text escaped for a one-line message: printable ASCII as is,
 * everything else as \xHH or \uHHHH, cut at max bytes of input with "...".
 * Writes at most cap bytes including the NUL into dst. */
void v8a__error_quote(char *dst, size_t cap, const char *src, size_t len, size_t max);

#endif
