/* html.c - heapdiff's report as one self-contained HTML page: inline CSS and
 * a few lines of JavaScript that sort a table when its header is clicked.
 * It opens offline from disk. Every text from a snapshot is escaped; cells
 * carry their raw number in data-v so sorting is numeric and exact.
 */
#include "heapdiff.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(f, "&#x%x;", c == 0 ? 0xfffd : 0x2400 + (c == 0x7f ? 0x21 : c));
            else
                fputc(c, f);
        }
    }
}

static void td_text(FILE *f, const char *s)
{
    fputs("<td>", f);
    esc(f, s);
    fputs("</td>", f);
}

static void td_bytes(FILE *f, uint64_t v)
{
    char b[32];
    cli_human_bytes(b, sizeof b, v);
    fprintf(f, "<td class=n data-v=\"%" PRIu64 "\">%s</td>", v, b);
}

static void td_delta_bytes(FILE *f, int64_t v)
{
    char b[32];
    hd_signed_bytes(b, sizeof b, v);
    fprintf(f, "<td class=\"n %s\" data-v=\"%" PRId64 "\">%s</td>",
            v > 0   ? "up"
            : v < 0 ? "down"
                    : "",
            v, v ? b : "0 B");
}

static void td_int(FILE *f, int64_t v, int sign)
{
    fprintf(f,
            sign && v ? "<td class=n data-v=\"%" PRId64 "\">%+" PRId64 "</td>"
                      : "<td class=n data-v=\"%" PRId64 "\">%" PRId64 "</td>",
            v, v);
}

static void head(FILE *f, const char *const *cols, size_t n)
{
    fputs("<table class=sortable><thead><tr>", f);
    for (size_t i = 0; i < n; i++) fprintf(f, "<th>%s</th>", cols[i]);
    fputs("</tr></thead><tbody>\n", f);
}

static void paths(FILE *f, const hd_path *p, size_t n)
{
    static const char *const cols[] = {"Objects", "Retained", "Retainer path"};
    head(f, cols, 3);
    for (size_t i = 0; i < n; i++) {
        fputs("<tr>", f);
        td_int(f, p[i].count, 0);
        td_bytes(f, p[i].retained);
        fputs("<td class=path>", f);
        esc(f, p[i].signature);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "th,td{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}"
    "th{cursor:pointer;background:#f4f4f4;user-select:none}th:after{content:' \\2195';color:#aaa}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".up{color:#b00020}.down{color:#00693e}td.path{font-family:monospace;font-size:12px}"
    ".fail{color:#b00020;font-weight:bold}.pass{color:#00693e}code{font-size:12px}";

static const char script[] =
    "document.querySelectorAll('table.sortable th').forEach(function(th,col){"
    "th.addEventListener('click',function(){"
    "var tb=th.closest('table').tBodies[0],rows=Array.from(tb.rows),"
    "dir=th.dataset.dir==='d'?1:-1;th.dataset.dir=dir<0?'d':'a';"
    "rows.sort(function(a,b){var x=a.cells[col],y=b.cells[col];"
    "if(x.dataset.v!==undefined)return dir*(Number(x.dataset.v)-Number(y.dataset.v));"
    "return dir*x.textContent.localeCompare(y.textContent);});"
    "rows.forEach(function(r){tb.appendChild(r);});});});";

int hd_write_html(const hd_report *r, const hd_options *o, FILE *f)
{
    static const char *const role2[] = {"before", "after"};
    static const char *const role3[] = {"baseline", "target", "final"};
    (void)o;
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content=\"width=device-width\">"
            "<title>heapdiff</title><style>%s</style></head><body>\n<h1>heapdiff</h1>\n<ul>\n",
            style);
    for (int i = 0; i < r->ninputs; i++) {
        char b[32];
        fprintf(f, "<li>%s: <code>", r->ninputs == 3 ? role3[i] : role2[i]);
        esc(f, r->in[i].path);
        fprintf(f, "</code> (%" PRIu64 " nodes", r->in[i].nodes);
        if (r->ninputs != 3 || i != 1) {
            cli_human_bytes(b, sizeof b, r->in[i].st.total);
            fprintf(f, ", %s", b);
        }
        fputs(")</li>\n", f);
    }
    fputs("</ul>\n", f);
    if (r->gates.n) {
        fprintf(f, "<h2>Gates: <span class=%s>%s</span> (%zu of %zu tripped)</h2>\n<ul>\n",
                r->gates.tripped ? "fail" : "pass", r->gates.tripped ? "FAIL" : "pass",
                r->gates.tripped, r->gates.n);
        for (size_t i = 0; i < r->gates.n; i++) {
            const cli_gate *g = &r->gates.v[i];
            char b[48];
            cli_gate_value(b, sizeof b, g);
            fprintf(f, "<li><span class=%s>%s</span> <code>", g->tripped ? "fail" : "pass",
                    g->tripped ? "FAIL" : "pass");
            esc(f, g->g->text);
            fprintf(f, "</code>: measured %s</li>\n", b);
        }
        fputs("</ul>\n", f);
    }

    static const char *const tcols[] = {"Measure", "Before", "After", "Delta", "Change"};
    fputs("<h2>Totals</h2>\n", f);
    head(f, tcols, 5);
    for (int i = 0; i < HD_NTOTALS; i++) {
        const hd_total *t = &r->totals[i];
        fputs("<tr>", f);
        td_text(f, t->label);
        td_bytes(f, t->before);
        td_bytes(f, t->after);
        td_delta_bytes(f, (int64_t)t->after - (int64_t)t->before);
        double p = t->before ? ((double)t->after - (double)t->before) / (double)t->before * 100 : 0;
        if (t->before)
            fprintf(f, "<td class=n data-v=\"%.4f\">%+.1f%%</td>", p, p);
        else
            fprintf(f, "<td class=n data-v=\"0\">%s</td>", t->after ? "new" : "0.0%");
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);

    static const char *const ccols[] = {"Class",      "# New",         "# Deleted",
                                        "# Delta",    "Alloc. Size",   "Freed Size",
                                        "Size Delta", "Retained Delta"};
    fprintf(f, "<h2>Comparison (DevTools): %zu of %zu classes</h2>\n", r->nrows, r->nrows_all);
    head(f, ccols, 8);
    for (size_t i = 0; i < r->nrows; i++) {
        const v8a_diff_class *c = r->rows[i];
        fputs("<tr>", f);
        td_text(f, c->name);
        td_int(f, c->new_count, 0);
        td_int(f, c->deleted_count, 0);
        td_int(f, c->count_delta, 1);
        td_bytes(f, c->alloc_size);
        td_bytes(f, c->freed_size);
        td_delta_bytes(f, c->size_delta);
        td_delta_bytes(f, c->retained_delta);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    if (r->resized_count) {
        char b[32];
        hd_signed_bytes(b, sizeof b, r->resized_delta);
        fprintf(f, "<p>Objects that kept their id but changed size: %" PRIu32 " (%s).</p>\n",
                r->resized_count, b);
    }

    if (r->ngrowth) fputs("<h2>What keeps the growth alive</h2>\n", f);
    for (size_t i = 0; i < r->ngrowth; i++) {
        const hd_growth *g = &r->growth[i];
        char b[32];
        hd_signed_bytes(b, sizeof b, g->cls->size_delta);
        fputs("<h3><code>", f);
        esc(f, g->cls->name);
        fprintf(f, "</code>: %" PRIu32 " new objects, %s</h3>\n", g->cls->new_count, b);
        paths(f, g->paths, g->npaths);
        if (g->unreachable)
            fprintf(f, "<p>%" PRIu32 " of them are not reachable from the roots.</p>\n",
                    g->unreachable);
    }
    if (r->ninputs == 3) {
        static const char *const lcols[] = {"Class", "Objects", "Shallow Size", "Retained Size"};
        char b1[32], b2[32];
        cli_human_bytes(b1, sizeof b1, r->leak_shallow);
        cli_human_bytes(b2, sizeof b2, r->leak_retained);
        fprintf(f,
                "<h2>Leaks (memlab): allocated between baseline and target, alive in final</h2>\n"
                "<p>%" PRIu32 " objects, %s shallow, %s retained.</p>\n",
                r->leak_count, b1, b2);
        head(f, lcols, 4);
        for (size_t i = 0; i < r->nleak_classes; i++) {
            const hd_leak_class *c = &r->leak_classes[i];
            fputs("<tr>", f);
            td_text(f, c->name);
            td_int(f, c->count, 0);
            td_bytes(f, c->shallow);
            td_bytes(f, c->retained);
            fputs("</tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
        paths(f, r->leak_paths, r->nleak_paths);
    }
    fprintf(f, "<script>%s</script>\n</body></html>\n", script);
    return ferror(f) ? -1 : 0;
}
