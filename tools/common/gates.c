/* gates.c - parsing, judging and writing --fail-on gates (gates.h). */
#include "gates.h"

#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

cli_gate *cli_gates_add(cli_gates *gs, const char *expr)
{
    if (gs->n == gs->cap) {
        size_t cap = gs->cap ? 2 * gs->cap : 4;
        cli_gate *v = realloc(gs->v, cap * sizeof *v);
        if (!v) {
            cli_error("out of memory");
            return NULL;
        }
        gs->v = v;
        gs->cap = cap;
    }
    cli_gate *g = &gs->v[gs->n];
    memset(g, 0, sizeof *g);
    if (v8a_gate_parse(&g->g, expr) < 0) {
        cli_usage_error("--fail-on %s", v8a_error_last()->message);
        return NULL;
    }
    gs->n++;
    if (g->g->target_is_regex && v8a_regex_new(&g->re, g->g->target, "regex") < 0) {
        cli_usage_error("--fail-on '%s': %s", expr, v8a_error_last()->message);
        return NULL;
    }
    return g;
}

void cli_gates_free(cli_gates *gs)
{
    for (size_t i = 0; i < gs->n; i++) {
        v8a_gate_free(gs->v[i].g);
        v8a_regex_free(gs->v[i].re);
    }
    free(gs->v);
    memset(gs, 0, sizeof *gs);
}

void cli_gate_judge(cli_gates *gs, cli_gate *g, double before, double after)
{
    g->before = before;
    g->after = after;
    g->tripped = v8a_gate_check(g->g, before, after, &g->measured);
    gs->tripped += (size_t)g->tripped;
}

void cli_gate_value(char *buf, size_t cap, const cli_gate *gt)
{
    const v8a_gate *g = gt->g;
    double v = gt->measured;
    size_t off = 0;
    if (cap < 2) return;
    if (isinf(v)) {
        snprintf(buf, cap, "%s", v > 0 ? "+inf%" : "-inf%");
        return;
    }
    if (g->unit == V8A_UNIT_PERCENT) {
        snprintf(buf, cap, "%+.1f%%", v);
        return;
    }
    if (g->unit != V8A_UNIT_TIME && !gt->bytes) {
        snprintf(buf, cap, g->change ? "%+.0f" : "%.0f", v);
        return;
    }
    if (g->change) buf[off++] = v < 0 ? '-' : '+';
    double m = g->change ? fabs(v) : v < 0 ? 0 : v;
    if (g->unit == V8A_UNIT_TIME)
        cli_human_time(buf + off, cap - off, (int64_t)llround(m));
    else
        cli_human_bytes(buf + off, cap - off, (uint64_t)m);
}

void cli_gates_write(FILE *f, const cli_gates *gs, int md)
{
    if (!gs->n) return;
    fprintf(f, md ? "\n### Gates\n\n" : "\nGates\n");
    for (size_t i = 0; i < gs->n; i++) {
        const cli_gate *g = &gs->v[i];
        char v[48];
        cli_gate_value(v, sizeof v, g);
        if (md) {
            fprintf(f, "- %s ", g->tripped ? "**FAIL**" : "pass");
            cli_md_code(f, g->g->text);
            fprintf(f, ": measured %s\n", v);
        } else {
            fprintf(f, "%s  %s: measured %s\n", g->tripped ? "FAIL" : "pass", g->g->text, v);
        }
    }
    fprintf(f, "\nVerdict: %s (%zu of %zu gates tripped)\n",
            gs->tripped ? (md ? "**FAIL**" : "FAIL") : "pass", gs->tripped, gs->n);
}

void cli_gates_report(const cli_gates *gs)
{
    for (size_t i = 0; i < gs->n; i++)
        if (gs->v[i].tripped) {
            char v[48];
            cli_gate_value(v, sizeof v, &gs->v[i]);
            fprintf(stderr, "%s: gate tripped: %s (measured %s)\n", cli_tool(), gs->v[i].g->text,
                    v);
        }
}

void cli_md_code(FILE *f, const char *s)
{
    fputc('`', f);
    for (; *s; s++) fputc(*s == '`' ? '\'' : ((unsigned char)*s < 0x20 ? ' ' : *s), f);
    fputc('`', f);
}
