/* report.c - heapdiff's report as text, Markdown, CSV and JSON.
 *
 * Text and Markdown are sections of tables (tools/common/table.h) with
 * human units; CSV is the class table alone, one row per class with every
 * column; JSON follows docs/heapdiff.md (schema_version 1) and is written
 * with yajl_gen. HTML is html.c.
 */
#include "heapdiff.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <table.h>
#include <yajl/yajl_gen.h>

void hd_signed_bytes(char *buf, size_t cap, int64_t v)
{
    if (cap < 2) return;
    buf[0] = v < 0 ? '-' : '+';
    cli_human_bytes(buf + 1, cap - 1, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

static double pct(uint64_t b, uint64_t a)
{
    return b ? ((double)a - (double)b) / (double)b * 100.0 : a ? INFINITY : 0;
}

static void pct_text(char *buf, size_t cap, uint64_t b, uint64_t a)
{
    double p = pct(b, a);
    if (isinf(p))
        snprintf(buf, cap, "new");
    else
        snprintf(buf, cap, "%+.1f%%", p);
}

/* ---- tables shared by text and Markdown ---- */

static cli_table *totals_table(const hd_report *r)
{
    cli_table *t = cli_table_new();
    if (!t) return NULL;
    cli_table_column(t, "Measure", CLI_COL_TEXT);
    cli_table_column(t, "Before", CLI_COL_BYTES);
    cli_table_column(t, "After", CLI_COL_BYTES);
    cli_table_column(t, "Delta", CLI_COL_DELTA_BYTES);
    cli_table_column(t, "Change", CLI_COL_TEXT);
    for (int i = 0; i < HD_NTOTALS; i++) {
        const hd_total *x = &r->totals[i];
        char p[32];
        pct_text(p, sizeof p, x->before, x->after);
        if (cli_table_text(t, x->label, strlen(x->label)) || cli_table_uint(t, x->before) ||
            cli_table_uint(t, x->after) ||
            cli_table_int(t, (int64_t)x->after - (int64_t)x->before) ||
            cli_table_text(t, p, strlen(p))) {
            cli_table_free(t);
            return NULL;
        }
    }
    return t;
}

/* The comparison; csv adds the columns text leaves out. */
static cli_table *classes_table(const hd_report *r, int csv)
{
    cli_table *t = cli_table_new();
    if (!t) return NULL;
    cli_table_column(t, csv ? "class" : "Class", CLI_COL_TEXT);
    if (csv) cli_table_column(t, "key", CLI_COL_TEXT);
    cli_table_column(t, csv ? "new" : "# New", CLI_COL_INT);
    cli_table_column(t, csv ? "deleted" : "# Deleted", CLI_COL_INT);
    cli_table_column(t, csv ? "delta" : "# Delta", CLI_COL_DELTA);
    cli_table_column(t, csv ? "alloc_size" : "Alloc. Size", CLI_COL_BYTES);
    cli_table_column(t, csv ? "freed_size" : "Freed Size", CLI_COL_BYTES);
    cli_table_column(t, csv ? "size_delta" : "Size Delta", CLI_COL_DELTA_BYTES);
    cli_table_column(t, csv ? "retained_delta" : "Retained Delta", CLI_COL_DELTA_BYTES);
    if (csv) {
        cli_table_column(t, "count_before", CLI_COL_INT);
        cli_table_column(t, "count_after", CLI_COL_INT);
        cli_table_column(t, "retained_before", CLI_COL_BYTES);
        cli_table_column(t, "retained_after", CLI_COL_BYTES);
        cli_table_column(t, "resized", CLI_COL_INT);
        cli_table_column(t, "resized_delta", CLI_COL_DELTA_BYTES);
    }
    int bad = 0;
    for (size_t i = 0; i < r->nrows && !bad; i++) {
        const v8a_diff_class *c = r->rows[i];
        bad |= cli_table_text(t, c->name, strlen(c->name));
        if (csv) bad |= cli_table_text(t, c->key, strlen(c->key));
        bad |= cli_table_uint(t, c->new_count) || cli_table_uint(t, c->deleted_count) ||
               cli_table_int(t, c->count_delta) || cli_table_uint(t, c->alloc_size) ||
               cli_table_uint(t, c->freed_size) || cli_table_int(t, c->size_delta) ||
               cli_table_int(t, c->retained_delta);
        if (csv)
            bad |= cli_table_uint(t, c->count_before) || cli_table_uint(t, c->count_after) ||
                   cli_table_uint(t, c->retained_before) || cli_table_uint(t, c->retained_after) ||
                   cli_table_uint(t, c->resized_count) || cli_table_int(t, c->resized_delta);
    }
    if (bad) {
        cli_table_free(t);
        return NULL;
    }
    return t;
}

static cli_table *paths_table(const hd_path *p, size_t n)
{
    cli_table *t = cli_table_new();
    if (!t) return NULL;
    cli_table_column(t, "Objects", CLI_COL_INT);
    cli_table_column(t, "Retained", CLI_COL_BYTES);
    cli_table_column(t, "Retainer path", CLI_COL_TEXT);
    for (size_t i = 0; i < n; i++)
        if (cli_table_uint(t, p[i].count) || cli_table_uint(t, p[i].retained) ||
            cli_table_text(t, p[i].signature, strlen(p[i].signature))) {
            cli_table_free(t);
            return NULL;
        }
    return t;
}

static cli_table *leak_classes_table(const hd_report *r)
{
    cli_table *t = cli_table_new();
    if (!t) return NULL;
    cli_table_column(t, "Class", CLI_COL_TEXT);
    cli_table_column(t, "Objects", CLI_COL_INT);
    cli_table_column(t, "Shallow Size", CLI_COL_BYTES);
    cli_table_column(t, "Retained Size", CLI_COL_BYTES);
    size_t n = r->nleak_classes;
    for (size_t i = 0; i < n; i++) {
        const hd_leak_class *c = &r->leak_classes[i];
        if (cli_table_text(t, c->name, strlen(c->name)) || cli_table_uint(t, c->count) ||
            cli_table_uint(t, c->shallow) || cli_table_uint(t, c->retained)) {
            cli_table_free(t);
            return NULL;
        }
    }
    return t;
}

/* Writes a table in text or Markdown, then frees it. */
static int put_table(cli_table *t, FILE *f, int md)
{
    if (!t) return -1;
    int rc = cli_table_write(t, f, md ? CLI_MARKDOWN : CLI_TEXT, 0);
    cli_table_free(t);
    return rc;
}

/* ---- text and Markdown ---- */

static void heading(FILE *f, int md, const char *text)
{
    if (md)
        fprintf(f, "\n### %s\n\n", text);
    else
        fprintf(f, "\n%s\n", text);
}

/* Untrusted text in Markdown prose: inside a code span, backticks replaced. */

static int write_human(const hd_report *r, const hd_options *o, FILE *f, int md)
{
    static const char *const role2[] = {"before", "after"};
    static const char *const role3[] = {"baseline", "target", "final"};
    char b1[32], b2[32];
    if (md) {
        fprintf(f, "## heapdiff\n\n");
        if (r->gates.n)
            fprintf(f, "%s: %zu of %zu gates tripped.\n\n",
                    r->gates.tripped ? "**FAIL**" : "**pass**", r->gates.tripped, r->gates.n);
    }
    for (int i = 0; i < r->ninputs; i++) {
        const char *role = r->ninputs == 3 ? role3[i] : role2[i];
        if (i == 1 && r->ninputs == 3) {
            fprintf(f, md ? "- %s: " : "%-8s  ", role);
            if (md)
                cli_md_code(f, r->in[i].path);
            else
                fputs(r->in[i].path, f);
            fprintf(f, " (%" PRIu64 " nodes)\n", r->in[i].nodes);
            continue;
        }
        cli_human_bytes(b1, sizeof b1, r->in[i].st.total);
        fprintf(f, md ? "- %s: " : "%-8s  ", role);
        if (md)
            cli_md_code(f, r->in[i].path);
        else
            fputs(r->in[i].path, f);
        fprintf(f, " (%" PRIu64 " nodes, %s)\n", r->in[i].nodes, b1);
    }

    heading(f, md, "Totals");
    if (put_table(totals_table(r), f, md)) return -1;

    char title[160];
    snprintf(title, sizeof title, "Comparison (DevTools), by size delta: %zu of %zu classes",
             r->nrows, r->nrows_all);
    heading(f, md, title);
    if (r->nrows_all == 0)
        fprintf(f, r->ndevtools ? "No class with new or deleted objects passes --class and "
                                  "--ignore.\n"
                                : "No class has new or deleted objects.\n");
    else if (put_table(classes_table(r, 0), f, md))
        return -1;
    if (r->resized_count) {
        hd_signed_bytes(b1, sizeof b1, r->resized_delta);
        fprintf(f, "%sObjects that kept their id but changed size: %" PRIu32 " (%s).\n",
                md ? "\n" : "\n", r->resized_count, b1);
    }

    if (r->ngrowth) {
        heading(f, md, "What keeps the growth alive");
        for (size_t i = 0; i < r->ngrowth; i++) {
            const hd_growth *g = &r->growth[i];
            hd_signed_bytes(b1, sizeof b1, g->cls->size_delta);
            hd_signed_bytes(b2, sizeof b2, g->cls->retained_delta);
            if (md) {
                fprintf(f, "%s", i ? "\n" : "");
                fputs("**", f);
                cli_md_code(f, g->cls->name);
                fprintf(f, "**: %" PRIu32 " new objects, size %s, retained %s\n\n",
                        g->cls->new_count, b1, b2);
            } else {
                fprintf(f, "%s%s: %" PRIu32 " new objects, size %s, retained %s\n", i ? "\n" : "",
                        g->cls->name, g->cls->new_count, b1, b2);
            }
            if (g->npaths && put_table(paths_table(g->paths, g->npaths), f, md)) return -1;
            if (g->unreachable)
                fprintf(f, "%s%" PRIu32 " of them are not reachable from the roots.\n",
                        md ? "\n" : "", g->unreachable);
        }
    }

    if (r->ninputs == 3) {
        heading(f, md, "Leaks (memlab): allocated between baseline and target, alive in final");
        cli_human_bytes(b1, sizeof b1, r->leak_shallow);
        cli_human_bytes(b2, sizeof b2, r->leak_retained);
        fprintf(f, "%" PRIu32 " objects, %s shallow, %s retained.\n", r->leak_count, b1, b2);
        if (r->nleak_classes) {
            fputc('\n', f);
            if (put_table(leak_classes_table(r), f, md)) return -1;
        }
        if (r->nleak_paths) {
            fputc('\n', f);
            if (put_table(paths_table(r->leak_paths, r->nleak_paths), f, md)) return -1;
        }
    }

    cli_gates_write(f, &r->gates, md);
    (void)o;
    return ferror(f) ? -1 : 0;
}

/* ---- JSON ---- */

#define S(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

static void j_int(yajl_gen g, const char *k, long long v)
{
    S(g, k);
    yajl_gen_integer(g, v);
}

/* A double in its shortest form that reads back exactly; integers without
 * a fraction; null when not finite. */
static void j_num(yajl_gen g, const char *k, double v)
{
    S(g, k);
    if (!isfinite(v)) {
        yajl_gen_null(g);
        return;
    }
    char buf[40];
    if (v == floor(v) && fabs(v) < 9e15) {
        snprintf(buf, sizeof buf, "%.0f", v);
    } else {
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, v);
            if (strtod(buf, NULL) == v) break;
        }
    }
    yajl_gen_number(g, buf, strlen(buf));
}

static void j_str(yajl_gen g, const char *k, const char *v)
{
    S(g, k);
    S(g, v);
}

static void j_paths(yajl_gen g, const hd_path *p, size_t n)
{
    yajl_gen_array_open(g);
    for (size_t i = 0; i < n; i++) {
        yajl_gen_map_open(g);
        j_str(g, "path", p[i].signature);
        j_int(g, "count", p[i].count);
        j_int(g, "retained", (long long)p[i].retained);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

static void j_input(yajl_gen g, const char *k, const hd_input *in, int full)
{
    S(g, k);
    yajl_gen_map_open(g);
    j_str(g, "path", in->path);
    j_int(g, "nodes", (long long)in->nodes);
    if (full) {
        j_int(g, "total", (long long)in->st.total);
        j_int(g, "heap", (long long)in->st.v8heap);
        j_int(g, "native", (long long)in->st.native);
        j_int(g, "external", (long long)in->st.typed_arrays);
        j_int(g, "strings", (long long)in->st.strings);
    }
    yajl_gen_map_close(g);
}

static void j_class(yajl_gen g, const v8a_diff_class *c)
{
    yajl_gen_map_open(g);
    j_str(g, "class", c->name);
    j_str(g, "key", c->key);
    j_int(g, "new", c->new_count);
    j_int(g, "deleted", c->deleted_count);
    j_int(g, "delta", c->count_delta);
    j_int(g, "alloc_size", (long long)c->alloc_size);
    j_int(g, "freed_size", (long long)c->freed_size);
    j_int(g, "size_delta", c->size_delta);
    j_int(g, "count_before", c->count_before);
    j_int(g, "count_after", c->count_after);
    j_int(g, "retained_before", (long long)c->retained_before);
    j_int(g, "retained_after", (long long)c->retained_after);
    j_int(g, "retained_delta", c->retained_delta);
    j_int(g, "resized", c->resized_count);
    j_int(g, "resized_delta", c->resized_delta);
    S(g, "in_devtools");
    yajl_gen_bool(g, c->in_devtools);
    yajl_gen_map_close(g);
}

static void write_json_cb(void *ctx, const char *s, size_t n)
{
    fwrite(s, 1, n, (FILE *)ctx);
}

static int write_json(const hd_report *r, FILE *f)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g) return -1;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    yajl_gen_config(g, yajl_gen_validate_utf8, 1);
    yajl_gen_config(g, yajl_gen_print_callback, write_json_cb, f);
    yajl_gen_map_open(g);
    j_int(g, "schema_version", HD_SCHEMA_VERSION);
    if (r->ninputs == 3) {
        j_input(g, "baseline", &r->in[0], 1);
        j_input(g, "target", &r->in[1], 0);
        j_input(g, "final", &r->in[2], 1);
    } else {
        j_input(g, "before", &r->in[0], 1);
        j_input(g, "after", &r->in[1], 1);
    }
    S(g, "totals");
    yajl_gen_map_open(g);
    for (int i = 0; i < HD_NTOTALS; i++) {
        const hd_total *t = &r->totals[i];
        S(g, t->name);
        yajl_gen_map_open(g);
        j_int(g, "before", (long long)t->before);
        j_int(g, "after", (long long)t->after);
        j_int(g, "delta", (long long)t->after - (long long)t->before);
        j_num(g, "change_pct", pct(t->before, t->after));
        yajl_gen_map_close(g);
    }
    yajl_gen_map_close(g);
    S(g, "resized");
    yajl_gen_map_open(g);
    j_int(g, "count", r->resized_count);
    j_int(g, "delta", r->resized_delta);
    yajl_gen_map_close(g);
    S(g, "classes");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < r->nrows; i++) j_class(g, r->rows[i]);
    yajl_gen_array_close(g);
    S(g, "growth");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < r->ngrowth; i++) {
        const hd_growth *gr = &r->growth[i];
        yajl_gen_map_open(g);
        j_str(g, "class", gr->cls->name);
        j_str(g, "key", gr->cls->key);
        j_int(g, "new", gr->cls->new_count);
        j_int(g, "size_delta", gr->cls->size_delta);
        j_int(g, "retained_delta", gr->cls->retained_delta);
        j_int(g, "unreachable", gr->unreachable);
        S(g, "paths");
        j_paths(g, gr->paths, gr->npaths);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    if (r->ninputs == 3) {
        S(g, "leaks");
        yajl_gen_map_open(g);
        j_int(g, "count", r->leak_count);
        j_int(g, "shallow_size", (long long)r->leak_shallow);
        j_int(g, "retained_size", (long long)r->leak_retained);
        S(g, "classes");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < r->nleak_classes; i++) {
            const hd_leak_class *c = &r->leak_classes[i];
            yajl_gen_map_open(g);
            j_str(g, "class", c->name);
            j_str(g, "key", c->key);
            j_int(g, "count", c->count);
            j_int(g, "shallow_size", (long long)c->shallow);
            j_int(g, "retained_size", (long long)c->retained);
            yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        S(g, "paths");
        j_paths(g, r->leak_paths, r->nleak_paths);
        yajl_gen_map_close(g);
    }
    S(g, "gates");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < r->gates.n; i++) {
        const cli_gate *gt = &r->gates.v[i];
        yajl_gen_map_open(g);
        j_str(g, "expr", gt->g->text);
        j_num(g, "before", gt->before);
        j_num(g, "after", gt->after);
        j_num(g, "measured", gt->measured);
        j_num(g, "threshold", gt->g->value);
        if (strcmp(gt->g->subject, "class") == 0)
            j_int(g, "matched_classes", (long long)gt->matched);
        S(g, "tripped");
        yajl_gen_bool(g, gt->tripped);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    j_str(g, "verdict", r->gates.tripped ? "fail" : "pass");
    yajl_gen_map_close(g);
    yajl_gen_free(g);
    return ferror(f) ? -1 : 0;
}

int hd_write(const hd_report *r, const hd_options *o, FILE *f)
{
    switch (o->fmt) {
    case HD_JSON: return write_json(r, f);
    case HD_CSV: {
        cli_table *t = classes_table(r, 1);
        if (!t) return -1;
        int rc = cli_table_write(t, f, CLI_CSV, 0);
        cli_table_free(t);
        return rc;
    }
    case HD_MARKDOWN: return write_human(r, o, f, 1);
    case HD_HTML: return hd_write_html(r, o, f);
    default: return write_human(r, o, f, 0);
    }
}
