/* gate.c - the --fail-on expression parser and evaluator (v8a/gate.h).
 *
 * A hand-written scanner over the expression: the grammar is five tokens
 * long, so no parser generator. Every error names the column where the
 * expression stops making sense. Numbers are read digit by digit and capped
 * at 1e18 before units, so no input overflows.
 */
#include "alloc.h"
#include "error.h"

#include <math.h>
#include <string.h>
#include <strings.h>
#include <v8a/gate.h>

void v8a_gate_free(v8a_gate *g)
{
    if (!g) return;
    v8a__free(g->text);
    v8a__free(g->subject);
    v8a__free(g->target);
    v8a__free(g->field);
    v8a__free(g);
}

const char *v8a_gate_op_text(v8a_gate_op op)
{
    switch (op) {
    case V8A_GATE_GT: return ">";
    case V8A_GATE_GE: return ">=";
    case V8A_GATE_LT: return "<";
    default: return "<=";
    }
}

static int bad(const char *expr, size_t at, const char *what)
{
    char q[160];
    v8a__error_quote(q, sizeof q, expr, strlen(expr), 100);
    return v8a__error_set(V8A_EINVAL, "'%s': column %zu: %s", q, at + 1, what);
}

static int is_word(char c)
{
    return (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9');
}

static char *dup_n(const char *s, size_t n)
{
    char *d = v8a__malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static const struct {
    const char *name;
    v8a_gate_unit unit;
    double scale;
} units[] = {
    {"b", V8A_UNIT_BYTES, 1},
    {"kb", V8A_UNIT_BYTES, 1e3},
    {"mb", V8A_UNIT_BYTES, 1e6},
    {"gb", V8A_UNIT_BYTES, 1e9},
    {"kib", V8A_UNIT_BYTES, 1024.0},
    {"mib", V8A_UNIT_BYTES, 1048576.0},
    {"gib", V8A_UNIT_BYTES, 1073741824.0},
    {"us", V8A_UNIT_TIME, 1},
    {"ms", V8A_UNIT_TIME, 1e3},
    {"s", V8A_UNIT_TIME, 1e6},
    {"%", V8A_UNIT_PERCENT, 1},
};

int v8a_gate_parse(v8a_gate **out, const char *expr)
{
    *out = NULL;
    if (!expr) return v8a__error_set(V8A_EINVAL, "v8a_gate_parse: no expression");
    v8a_gate *g = v8a__calloc(1, sizeof *g);
    if (!g || !(g->text = v8a__strdup(expr))) goto oom;
    const char *s = expr;
    size_t i = 0, len = strlen(expr);
    int rc;

    size_t w = i;
    while (is_word(s[i])) i++;
    if (i == w) {
        rc = bad(expr, i, "expected a measure such as 'total' or 'class:NAME'");
        goto fail;
    }
    if (!(g->subject = dup_n(s + w, i - w))) goto oom;

    if (s[i] == ':') {
        i++;
        g->target_col = i + 1;
        char *t = v8a__malloc(len + 1); /* the target, unescaped, is never longer */
        size_t k = 0;
        if (!t) goto oom;
        g->target = t;
        if (s[i] == '/' || s[i] == '"') {
            char close = s[i++];
            g->target_is_regex = close == '/';
            for (;;) {
                if (!s[i]) {
                    rc = bad(expr, i,
                             close == '/' ? "the /REGEX/ has no closing '/'"
                                          : "the quoted name has no closing '\"'");
                    goto fail;
                }
                if (s[i] == close) break;
                if (s[i] == '\\' && (s[i + 1] == close || (close == '"' && s[i + 1] == '\\'))) i++;
                t[k++] = s[i++];
            }
            i++;
        } else {
            while (s[i] && !strchr(".<>=", s[i])) t[k++] = s[i++];
        }
        t[k] = '\0';
        if (k == 0) {
            rc = bad(expr, g->target_col - 1, "expected a name or a /REGEX/ after ':'");
            goto fail;
        }
    }
    if (s[i] == '.') {
        i++;
        g->field_col = i + 1;
        w = i;
        while (is_word(s[i])) i++;
        if (i == w) {
            rc = bad(expr, i, "expected a field name after '.'");
            goto fail;
        }
        if (!(g->field = dup_n(s + w, i - w))) goto oom;
    }
    if (s[i] == '>' || s[i] == '<') {
        int gt = s[i++] == '>';
        int eq = s[i] == '=';
        if (eq) i++;
        g->op = gt ? (eq ? V8A_GATE_GE : V8A_GATE_GT) : (eq ? V8A_GATE_LE : V8A_GATE_LT);
    } else {
        rc = bad(expr, i, "expected a comparison: >, >=, < or <=");
        goto fail;
    }
    int sign = 0;
    if (s[i] == '+' || s[i] == '-') sign = s[i++] == '+' ? 1 : -1;
    size_t num = i;
    double v = 0;
    int digits = 0;
    while (s[i] >= '0' && s[i] <= '9') {
        if (v < 1e18) v = v * 10 + (s[i] - '0');
        i++, digits++;
    }
    if (s[i] == '.') {
        double f = 0.1;
        i++;
        while (s[i] >= '0' && s[i] <= '9') {
            v += f * (s[i] - '0');
            f /= 10;
            i++, digits++;
        }
    }
    if (!digits) {
        rc = bad(expr, num, "expected a number");
        goto fail;
    }
    if (v >= 1e18) {
        rc = bad(expr, num, "the number is too large");
        goto fail;
    }
    size_t u = i;
    while (s[i] && s[i] != ' ') i++;
    g->unit = V8A_UNIT_COUNT;
    if (i > u) {
        size_t k = 0;
        for (; k < sizeof units / sizeof *units; k++)
            if (strlen(units[k].name) == i - u && strncasecmp(units[k].name, s + u, i - u) == 0)
                break;
        if (k == sizeof units / sizeof *units) {
            rc = bad(expr, u, "unknown unit (B, KB, MB, GB, KiB, MiB, GiB, us, ms, s or %)");
            goto fail;
        }
        g->unit = units[k].unit;
        v *= units[k].scale;
    }
    if (s[i]) {
        rc = bad(expr, i, "unexpected text after the value");
        goto fail;
    }
    g->value = sign < 0 ? -v : v;
    g->change = sign != 0 || g->unit == V8A_UNIT_PERCENT;
    *out = g;
    return 0;
oom:
    rc = v8a__error_nomem("gate");
fail:
    v8a_gate_free(g);
    return rc;
}

int v8a_gate_check(const v8a_gate *g, double before, double after, double *measured)
{
    double m;
    if (g->unit == V8A_UNIT_PERCENT) {
        if (before != 0)
            m = (after - before) / fabs(before) * 100.0;
        else
            m = after > 0 ? INFINITY : after < 0 ? -INFINITY : 0;
    } else {
        m = g->change ? after - before : after;
    }
    if (measured) *measured = m;
    switch (g->op) {
    case V8A_GATE_GT: return m > g->value;
    case V8A_GATE_GE: return m >= g->value;
    case V8A_GATE_LT: return m < g->value;
    default: return m <= g->value;
    }
}
