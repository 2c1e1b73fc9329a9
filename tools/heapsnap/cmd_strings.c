/* cmd_strings.c - heapsnap strings: duplicated strings, by bytes wasted.
 *
 * As DevTools' "Duplicated strings" filter: string and concatenated-string
 * objects with a size, grouped by their text (cons strings whose one half is
 * empty are left out, as there); the bytes wasted are the group's total less
 * one copy (its largest). V8 cuts long strings' names at 1024 characters in
 * newer versions, so very long strings that share their beginning group
 * together.
 */
#include "heapsnap.h"

#include <cli.h>
#include <stdlib.h>
#include <string.h>
#include <table.h>

enum { OPT_TOP = 'n', OPT_MAX_WIDTH = 'w' };

static const cli_option options[] = {
    {"top", OPT_TOP, "N", "the N largest groups (default 30; 0 for all)"},
    {"width", OPT_MAX_WIDTH, "W", "shorten the text to W characters (default 80; 0: whole)"},
    HS_COMMON_OPTIONS,
};

static const char usage[] = "Usage: heapsnap strings [OPTIONS] SNAPSHOT|DB\n";
static const char description[] =
    "Finds strings held more than once, ranked by the bytes the copies waste.\n";

typedef struct {
    const char *text; /* the string's name, or a cons string's joined text (owned) */
    size_t len;
    int owned;
    uint64_t size;
} entry;

typedef struct {
    const char *text;
    size_t len;
    uint32_t count;
    uint64_t total, largest;
} group;

static int by_text(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->text, b->text, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int by_waste(const void *x, const void *y)
{
    const group *a = x, *b = y;
    uint64_t wa = a->total - a->largest, wb = b->total - b->largest;
    if (wa != wb) return wa > wb ? -1 : 1;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->text, b->text, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* A cons string's text as DevTools' name() builds it: the leaves along its
 * first and second edges, left to right, up to 1024 characters. */
static char *cons_text(const v8a_heap *h, uint32_t o, unsigned t_cons, size_t *len)
{
    size_t cap = 256, n = 0, sp = 0, scap = 64;
    char *out = malloc(cap);
    uint32_t *stack = malloc(scap * 4);
    if (!out || !stack) goto oom;
    stack[sp++] = o;
    while (sp && n < 1024) {
        uint32_t x = stack[--sp];
        if (v8a_heap_node_type(h, x) != t_cons) {
            size_t k;
            const char *leaf = v8a_heap_string(h, v8a_heap_node_name(h, x), &k);
            if (n + k + 1 > cap) {
                while (n + k + 1 > cap) cap *= 2;
                char *q = realloc(out, cap);
                if (!q) goto oom;
                out = q;
            }
            memcpy(out + n, leaf, k);
            n += k;
            continue;
        }
        uint32_t first = UINT32_MAX, second = UINT32_MAX;
        for (uint32_t e = v8a_heap_node_first_edge(h, x); e < v8a_heap_node_first_edge(h, x + 1);
             e++) {
            if (v8a_heap_edge_name_is_index(h, e)) continue;
            const char *en = v8a_heap_string(h, v8a_heap_edge_name_or_index(h, e), NULL);
            if (!strcmp(en, "first"))
                first = v8a_heap_edge_to(h, e);
            else if (!strcmp(en, "second"))
                second = v8a_heap_edge_to(h, e);
        }
        if (sp + 2 > scap) {
            scap *= 2;
            uint32_t *q = realloc(stack, scap * 4);
            if (!q) goto oom;
            stack = q;
        }
        if (second != UINT32_MAX) stack[sp++] = second;
        if (first != UINT32_MAX) stack[sp++] = first;
    }
    free(stack);
    out[n] = '\0';
    *len = n;
    return out;
oom:
    free(out);
    free(stack);
    return NULL;
}

/* A cons string with an empty half is "flat": DevTools leaves it out. */
static int flat_cons(const v8a_heap *h, uint32_t o)
{
    for (uint32_t e = v8a_heap_node_first_edge(h, o); e < v8a_heap_node_first_edge(h, o + 1); e++) {
        if (v8a_heap_edge_name_is_index(h, e)) continue;
        const char *en = v8a_heap_string(h, v8a_heap_edge_name_or_index(h, e), NULL);
        if (strcmp(en, "first") && strcmp(en, "second")) continue;
        size_t len;
        v8a_heap_string(h, v8a_heap_node_name(h, v8a_heap_edge_to(h, e)), &len);
        if (len == 0) return 1;
    }
    return 0;
}

/* The first w code points of s, cut with an ellipsis. */
static void shorten(char *dst, size_t cap, const char *s, size_t len, long w)
{
    size_t i = 0, cps = 0;
    while (i < len && (w == 0 || (long)cps < w)) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80) i++;
        cps++;
    }
    size_t n = i < cap - 4 ? i : cap - 4;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80) n--;
    memcpy(dst, s, n);
    if (n < len) memcpy(dst + n, "\xe2\x80\xa6", 3), n += 3;
    dst[n] = '\0';
}

int cmd_strings(int argc, char **argv)
{
    const char *arg;
    hs_args ha = {NULL, CLI_TEXT, 0};
    long top = 30, width = 80;
    int c;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        int done, common = hs_common_option(c, arg, &ha, usage, description, options, &done);
        if (common < 0) return done;
        if (common > 0) continue;
        switch (c) {
        case OPT_TOP:
            if (hs_parse_count("--top", arg, &top)) return CLI_TROUBLE;
            break;
        case OPT_MAX_WIDTH:
            if (hs_parse_count("--width", arg, &width)) return CLI_TROUBLE;
            break;
        default: return CLI_TROUBLE;
        }
    }
    int i = hs_operands(argc, argv, 1, 1, "SNAPSHOT or DB");
    if (i < 0) return CLI_TROUBLE;
    hs_loaded l;
    if (hs_open_loaded(argv[i], ha.no_cache, &l)) return CLI_TROUBLE;
    v8a_heap *h = l.h;
    v8a_analysis *a = l.a;
    int rc = 0;
    unsigned t_string = hs_node_type(h, "string"), t_cons = hs_node_type(h, "concatenated string");
    entry *ents = NULL;
    group *g = NULL;
    size_t ne = 0, cap = 0, ng = 0;
    cli_table *t = cli_table_new();
    if (!t) {
        rc = cli_error("out of memory");
        goto done;
    }
    for (uint32_t o = 0; o < v8a_heap_node_count(h); o++) {
        unsigned ty = v8a_heap_node_type(h, o);
        uint64_t sz = v8a_analysis_shallow_size(a, o);
        if ((ty != t_string && ty != t_cons) || sz == 0) continue;
        if (ty == t_cons && flat_cons(h, o)) continue;
        if (ne == cap) {
            cap = cap ? cap * 2 : 4096;
            entry *q = realloc(ents, cap * sizeof *ents);
            if (!q) {
                rc = cli_error("out of memory");
                goto done;
            }
            ents = q;
        }
        entry *x = &ents[ne];
        x->size = sz;
        x->owned = ty == t_cons;
        if (x->owned) {
            char *txt = cons_text(h, o, t_cons, &x->len);
            if (!txt) {
                rc = cli_error("out of memory");
                goto done;
            }
            x->text = txt;
        } else {
            x->text = v8a_heap_string(h, v8a_heap_node_name(h, o), &x->len);
        }
        ne++;
    }
    qsort(ents, ne, sizeof *ents, by_text);
    g = malloc((ne ? ne : 1) * sizeof *g);
    if (!g) {
        rc = cli_error("out of memory");
        goto done;
    }
    for (size_t k = 0; k < ne;) {
        size_t j = k;
        group x = {ents[k].text, ents[k].len, 0, 0, 0};
        while (j < ne && by_text(&ents[j], &ents[k]) == 0) {
            x.count++;
            x.total += ents[j].size;
            if (ents[j].size > x.largest) x.largest = ents[j].size;
            j++;
        }
        if (x.count > 1) g[ng++] = x;
        k = j;
    }
    qsort(g, ng, sizeof *g, by_waste);
    size_t kept = ng;
    cli_table_column(t, "string", CLI_COL_TEXT);
    cli_table_column(t, "count", CLI_COL_INT);
    cli_table_column(t, "total_size", CLI_COL_BYTES);
    cli_table_column(t, "wasted_size", CLI_COL_BYTES);
    for (size_t k = 0; k < kept && (top == 0 || k < (size_t)top); k++) {
        char buf[4096];
        shorten(buf, sizeof buf, g[k].text, g[k].len, width);
        cli_table_text(t, buf, strlen(buf));
        cli_table_int(t, g[k].count);
        cli_table_uint(t, g[k].total);
        cli_table_uint(t, g[k].total - g[k].largest);
    }
    rc = cli_table_emit(t, ha.output, ha.fmt, 0);
done:
    for (size_t k = 0; k < ne; k++)
        if (ents[k].owned) free((char *)ents[k].text);
    free(ents);
    free(g);
    cli_table_free(t);
    hs_loaded_close(&l);
    return rc;
}
