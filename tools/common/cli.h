/* cli.h - what every v8a tool shares: option tables, help, errors, progress.
 *
 * Help text is generated from the same option table that drives getopt_long,
 * so the two cannot drift. Errors are one line on stderr prefixed with the
 * tool's name; usage errors add "Try 'TOOL --help'". Exit codes: 0 ok, 1 a
 * finding (a CI gate tripped), 2 trouble.
 */
#ifndef V8A_CLI_H
#define V8A_CLI_H

#include <stdint.h>
#include <stdio.h>

enum { CLI_OK = 0, CLI_FINDING = 1, CLI_TROUBLE = 2 };

typedef struct cli_option {
    const char *name; /* long name, without "--" */
    int key;          /* short letter, or a value >= 256 for long-only options */
    const char *arg;  /* argument placeholder ("FILE"), NULL for a flag */
    const char *help;
} cli_option;

/* The tool name used in messages ("heapsnap", or "heapsnap import"). */
void cli_set_name(const char *tool, const char *command);
const char *cli_tool(void);

/* getopt_long over opts (terminated by a zero entry). Returns the key of the
 * next option, -1 at the end (operands start at *optind_out), or -2 after a
 * usage error has been printed. */
int cli_next_option(int argc, char **argv, const cli_option *opts, const char **arg);
int cli_operand_index(void);

/* Prints usage lines, a description and the option table. */
void cli_print_help(FILE *f, const char *usage, const char *description, const cli_option *opts);

/* Prints "TOOL: message" and "Try 'TOOL --help'."; returns CLI_TROUBLE. */
int cli_usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Prints "TOOL: message"; returns CLI_TROUBLE. */
int cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Prints "TOOL: " and the library's last error; returns CLI_TROUBLE. */
int cli_fail(void);

/* A v8a_progress_cb: a one-line meter on stderr when stderr is a terminal
 * and the work lasts more than a second; silent otherwise. */
int cli_progress(void *payload, const char *stage, uint64_t done, uint64_t total);
/* Clears the meter line if one was drawn. */
void cli_progress_done(void);

/* Output formats shared by all reports. */
typedef enum { CLI_TEXT, CLI_JSON, CLI_CSV, CLI_MARKDOWN } cli_format;
/* Parses "text|json|csv|markdown"; returns 0 or -1. */
int cli_parse_format(const char *s, cli_format *out);

/* cli_parse_format for a --format option's argument: 0, or CLI_TROUBLE
 * after the usage error. */
int cli_format_option(const char *arg, cli_format *out);

/* "12.3 MiB" for a byte count (binary units, one decimal above KiB). */
void cli_human_bytes(char *buf, size_t cap, uint64_t bytes);

/* "329 us", "11.8 ms", "1.32 s" for a time in microseconds (three
 * significant digits above 1 ms; a '-' for negative times). */
void cli_human_time(char *buf, size_t cap, int64_t us);

/* Parses a size such as "64M", "1GiB" or "4096"; returns 0 or -1. */
int cli_parse_size(const char *s, uint64_t *out);

/* One subcommand of a tool with subcommands (heapsnap, flame). */
typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

/* The main() of a tool with subcommands: TOOL --help lists commands (a NULL
 * name ends the table) under `synopsis` (the lines after "Usage:"), TOOL
 * help CMD and TOOL CMD --help describe one, TOOL --version; otherwise runs
 * the command. Returns the exit status. */
int cli_dispatch(const char *tool, const cli_command *commands, const char *synopsis, int argc,
                 char **argv);

/* Checks the operands after the options: at least min, at most max.
 * Returns the index of the first, or -1 after a usage error. */
int cli_operands(int argc, char **argv, int min, int max, const char *missing);

/* Parses a count of 0 to 100000000 for option opt; usage error (CLI_TROUBLE)
 * otherwise. */
int cli_parse_count(const char *opt, const char *arg, long *out);

/* The database name an import writes by default: the input's base name
 * without ".gz" and the given suffixes (NULL-terminated), plus ".v8adb";
 * "stdin.v8adb" for "-". The caller frees it; NULL when out of memory. */
char *cli_default_db(const char *input, const char *const *suffixes);

/* Process-wide settings of a tool: SIGXFSZ ignored, so writes past a
 * file-size limit fail (EFBIG) and are cleaned up; large blocks always
 * mapped, so freed arrays go back to the system. cli_dispatch does it;
 * tools without subcommands call it first. */
void cli_process_setup(void);

#endif
