/* json_feed.c - feeding a stream to a JSON reader in whole tokens
 * (json_feed.h).
 *
 * Bytes are scanned once, tracking only whether they are inside a string
 * (and after a backslash there); the feed is cut after the last structural
 * character outside strings, and the tail waits in the buffer for the next
 * read. The buffer grows with the longest token, which max_token bounds.
 */
#include "json_feed.h"

#include "alloc.h"
#include "error.h"

#include <inttypes.h>
#include <string.h>
#include <v8a/common.h>

int v8a__json_feed(const char *name, size_t chunk, uint64_t max_token, const char *limit,
                   v8a__read_fn rd, void *rd_payload, v8a__feed_fn feed, void *feed_payload)
{
    size_t cap = 0, have = 0, scanned = 0, safe = 0;
    int in_str = 0, esc = 0, rc = 0;
    uint64_t offset = 0; /* of buf[0] in the input */
    unsigned char *buf = NULL;
    for (;;) {
        if (have > max_token + 65536) {
            rc = v8a__error_set(V8A_ENOMEM,
                                "%s: byte %" PRIu64 ": a token of more than %" PRIu64
                                " bytes exceeds the limit (%s)",
                                name, offset, max_token, limit);
            break;
        }
        if (have + chunk > cap && v8a__grow((void **)&buf, &cap, have + chunk, 1) < 0) {
            rc = v8a__error_set(V8A_ENOMEM, "%s: byte %" PRIu64 ": out of memory (input buffer)",
                                name, offset);
            break;
        }
        size_t got = 0;
        rc = rd(rd_payload, buf + have, chunk, &got, offset + have);
        if (rc < 0) break;
        if (got == 0) {
            if (have > 0) rc = feed(feed_payload, buf, have);
            break;
        }
        have += got;
        for (size_t i = scanned; i < have; i++) {
            unsigned char c = buf[i];
            if (in_str) {
                if (esc)
                    esc = 0;
                else if (c == '\\')
                    esc = 1;
                else if (c == '"')
                    in_str = 0;
            } else if (c == '"') {
                in_str = 1;
            } else if (c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == ':') {
                safe = i + 1;
            }
        }
        scanned = have;
        if (safe > 0) {
            rc = feed(feed_payload, buf, safe);
            if (rc != 0) break;
            memmove(buf, buf + safe, have - safe);
            offset += safe;
            have -= safe;
            scanned = have;
            safe = 0;
        }
    }
    v8a__free(buf);
    return rc;
}

int v8a__yajl_guarded(yajl_handle y, jmp_buf **slot, const unsigned char *buf, size_t len,
                      int complete, yajl_status *st)
{
    jmp_buf jb;
    *slot = &jb;
    if (setjmp(jb)) {
        *slot = NULL;
        return -1;
    }
    *st = complete ? yajl_complete_parse(y) : yajl_parse(y, buf, len);
    *slot = NULL;
    return 0;
}

const char *v8a__json_not_json(const unsigned char *buf, size_t len, int gzip_too)
{
    if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
        return "starts with a UTF-8 byte order mark, which JSON does not allow";
    if (len >= 2 && ((buf[0] == 0xff && buf[1] == 0xfe) || (buf[0] == 0xfe && buf[1] == 0xff)))
        return "looks like UTF-16 text; V8 writes UTF-8";
    if (gzip_too && len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
        return "looks like gzip data inside a stream that was already decompressed";
    return NULL;
}
