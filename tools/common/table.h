/* table.h - one report table, written as text, JSON, CSV or Markdown.
 *
 * A report builds a table cell by cell, row after row, and writes it in the
 * format the user asked for: text is aligned with human units for byte
 * columns, JSON is an array of objects (through yajl_gen), CSV is RFC 4180
 * with a header row, Markdown is a pipe table. A "record" table has one row
 * and is written as key/value pairs (a JSON object). Text from snapshots is
 * untrusted: control characters are escaped in every format.
 */
#ifndef V8A_TABLE_H
#define V8A_TABLE_H

#include "cli.h"

#include <stdint.h>
#include <stdio.h>

/* Column kinds; the DELTA kinds print a sign in text and Markdown ("+12",
 * "-1.5 KiB") and plain numbers elsewhere. TIME cells are integers in
 * microseconds, written "329 us", "11.8 ms", "1.32 s" in text and Markdown
 * and as the raw integer in JSON and CSV; PERCENT cells are floats written
 * "91.53%" in text and Markdown and as the bare number elsewhere. */
typedef enum {
    CLI_COL_TEXT,
    CLI_COL_INT,
    CLI_COL_BYTES,
    CLI_COL_FLOAT,
    CLI_COL_DELTA,
    CLI_COL_DELTA_BYTES,
    CLI_COL_TIME,
    CLI_COL_DELTA_TIME,
    CLI_COL_PERCENT,
    CLI_COL_DELTA_PERCENT
} cli_col_kind;

typedef struct cli_table cli_table;

cli_table *cli_table_new(void);
void cli_table_free(cli_table *t);

/* Declares the next column; all columns come before the first cell. */
int cli_table_column(cli_table *t, const char *name, cli_col_kind kind);

/* Appends a cell to the current row; rows wrap after the last column.
 * Return 0, or -1 when out of memory. */
int cli_table_text(cli_table *t, const char *s, size_t len); /* s NULL: null */
int cli_table_int(cli_table *t, int64_t v);
int cli_table_uint(cli_table *t, uint64_t v);
int cli_table_float(cli_table *t, double v);
int cli_table_null(cli_table *t);

size_t cli_table_rows(const cli_table *t);

/* Writes the table; returns 0 or -1 (write error or out of memory). */
int cli_table_write(const cli_table *t, FILE *f, cli_format fmt, int record);

/* Writes the table to output (NULL or "-": standard output) whole or not at
 * all; prints the error. Returns 0 or CLI_TROUBLE. */
int cli_table_emit(const cli_table *t, const char *output, cli_format fmt, int record);

#endif
