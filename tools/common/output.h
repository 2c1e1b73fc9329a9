/* output.h - report files written whole or not at all.
 *
 * -o FILE writes to a temporary file in FILE's directory and renames it over
 * FILE on success; any failure removes the temporary file and leaves FILE as
 * it was. Standard output ("-" or no -o) and non-regular targets (a pipe,
 * /dev/null, /dev/full) are written directly.
 */
#ifndef V8A_OUTPUT_H
#define V8A_OUTPUT_H

#include <stdio.h>

typedef struct cli_out {
    FILE *f;
    char *path; /* NULL for standard output */
    char *tmp;  /* NULL when writing directly */
} cli_out;

/* Opens the destination; path NULL or "-" is standard output. Prints the
 * error and returns CLI_TROUBLE on failure, 0 otherwise. */
int cli_out_open(cli_out *o, const char *path);

/* Flushes, syncs and renames into place. Prints the error and returns
 * CLI_TROUBLE on failure (nothing is left behind), 0 otherwise. */
int cli_out_commit(cli_out *o);

/* Abandons the output: closes and removes the temporary file. */
void cli_out_abort(cli_out *o);

/* A path for a temporary file beside `path`, created with mkstemp; the
 * caller frees it. NULL with errno set on failure. */
char *cli_temp_beside(const char *path);

#endif
