/* gates.h - what the tools with --fail-on share: a list of parsed gates,
 * their verdicts, and how they are written (the "Gates" section of a text or
 * Markdown report, and one line on stderr per tripped gate). The grammar is
 * the library's (v8a/gate.h); which measures exist is each tool's business.
 */
#ifndef V8A_CLI_GATES_H
#define V8A_CLI_GATES_H

#include <stddef.h>
#include <stdio.h>
#include <v8a/v8a.h>

typedef struct cli_gate {
    v8a_gate *g;
    v8a_regex *re;  /* a /REGEX/ target, compiled */
    int bytes;      /* the measure is a size: values print in bytes */
    size_t matched; /* how many things the target matched (the tool counts) */
    double before, after, measured;
    int tripped;
} cli_gate;

typedef struct cli_gates {
    cli_gate *v;
    size_t n, cap, tripped;
} cli_gates;

/* Parses expr and appends it, compiling a /REGEX/ target. Returns the new
 * gate, or NULL after printing a usage error (the malformed expression and
 * the column). */
cli_gate *cli_gates_add(cli_gates *gs, const char *expr);
void cli_gates_free(cli_gates *gs);

/* Records a gate's verdict on a measure before and after. */
void cli_gate_judge(cli_gates *gs, cli_gate *g, double before, double after);

/* The measured value in the gate's unit: "+1.5 MiB", "+12.0%", "250 ms", "+3". */
void cli_gate_value(char *buf, size_t cap, const cli_gate *g);

/* The "Gates" section and the verdict of a text or Markdown report. */
void cli_gates_write(FILE *f, const cli_gates *gs, int md);

/* "TOOL: gate tripped: EXPR (measured VALUE)" on stderr for each. */
void cli_gates_report(const cli_gates *gs);

/* Untrusted text as a Markdown code span (backticks and controls replaced). */
void cli_md_code(FILE *f, const char *s);

#endif
