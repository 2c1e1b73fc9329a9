/* v8a/gate.h - CI gates: the --fail-on expressions of heapdiff and flame.
 *
 * An expression names a measure, a comparison and a threshold:
 *
 *   SUBJECT[:TARGET][.FIELD] OP VALUE
 *   total>+5MB   total>+10%   class:LeakRecord.count>+100
 *   class:/Cache.*\/.size>+1MB   self:/parseBody/>+10%   max>100ms
 *
 * SUBJECT and FIELD are lower-case words ([a-z_0-9]); TARGET is a name (up
 * to the next '.', '<', '>' or '='; in double quotes it may hold them, with
 * \" and \\ escaped) or a /REGEX/ (PCRE2; \/ for a slash). OP is >, >=, < or
 * <=. VALUE is a decimal number with an optional sign and unit: bytes (B,
 * KB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024), time (us, ms, s)
 * or %. A signed VALUE or a % compares the change from before to after (a
 * percentage of before); an unsigned one compares the value after. The
 * parser knows no subjects; each tool checks the words it accepts.
 */
#ifndef V8A_GATE_H
#define V8A_GATE_H

#include <v8a/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum v8a_gate_op { V8A_GATE_GT, V8A_GATE_GE, V8A_GATE_LT, V8A_GATE_LE } v8a_gate_op;

typedef enum v8a_gate_unit {
    V8A_UNIT_COUNT = 0, /* a bare number */
    V8A_UNIT_BYTES = 1,
    V8A_UNIT_TIME = 2,   /* value in microseconds */
    V8A_UNIT_PERCENT = 3 /* value in percent */
} v8a_gate_unit;

typedef struct v8a_gate {
    char *text;    /* the expression as given */
    char *subject; /* "total", "class", "self", ... */
    char *target;  /* after ':' (the name, or the regex without slashes); NULL if none */
    int target_is_regex;
    char *field; /* after '.'; NULL if none */
    v8a_gate_op op;
    v8a_gate_unit unit;
    double value;      /* in the unit's base: bytes, microseconds, percent, count */
    int change;        /* compares after - before (signed VALUE or %) */
    size_t target_col; /* 1-based column of the target, for the tools' messages */
    size_t field_col;  /* 1-based column of the field */
} v8a_gate;

/* Parses one expression. On a malformed one returns V8A_EINVAL with the
 * message "'EXPR': column N: what was expected". *out is the caller's,
 * freed with v8a_gate_free(). */
int v8a_gate_parse(v8a_gate **out, const char *expr);
void v8a_gate_free(v8a_gate *g);

/* Evaluates a gate on a measure's value before and after; sets *measured to
 * what was compared (the change, the percentage of change, or the value
 * after) and returns 1 when the gate trips, 0 when not. A percentage of a
 * zero before is +inf when after grew (and trips a '>' gate). */
int v8a_gate_check(const v8a_gate *g, double before, double after, double *measured);

/* The gate's operator as text: ">", ">=", "<", "<=". */
const char *v8a_gate_op_text(v8a_gate_op op);

#ifdef __cplusplus
}
#endif
#endif
