/* utf8.c - strict UTF-8 validation and JSON string decoding.
 *
 * yajl validates UTF-8 only structurally and decodes lone surrogates lossily
 * (\uD800 becomes '?', \uDC00 becomes invalid bytes), so v8a decodes string
 * tokens itself from the raw text whenever they contain escapes. ASCII runs
 * are skipped eight bytes at a time; everything else is checked per byte.
 */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence starting at s (n bytes left), or 0. */
static size_t seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) return (n >= 2 && (s[1] & 0xc0) == 0x80) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80) return 0;
        if (c == 0xe0 && s[1] < 0xa0) return 0;  /* overlong */
        if (c == 0xed && s[1] >= 0xa0) return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if (c == 0xf0 && s[1] < 0x90) return 0;  /* overlong */
        if (c == 0xf4 && s[1] >= 0x90) return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

size_t v8a__utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        size_t k = seq_len(s + i, n - i);
        if (!k) return i;
        i += k;
    }
    return n;
}

static int hex4(const unsigned char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    *out = v;
    return 0;
}

static size_t put_cp(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

#define REPLACEMENT 0xfffdu

int v8a__json_string_decode(const unsigned char *raw, size_t n, char *out, size_t *out_len,
                            size_t *bad)
{
    size_t i = 0, o = 0;
    while (i < n) {
        unsigned c = raw[i];
        if (c != '\\') {
            if (c < 0x80) {
                out[o++] = (char)c;
                i++;
                continue;
            }
            size_t k = seq_len(raw + i, n - i);
            if (!k) {
                *bad = i;
                return -1;
            }
            memcpy(out + o, raw + i, k);
            o += k;
            i += k;
            continue;
        }
        if (i + 1 >= n) {
            *bad = i;
            return -1;
        }
        unsigned e = raw[i + 1];
        switch (e) {
        case '"':
            out[o++] = '"';
            i += 2;
            continue;
        case '\\':
            out[o++] = '\\';
            i += 2;
            continue;
        case '/':
            out[o++] = '/';
            i += 2;
            continue;
        case 'b':
            out[o++] = '\b';
            i += 2;
            continue;
        case 'f':
            out[o++] = '\f';
            i += 2;
            continue;
        case 'n':
            out[o++] = '\n';
            i += 2;
            continue;
        case 'r':
            out[o++] = '\r';
            i += 2;
            continue;
        case 't':
            out[o++] = '\t';
            i += 2;
            continue;
        case 'u': break;
        default: *bad = i; return -1;
        }
        unsigned cp;
        if (i + 6 > n || hex4(raw + i + 2, &cp) < 0) {
            *bad = i;
            return -1;
        }
        i += 6;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            unsigned lo;
            if (i + 6 <= n && raw[i] == '\\' && raw[i + 1] == 'u' && hex4(raw + i + 2, &lo) == 0 &&
                lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                i += 6;
            } else {
                cp = REPLACEMENT; /* lone high surrogate */
            }
        } else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0) {
            cp = REPLACEMENT; /* lone low surrogate, or NUL */
        }
        o += put_cp(out + o, cp);
    }
    *out_len = o;
    return 0;
}
