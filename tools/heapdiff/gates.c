/* gates.c - heapdiff's --fail-on gates: which measures they name, and their
 * verdict on a report.
 *
 * Measures: total, heap, native, external, strings (bytes, from DevTools'
 * statistics); class:NAME or class:/REGEX/ with .count, .size (default),
 * .retained, .new, .deleted, .alloc or .freed (a regex sums its classes);
 * with three snapshots also leaked.count, leaked.size, leaked.retained.
 * The grammar itself is the library's (v8a/gate.h).
 */
#include "heapdiff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_COUNT, F_SIZE, F_RETAINED, F_NEW, F_DELETED, F_ALLOC, F_FREED };
static const char *const fields[] = {"count",   "size",  "retained", "new",
                                     "deleted", "alloc", "freed"};

static int field_of(const v8a_gate *g)
{
    if (!g->field) return F_SIZE;
    for (int i = 0; i < (int)(sizeof fields / sizeof *fields); i++)
        if (strcmp(g->field, fields[i]) == 0) return i;
    return -1;
}

static int is_count(int f)
{
    return f == F_COUNT || f == F_NEW || f == F_DELETED;
}

static int total_index(const hd_report *r, const char *subject)
{
    for (int i = 0; i < HD_NTOTALS; i++)
        if (strcmp(r->totals[i].name, subject) == 0) return i;
    return -1;
}

/* Checks what a gate names; prints a usage error and returns CLI_TROUBLE
 * when it names something heapdiff does not measure. */
static int check_names(const hd_report *r, const hd_options *o, cli_gate *gt)
{
    const v8a_gate *g = gt->g;
    static const char *const totals[] = {"total", "heap", "native", "external", "strings"};
    int f = field_of(g);
    (void)r;
    if (strcmp(g->subject, "class") == 0) {
        if (!g->target)
            return cli_usage_error(
                "--fail-on '%s': class needs a name: class:NAME or class:/REGEX/", g->text);
        if (f < 0)
            return cli_usage_error("--fail-on '%s': column %zu: unknown field '%s' (count, size, "
                                   "retained, new, deleted, alloc or freed)",
                                   g->text, g->field_col, g->field);
    } else if (strcmp(g->subject, "leaked") == 0) {
        if (o->ninputs != 3)
            return cli_usage_error("--fail-on '%s': leaked needs three snapshots", g->text);
        if (g->target || (f != F_COUNT && f != F_SIZE && f != F_RETAINED))
            return cli_usage_error(
                "--fail-on '%s': use leaked.count, leaked.size or leaked.retained", g->text);
    } else {
        size_t k = 0;
        for (; k < sizeof totals / sizeof *totals; k++)
            if (strcmp(g->subject, totals[k]) == 0) break;
        if (k == sizeof totals / sizeof *totals)
            return cli_usage_error("--fail-on '%s': column 1: unknown measure '%s' (total, heap, "
                                   "native, external, strings, class:NAME, leaked)",
                                   g->text, g->subject);
        if (g->target || (g->field && f != F_SIZE))
            return cli_usage_error("--fail-on '%s': %s is a size in bytes: write %s>VALUE", g->text,
                                   g->subject, g->subject);
        f = F_SIZE;
    }
    if (g->unit == V8A_UNIT_TIME)
        return cli_usage_error("--fail-on '%s': a heap measure is not a time", g->text);
    gt->bytes = !is_count(f);
    int after_only = f == F_NEW || f == F_DELETED || f == F_ALLOC || f == F_FREED ||
                     strcmp(g->subject, "leaked") == 0;
    if (after_only && g->unit == V8A_UNIT_PERCENT)
        return cli_usage_error("--fail-on '%s': %s is measured in one snapshot only, so it has no "
                               "percentage of change: give a number",
                               g->text, strcmp(g->subject, "leaked") == 0 ? "leaked" : fields[f]);
    if (is_count(f) && g->unit == V8A_UNIT_BYTES)
        return cli_usage_error("--fail-on '%s': %s counts objects, not bytes", g->text, fields[f]);
    return 0;
}

int hd_gates_parse(hd_report *r, const hd_options *o)
{
    for (int i = 0; i < o->ngates; i++) {
        cli_gate *gt = cli_gates_add(&r->gates, o->gates[i]);
        if (!gt || check_names(r, o, gt)) return CLI_TROUBLE;
    }
    return 0;
}

/* The value of field f of class c before and after. */
static void class_values(const v8a_diff_class *c, int f, double *b, double *a)
{
    switch (f) {
    case F_COUNT: *b += c->count_before, *a += c->count_after; break;
    case F_SIZE: *b += (double)c->size_before, *a += (double)c->size_after; break;
    case F_RETAINED: *b += (double)c->retained_before, *a += (double)c->retained_after; break;
    case F_NEW: *a += c->new_count; break;
    case F_DELETED: *a += c->deleted_count; break;
    case F_ALLOC: *a += (double)c->alloc_size; break;
    default: *a += (double)c->freed_size; break;
    }
}

int hd_gates_check(hd_report *r, const hd_options *o)
{
    (void)o;
    for (size_t i = 0; i < r->gates.n; i++) {
        cli_gate *gt = &r->gates.v[i];
        const v8a_gate *g = gt->g;
        double b = 0, a = 0;
        int f = field_of(g);
        if (strcmp(g->subject, "class") == 0) {
            /* every class of the comparison, filters aside */
            for (size_t k = 0; k < v8a_diff_class_count(r->diff); k++) {
                const v8a_diff_class *c = v8a_diff_get_class(r->diff, k);
                int m = gt->re ? v8a_regex_match(gt->re, c->name, strlen(c->name))
                               : strcmp(c->name, g->target) == 0 || strcmp(c->key, g->target) == 0;
                if (m < 0) return cli_fail();
                if (m) {
                    class_values(c, f, &b, &a);
                    gt->matched++;
                }
            }
            if (!gt->matched)
                fprintf(stderr,
                        "heapdiff: warning: --fail-on '%s': no class %s '%s' in either "
                        "snapshot; it measures 0\n",
                        g->text, gt->re ? "matches" : "is named", g->target);
        } else if (strcmp(g->subject, "leaked") == 0) {
            a = f == F_COUNT  ? r->leak_count
                : f == F_SIZE ? (double)r->leak_shallow
                              : (double)r->leak_retained;
        } else {
            int t = total_index(r, g->subject);
            b = (double)r->totals[t].before;
            a = (double)r->totals[t].after;
        }
        cli_gate_judge(&r->gates, gt, b, a);
    }
    return 0;
}
