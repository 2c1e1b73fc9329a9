/* table.c - writing report tables in the four output formats. */
#include "table.h"

#include "output.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

typedef enum { CELL_NULL, CELL_TEXT, CELL_INT, CELL_UINT, CELL_FLOAT } cell_kind;

typedef struct {
    cell_kind kind;
    union {
        int64_t i;
        uint64_t u;
        double d;
        struct {
            char *s;
            size_t n;
        } t;
    } v;
} cell;

typedef struct {
    char *name;
    cli_col_kind kind;
} column;

struct cli_table {
    column *cols;
    size_t ncols, capcols;
    cell *cells;
    size_t ncells, capcells;
};

cli_table *cli_table_new(void)
{
    return calloc(1, sizeof(cli_table));
}

void cli_table_free(cli_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->ncols; i++) free(t->cols[i].name);
    for (size_t i = 0; i < t->ncells; i++)
        if (t->cells[i].kind == CELL_TEXT) free(t->cells[i].v.t.s);
    free(t->cols);
    free(t->cells);
    free(t);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need) n *= 2;
    void *q = realloc(*p, n * size);
    if (!q) return -1;
    *p = q;
    *cap = n;
    return 0;
}

int cli_table_column(cli_table *t, const char *name, cli_col_kind kind)
{
    if (grow((void **)&t->cols, &t->capcols, t->ncols + 1, sizeof *t->cols) < 0) return -1;
    char *n = strdup(name);
    if (!n) return -1;
    t->cols[t->ncols].name = n;
    t->cols[t->ncols].kind = kind;
    t->ncols++;
    return 0;
}

static cell *next_cell(cli_table *t)
{
    if (grow((void **)&t->cells, &t->capcells, t->ncells + 1, sizeof *t->cells) < 0) return NULL;
    return &t->cells[t->ncells++];
}

int cli_table_text(cli_table *t, const char *s, size_t len)
{
    if (!s) return cli_table_null(t);
    char *d = malloc(len + 1);
    cell *c = d ? next_cell(t) : NULL;
    if (!c) {
        free(d);
        return -1;
    }
    memcpy(d, s, len);
    d[len] = '\0';
    c->kind = CELL_TEXT;
    c->v.t.s = d;
    c->v.t.n = len;
    return 0;
}

int cli_table_int(cli_table *t, int64_t v)
{
    cell *c = next_cell(t);
    if (!c) return -1;
    c->kind = CELL_INT;
    c->v.i = v;
    return 0;
}

int cli_table_uint(cli_table *t, uint64_t v)
{
    cell *c = next_cell(t);
    if (!c) return -1;
    c->kind = CELL_UINT;
    c->v.u = v;
    return 0;
}

int cli_table_float(cli_table *t, double v)
{
    cell *c = next_cell(t);
    if (!c) return -1;
    c->kind = CELL_FLOAT;
    c->v.d = v;
    return 0;
}

int cli_table_null(cli_table *t)
{
    cell *c = next_cell(t);
    if (!c) return -1;
    c->kind = CELL_NULL;
    return 0;
}

size_t cli_table_rows(const cli_table *t)
{
    return t->ncols ? t->ncells / t->ncols : 0;
}

/* ---- rendering one cell as display text ---- */

/* Appends s to a growing buffer with control characters escaped. */
typedef struct {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (grow((void **)&b->p, &b->cap, b->n + n + 1, 1) < 0) return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_escaped(sbuf *b, const char *s, size_t n, int markdown)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            sb_put(b, esc, strlen(esc));
        } else if (markdown && c == '|') {
            sb_put(b, "\\|", 2);
        } else if (markdown && c == '<') {
            sb_put(b, "&lt;", 4);
        } else if (markdown && c == '>') {
            sb_put(b, "&gt;", 4);
        } else if (markdown && c == '&') {
            sb_put(b, "&amp;", 5);
        } else if (markdown && strchr("\\`*_[]~", c)) {
            /* no emphasis, code, link or strikethrough made of a name */
            char two[2] = {'\\', (char)c};
            sb_put(b, two, 2);
        } else {
            sb_put(b, (const char *)&s[i], 1);
        }
    }
}

/* The shortest text that reads back as the same double. */
static void shortest(char *num, size_t cap, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(num, cap, "%.*g", prec, v);
        if (strtod(num, NULL) == v) break;
    }
}

/* "91.53%", "5.5%", "0%"; with sign: "+1.2%", "-0.25%". Two decimals at most. */
static void percent(char *num, size_t cap, double v, int sign)
{
    if (!isfinite(v)) {
        snprintf(num, cap, "%s", isnan(v) ? "-" : v > 0 ? "+inf%" : "-inf%");
        return;
    }
    snprintf(num, cap, sign && v != 0 ? "%+.2f" : "%.2f", v);
    char *dot = strchr(num, '.');
    if (dot) {
        char *e = num + strlen(num);
        while (e > dot + 1 && e[-1] == '0') *--e = '\0';
        if (e == dot + 1) *dot = '\0';
    }
    if (strcmp(num, "-0") == 0) snprintf(num, cap, "0");
    size_t n = strlen(num);
    if (n + 1 < cap) num[n] = '%', num[n + 1] = '\0';
}

static void render(sbuf *b, const cell *c, cli_col_kind kind, int human, int markdown)
{
    char num[64];
    b->n = 0;
    if (b->p) b->p[0] = '\0';
    switch (c->kind) {
    case CELL_NULL: sb_put(b, human ? "-" : "", human ? 1 : 0); return;
    case CELL_TEXT: sb_escaped(b, c->v.t.s, c->v.t.n, markdown); return;
    case CELL_FLOAT:
        if (human && (kind == CLI_COL_PERCENT || kind == CLI_COL_DELTA_PERCENT)) {
            percent(num, sizeof num, c->v.d, kind == CLI_COL_DELTA_PERCENT);
        } else if (human) {
            snprintf(num, sizeof num, "%.6g", c->v.d);
        } else {
            shortest(num, sizeof num, c->v.d);
        }
        break;
    case CELL_INT:
        if (human && kind == CLI_COL_TIME) {
            cli_human_time(num, sizeof num, c->v.i);
        } else if (human && kind == CLI_COL_DELTA_TIME) {
            num[0] = c->v.i < 0 ? '-' : '+';
            cli_human_time(num + 1, sizeof num - 1, c->v.i < 0 ? -c->v.i : c->v.i);
            if (c->v.i == 0) memmove(num, num + 1, strlen(num));
        } else if (human && kind == CLI_COL_BYTES && c->v.i >= 0) {
            cli_human_bytes(num, sizeof num, (uint64_t)c->v.i);
        } else if (human && kind == CLI_COL_DELTA_BYTES) {
            num[0] = c->v.i < 0 ? '-' : c->v.i > 0 ? '+' : ' ';
            uint64_t m = c->v.i < 0 ? 0 - (uint64_t)c->v.i : (uint64_t)c->v.i;
            cli_human_bytes(num + 1, sizeof num - 1, m);
            if (c->v.i == 0) memmove(num, num + 1, strlen(num));
        } else if (human && kind == CLI_COL_DELTA && c->v.i != 0) {
            snprintf(num, sizeof num, "%+lld", (long long)c->v.i);
        } else
            snprintf(num, sizeof num, "%lld", (long long)c->v.i);
        break;
    case CELL_UINT:
        if (human && kind == CLI_COL_BYTES)
            cli_human_bytes(num, sizeof num, c->v.u);
        else
            snprintf(num, sizeof num, "%llu", (unsigned long long)c->v.u);
        break;
    }
    sb_put(b, num, strlen(num));
}

/* Display width: code points, not bytes. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80) w++;
    return w;
}

static int numeric(cli_col_kind k)
{
    return k != CLI_COL_TEXT;
}

static void pad(FILE *f, size_t n)
{
    for (size_t i = 0; i < n; i++) fputc(' ', f);
}

static int write_text(const cli_table *t, FILE *f, int record)
{
    size_t rows = cli_table_rows(t);
    sbuf b = {0};
    if (record) {
        size_t kw = 0;
        for (size_t j = 0; j < t->ncols; j++)
            if (width(t->cols[j].name) > kw) kw = width(t->cols[j].name);
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < t->ncols; j++) {
                render(&b, &t->cells[r * t->ncols + j], t->cols[j].kind, 1, 0);
                fprintf(f, "%s:", t->cols[j].name);
                pad(f, kw - width(t->cols[j].name) + 1);
                fprintf(f, "%s\n", b.p ? b.p : "");
            }
        free(b.p);
        return 0;
    }
    size_t *w = calloc(t->ncols ? t->ncols : 1, sizeof *w);
    if (!w) return -1;
    for (size_t j = 0; j < t->ncols; j++) w[j] = width(t->cols[j].name);
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < t->ncols; j++) {
            render(&b, &t->cells[r * t->ncols + j], t->cols[j].kind, 1, 0);
            size_t k = b.p ? width(b.p) : 0;
            if (k > w[j]) w[j] = k;
        }
    for (size_t j = 0; j < t->ncols; j++) {
        size_t k = width(t->cols[j].name);
        int last = j + 1 == t->ncols;
        if (numeric(t->cols[j].kind)) pad(f, w[j] - k);
        fputs(t->cols[j].name, f);
        if (!numeric(t->cols[j].kind) && !last) pad(f, w[j] - k);
        fputs(last ? "\n" : "  ", f);
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < t->ncols; j++) {
            render(&b, &t->cells[r * t->ncols + j], t->cols[j].kind, 1, 0);
            const char *s = b.p ? b.p : "";
            size_t k = width(s);
            int last = j + 1 == t->ncols;
            if (numeric(t->cols[j].kind)) pad(f, w[j] - k);
            fputs(s, f);
            if (!numeric(t->cols[j].kind) && !last) pad(f, w[j] - k);
            fputs(last ? "\n" : "  ", f);
        }
    free(w);
    free(b.p);
    return 0;
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int write_csv(const cli_table *t, FILE *f, int record)
{
    size_t rows = cli_table_rows(t);
    sbuf b = {0};
    if (record) {
        fputs("field,value\r\n", f);
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < t->ncols; j++) {
                csv_field(f, t->cols[j].name);
                fputc(',', f);
                render(&b, &t->cells[r * t->ncols + j], t->cols[j].kind, 0, 0);
                csv_field(f, b.p ? b.p : "");
                fputs("\r\n", f);
            }
        free(b.p);
        return 0;
    }
    for (size_t j = 0; j < t->ncols; j++) {
        if (j) fputc(',', f);
        csv_field(f, t->cols[j].name);
    }
    fputs("\r\n", f);
    for (size_t r = 0; r < rows; r++) {
        for (size_t j = 0; j < t->ncols; j++) {
            if (j) fputc(',', f);
            render(&b, &t->cells[r * t->ncols + j], t->cols[j].kind, 0, 0);
            csv_field(f, b.p ? b.p : "");
        }
        fputs("\r\n", f);
    }
    free(b.p);
    return 0;
}

static int write_markdown(const cli_table *t, FILE *f, int record)
{
    size_t rows = cli_table_rows(t);
    sbuf b = {0};
    if (record) {
        fputs("| field | value |\n|---|---|\n", f);
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < t->ncols; j++) {
                render(&b, &t->cells[r * t->ncols + j], t->cols[j].kind, 1, 1);
                fprintf(f, "| %s | %s |\n", t->cols[j].name, b.p ? b.p : "");
            }
        free(b.p);
        return 0;
    }
    fputc('|', f);
    for (size_t j = 0; j < t->ncols; j++) fprintf(f, " %s |", t->cols[j].name);
    fputs("\n|", f);
    for (size_t j = 0; j < t->ncols; j++) fputs(numeric(t->cols[j].kind) ? "---:|" : "---|", f);
    fputc('\n', f);
    for (size_t r = 0; r < rows; r++) {
        fputc('|', f);
        for (size_t j = 0; j < t->ncols; j++) {
            render(&b, &t->cells[r * t->ncols + j], t->cols[j].kind, 1, 1);
            fprintf(f, " %s |", b.p ? b.p : "");
        }
        fputc('\n', f);
    }
    free(b.p);
    return 0;
}

static void json_cell(yajl_gen g, const cell *c)
{
    char num[32];
    switch (c->kind) {
    case CELL_NULL: yajl_gen_null(g); break;
    case CELL_TEXT: yajl_gen_string(g, (const unsigned char *)c->v.t.s, c->v.t.n); break;
    case CELL_INT: yajl_gen_integer(g, (long long)c->v.i); break;
    case CELL_UINT:
        snprintf(num, sizeof num, "%llu", (unsigned long long)c->v.u);
        yajl_gen_number(g, num, strlen(num));
        break;
    case CELL_FLOAT:
        /* the shortest text that reads back as the same double (yajl_gen_double
         * prints 17 digits: 22.219999999999998863) */
        shortest(num, sizeof num, c->v.d);
        if (!isfinite(c->v.d))
            yajl_gen_null(g);
        else
            yajl_gen_number(g, num, strlen(num));
        break;
    }
}

static void json_key(yajl_gen g, const char *k)
{
    yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static int write_json(const cli_table *t, FILE *f, int record)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g) return -1;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_validate_utf8, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    size_t rows = cli_table_rows(t);
    if (!record) yajl_gen_array_open(g);
    for (size_t r = 0; r < rows; r++) {
        yajl_gen_map_open(g);
        for (size_t j = 0; j < t->ncols; j++) {
            json_key(g, t->cols[j].name);
            json_cell(g, &t->cells[r * t->ncols + j]);
        }
        yajl_gen_map_close(g);
        if (record) break;
    }
    if (!record) yajl_gen_array_close(g);
    const unsigned char *buf;
    size_t len;
    int rc = yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok ? 0 : -1;
    if (rc == 0) fwrite(buf, 1, len, f);
    yajl_gen_free(g);
    return rc;
}

int cli_table_write(const cli_table *t, FILE *f, cli_format fmt, int record)
{
    int rc;
    switch (fmt) {
    case CLI_JSON: rc = write_json(t, f, record); break;
    case CLI_CSV: rc = write_csv(t, f, record); break;
    case CLI_MARKDOWN: rc = write_markdown(t, f, record); break;
    default: rc = write_text(t, f, record); break;
    }
    return rc < 0 || ferror(f) ? -1 : 0;
}

int cli_table_emit(const cli_table *t, const char *output, cli_format fmt, int record)
{
    cli_out out;
    int rc = cli_out_open(&out, output);
    if (rc) return rc;
    if (cli_table_write(t, out.f, fmt, record) < 0) {
        cli_out_abort(&out);
        return cli_error("%s: write error", output ? output : "standard output");
    }
    return cli_out_commit(&out);
}
