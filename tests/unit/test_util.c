/* test_util.c - helpers shared by the suites: fixtures, digests, temp dirs. */
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

const char *fixture(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", V8A_FIXTURES, rel);
    return buf;
}

unsigned char *slurp(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            unsigned char *b = realloc(buf, cap);
            if (!b) break;
            buf = b;
        }
        int k = gzread(f, buf + n, (unsigned)(cap - n));
        if (k <= 0) break;
        n += (size_t)k;
    }
    gzclose(f);
    *len = n;
    return buf;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

static uint64_t mix_str(uint64_t h, const char *s)
{
    for (; s && *s; s++) h = mix(h, (unsigned char)*s);
    return mix(h, 0xff);
}

uint64_t heap_digest(const v8a_heap *h)
{
    uint64_t d = 1469598103934665603ull;
    uint32_t n = v8a_heap_node_count(h), m = v8a_heap_edge_count(h);
    d = mix(d, n);
    d = mix(d, m);
    d = mix(d, v8a_heap_string_count(h));
    for (size_t i = 0; i < v8a_heap_node_field_count(h); i++)
        d = mix_str(d, v8a_heap_node_field(h, i));
    for (size_t i = 0; i < v8a_heap_edge_field_count(h); i++)
        d = mix_str(d, v8a_heap_edge_field(h, i));
    for (size_t i = 0; i < v8a_heap_node_type_count(h); i++)
        d = mix_str(d, v8a_heap_node_type_name(h, (unsigned)i));
    for (uint32_t i = 0; i < n; i++) {
        d = mix(d, v8a_heap_node_id(h, i));
        d = mix(d, v8a_heap_node_type(h, i));
        d = mix(d, v8a_heap_node_name(h, i));
        d = mix(d, v8a_heap_node_self_size(h, i));
        d = mix(d, v8a_heap_node_first_edge(h, i));
        d = mix(d, v8a_heap_node_detachedness(h, i));
        d = mix(d, v8a_heap_node_trace_node_id(h, i));
    }
    for (uint32_t e = 0; e < m; e++) {
        d = mix(d, v8a_heap_edge_type(h, e));
        d = mix(d, v8a_heap_edge_name_or_index(h, e));
        d = mix(d, v8a_heap_edge_to(h, e));
    }
    for (uint32_t s = 0; s < v8a_heap_string_count(h); s++)
        d = mix_str(d, v8a_heap_string(h, s, NULL));
    for (uint32_t i = 0; i < v8a_heap_location_count(h); i++) {
        v8a_heap_location l;
        v8a_heap_get_location(h, i, &l);
        d = mix(mix(mix(mix(mix(d, l.node), l.script_id), l.script_node), l.line), l.column);
    }
    for (uint32_t i = 0; i < v8a_heap_trace_function_count(h); i++) {
        v8a_heap_trace_function f;
        v8a_heap_get_trace_function(h, i, &f);
        d = mix(
            mix(mix(mix(mix(mix(d, f.function_id), f.name), f.script_name), f.script_id), f.line),
            f.column);
    }
    for (uint32_t i = 0; i < v8a_heap_trace_node_count(h); i++) {
        v8a_heap_trace_node t;
        v8a_heap_get_trace_node(h, i, &t);
        d = mix(mix(mix(mix(mix(d, t.id), t.function_info), t.parent), t.count), t.size);
    }
    for (uint32_t i = 0; i < v8a_heap_sample_count(h); i++) {
        uint64_t ts, id;
        v8a_heap_get_sample(h, i, &ts, &id);
        d = mix(mix(d, ts), id);
    }
    const v8a_heap_header *hd = v8a_heap_get_header(h);
    d = mix(mix(d, hd->has_extra_native_bytes), hd->extra_native_bytes);
    return d;
}

static char tmpdir[256];

static void cleanup(void)
{
    char cmd[300];
    if (!tmpdir[0]) return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", tmpdir);
}

const char *test_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/v8a-test-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmpdir)) return "/tmp";
        atexit(cleanup);
    }
    return tmpdir;
}
