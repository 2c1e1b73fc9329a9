/* fuzz_fail_on.c - libFuzzer target: arbitrary text as a --fail-on gate.
 *
 * The parser must accept or refuse with a one-line message naming a column
 * inside the expression; an accepted gate is judged on a few before/after
 * pairs (zeros, signs, huge values) without trapping.
 */
#include <v8a/v8a.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *expr = malloc(size + 1);
    if (!expr) return 0;
    memcpy(expr, data, size);
    expr[size] = '\0';
    v8a_gate *g = NULL;
    int rc = v8a_gate_parse(&g, expr);
    if (rc < 0) {
        const v8a_error *e = v8a_error_last();
        if (!e || e->code != rc || strchr(e->message, '\n')) abort();
    } else {
        static const double v[][2] = {{0, 0}, {0, 1}, {1, 0}, {-5, 5}, {1e300, -1e300}, {3, 3}};
        double m;
        for (size_t i = 0; i < sizeof v / sizeof *v; i++) v8a_gate_check(g, v[i][0], v[i][1], &m);
        if (!g->subject || !g->text) abort();
        v8a_gate_free(g);
    }
    free(expr);
    return 0;
}
