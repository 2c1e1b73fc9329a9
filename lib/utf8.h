/* utf8.h - strict UTF-8 validation and JSON string decoding (private to lib/).
 *
 * Policy (docs/formats.md): every string v8a stores is strictly valid UTF-8.
 * Escaped lone surrogates and \u0000 become U+FFFD; raw bytes that are not
 * valid UTF-8 (overlong forms, encoded surrogates, above U+10FFFF, truncated
 * sequences) make the input malformed.
 */
#ifndef V8A_UTF8_H
#define V8A_UTF8_H

#include <stddef.h>

/* Length of the longest strictly valid UTF-8 prefix of s[0..n). */
size_t v8a__utf8_valid_prefix(const unsigned char *s, size_t n);

/* Decodes the content of a JSON string (the bytes between the quotes, as they
 * stand in the file) into out, which must hold n bytes (decoding never grows
 * the text). Sets *out_len. Returns 0, or -1 when the raw text holds invalid
 * UTF-8 or a malformed escape; *bad is then the offset of the fault in raw. */
int v8a__json_string_decode(const unsigned char *raw, size_t n, char *out, size_t *out_len,
                            size_t *bad);

#endif
