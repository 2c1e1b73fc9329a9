/* error.c - the thread-local last-error state.
 *
 * One v8a_error per thread, with a message buffer that grows as needed. The
 * buffer is static per thread so that reporting out-of-memory never needs an
 * allocation: when growing fails the message is cut to the fixed buffer.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MSG_CAP 1024

static _Thread_local char tl_msg[MSG_CAP];
static _Thread_local v8a_error tl_err;
static _Thread_local int tl_set;

const v8a_error *v8a_error_last(void)
{
    return tl_set ? &tl_err : NULL;
}

void v8a_error_clear(void)
{
    tl_set = 0;
    tl_msg[0] = '\0';
}

const char *v8a_version(void)
{
    return V8A_VERSION;
}

int v8a__error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tl_msg, sizeof tl_msg, fmt, ap);
    va_end(ap);
    /* one line: never let a newline from formatted data through */
    for (char *p = tl_msg; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    tl_err.code = code;
    tl_err.message = tl_msg;
    tl_set = 1;
    return code;
}

int v8a__error_nomem(const char *what)
{
    return v8a__error_set(V8A_ENOMEM, "out of memory (%s)", what);
}

void v8a__error_quote(char *dst, size_t cap, const char *src, size_t len, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (cap == 0) return;
    for (size_t i = 0; i < len && i < max; i++) {
        unsigned char c = (unsigned char)src[i];
        char tmp[5];
        size_t n;
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
            tmp[0] = (char)c;
            n = 1;
        } else if (c == '\\' || c == '"') {
            tmp[0] = '\\';
            tmp[1] = (char)c;
            n = 2;
        } else {
            tmp[0] = '\\';
            tmp[1] = 'x';
            tmp[2] = hex[c >> 4];
            tmp[3] = hex[c & 15];
            n = 4;
        }
        if (o + n + 1 > cap) break;
        memcpy(dst + o, tmp, n);
        o += n;
    }
    if (len > max && o + 4 <= cap) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}
