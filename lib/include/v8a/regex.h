/* v8a/regex.h - user-supplied regular expressions (PCRE2), made safe.
 *
 * Patterns come from command lines and CI configuration; subjects are class
 * and function names from untrusted files. A pattern is compiled once (with
 * the JIT where available) in UTF mode with invalid UTF-8 tolerated as a
 * barrier, \C and mode-switching verbs refused, and a match limit, so that a
 * catastrophic pattern fails with a clear error instead of hanging.
 */
#ifndef V8A_REGEX_H
#define V8A_REGEX_H

#include <v8a/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct v8a_regex v8a_regex;

/* Compiles pattern. `what` names it in messages ("--class"). Fails with
 * V8A_EINVAL and "--class: regex error at offset 3: missing closing
 * parenthesis". *out is the caller's, freed with v8a_regex_free(). */
int v8a_regex_new(v8a_regex **out, const char *pattern, const char *what);

/* 1 if subject (len bytes) matches, 0 if not; V8A_EINVAL when the pattern
 * exceeded its match limit on this subject, or its budget of such failures
 * over all subjects (the error says so). */
int v8a_regex_match(v8a_regex *re, const char *subject, size_t len);

void v8a_regex_free(v8a_regex *re);

#ifdef __cplusplus
}
#endif
#endif
