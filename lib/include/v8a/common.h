/* v8a/common.h - error codes, the last-error state and shared option types.
 *
 * Every v8a function that can fail returns an int: 0 on success or a negative
 * V8A_E* code. The human-readable reason, which always names the file and the
 * byte offset (or node, or table) where the fault lies, is kept per thread and
 * read with v8a_error_last(). The library never prints and never exits.
 */
#ifndef V8A_COMMON_H
#define V8A_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes; functions return 0 or one of these. */
enum {
    V8A_OK = 0,
    V8A_EFORMAT = -1,      /* malformed input: bad JSON, wrong meta, counts that lie */
    V8A_EUNSUPPORTED = -2, /* valid but not a layout or version v8a handles */
    V8A_ENOMEM = -3,       /* an allocation failed or a configured limit was reached */
    V8A_EIO = -4,          /* reading or writing a file failed */
    V8A_ENOTFOUND = -5,    /* no such file, table, node or key */
    V8A_EINVAL = -6,       /* the caller passed an invalid argument */
    V8A_ECANCELED = -7     /* a progress callback asked to stop */
};

/* The last error raised on this thread. */
typedef struct v8a_error {
    int code;            /* one of the V8A_E* codes */
    const char *message; /* "FILE: byte N: reason"; never NULL */
} v8a_error;

/* Returns the last error raised on this thread, or NULL when none was raised
 * since the last v8a_error_clear(). The pointer is borrowed and stays valid
 * until the next v8a call on this thread that fails. */
const v8a_error *v8a_error_last(void);

/* Forgets the last error of this thread. */
void v8a_error_clear(void);

/* What a file holds, judged from its first bytes (gzip is looked through). */
enum {
    V8A_INPUT_OTHER = 0,         /* anything else: a profile, folded stacks, junk */
    V8A_INPUT_HEAP_SNAPSHOT = 1, /* JSON starting {"snapshot": */
    V8A_INPUT_HEAP_DB = 2,       /* a v8a heap snapshot database */
    V8A_INPUT_PROFILE_DB = 3     /* a v8a profile database */
};

/* One of V8A_INPUT_*, or V8A_ENOTFOUND / V8A_EIO when path cannot be opened.
 * Standard input ("-") is V8A_INPUT_OTHER: it cannot be peeked at. */
int v8a_input_kind(const char *path);

/* Frees an array the library handed out (documented where it does). */
void v8a_free(void *p);

/* The library's version, "MAJOR.MINOR.PATCH". Static storage. */
const char *v8a_version(void);

/* Progress of long work, reported about every 1% or 64 MiB. `stage` is a
 * short static name ("parse", "store", ...), `done` and `total` are in the
 * stage's own unit (bytes for parsing, rows for storing); `total` is 0 when
 * unknown. Return 0 to go on, non-zero to cancel (the call then fails with
 * V8A_ECANCELED). Called on the thread that did the work. */
typedef int (*v8a_progress_cb)(void *payload, const char *stage, uint64_t done, uint64_t total);

#ifdef __cplusplus
}
#endif
#endif
