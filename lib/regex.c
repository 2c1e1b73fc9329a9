/* regex.c - PCRE2 with limits for patterns from users.
 *
 * Compile: UTF with PCRE2_MATCH_INVALID_UTF (subjects are valid UTF-8 by the
 * store's policy, but this costs nothing and guards other callers), no \C,
 * JavaScript's \uHHHH, patterns of at most 64 KiB. Match: a match
 * limit of 1e6 steps per subject and a depth limit; a subject that exceeds
 * them is an error, not a silent "no match" (the caller cannot tell the two
 * apart otherwise), which also bounds the total time.
 */
#include "alloc.h"
#include "error.h"

#include <pcre2.h>
#include <string.h>
#include <v8a/regex.h>

#define MAX_PATTERN (64u << 10)
#define MATCH_LIMIT 1000000u
#define DEPTH_LIMIT 100000u

struct v8a_regex {
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    char *what;
};

int v8a_regex_new(v8a_regex **out, const char *pattern, const char *what)
{
    *out = NULL;
    size_t plen = strlen(pattern);
    if (plen > MAX_PATTERN)
        return v8a__error_set(V8A_EINVAL, "%s: the pattern is longer than %u bytes", what,
                              MAX_PATTERN);
    v8a_regex *re = v8a__calloc(1, sizeof *re);
    if (!re || !(re->what = v8a__strdup(what))) {
        v8a__free(re);
        return v8a__error_nomem("regex");
    }
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    if (!cc) {
        v8a_regex_free(re);
        return v8a__error_nomem("regex");
    }
    pcre2_set_max_pattern_length(cc, MAX_PATTERN);
    int err = 0;
    PCRE2_SIZE erroff = 0;
    /* PCRE2_ALT_BSUX: \uHHHH as in JavaScript, which is what these names come from */
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C | PCRE2_ALT_BSUX;
    re->code = pcre2_compile((PCRE2_SPTR)pattern, plen, opts, &err, &erroff, cc);
    pcre2_compile_context_free(cc);
    if (!re->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        v8a_regex_free(re);
        return v8a__error_set(V8A_EINVAL, "%s: regex error at offset %zu: %s", what, (size_t)erroff,
                              (const char *)msg);
    }
    pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE); /* optional: falls back to the interpreter */
    re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
    re->mc = pcre2_match_context_create(NULL);
    if (!re->md || !re->mc) {
        v8a_regex_free(re);
        return v8a__error_nomem("regex");
    }
    pcre2_set_match_limit(re->mc, MATCH_LIMIT);
    pcre2_set_depth_limit(re->mc, DEPTH_LIMIT);
    *out = re;
    return 0;
}

int v8a_regex_match(v8a_regex *re, const char *subject, size_t len)
{
    int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, re->md, re->mc);
    if (rc >= 0) return 1;
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
        return v8a__error_set(V8A_EINVAL,
                              "%s: the pattern exceeded its match limit (catastrophic "
                              "backtracking?); simplify it",
                              re->what);
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    return v8a__error_set(V8A_EINVAL, "%s: match error: %s", re->what, (const char *)msg);
}

void v8a_regex_free(v8a_regex *re)
{
    if (!re) return;
    pcre2_match_data_free(re->md);
    pcre2_match_context_free(re->mc);
    pcre2_code_free(re->code);
    v8a__free(re->what);
    v8a__free(re);
}
