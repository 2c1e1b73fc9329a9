/* heapdiff.h - what the parts of heapdiff share: the options, and the
 * report that compare.c computes, gates.c judges and report.c / html.c
 * write. */
#ifndef V8A_HEAPDIFF_H
#define V8A_HEAPDIFF_H

#include <cli.h>
#include <gates.h>
#include <stddef.h>
#include <stdint.h>
#include <v8a/v8a.h>

#define HD_SCHEMA_VERSION 1

typedef enum { HD_TEXT, HD_JSON, HD_CSV, HD_MARKDOWN, HD_HTML } hd_format;

typedef struct hd_options {
    const char *inputs[3];
    int ninputs; /* 2: BEFORE AFTER; 3: BASELINE TARGET FINAL */
    const char *output;
    hd_format fmt;
    int no_cache;
    int jobs;
    long top;    /* classes shown; -1 all */
    long growth; /* growing classes explained */
    long paths;  /* paths per class */
    int all;     /* classes DevTools leaves out (only retained or resized changes) */
    v8a_regex *only, *ignore;
    const char **gates;
    int ngates;
} hd_options;

typedef struct hd_input {
    const char *path;
    uint64_t nodes;
    v8a_statistics st;
} hd_input;

typedef struct hd_path {
    char *signature;
    uint32_t count;
    uint64_t retained;
} hd_path;

/* The paths that hold the new objects of one growing class. */
typedef struct hd_growth {
    const v8a_diff_class *cls;
    hd_path *paths;
    size_t npaths;
    uint32_t unreachable; /* new objects with no path from the roots */
} hd_growth;

typedef struct hd_leak_class {
    char *name, *key;
    uint32_t count;
    uint64_t shallow, retained;
} hd_leak_class;

/* The totals compared, in the order shown. */
typedef struct hd_total {
    const char *name, *label;
    uint64_t before, after;
} hd_total;

#define HD_NTOTALS 5

typedef struct hd_report {
    hd_input in[3];
    int ninputs;
    hd_total totals[HD_NTOTALS];
    v8a_diff *diff;
    const v8a_diff_class **rows; /* filtered, in order */
    size_t nrows, nrows_all;     /* shown, and before --top */
    size_t ndevtools;            /* DevTools' rows before the filters */
    uint32_t resized_count;
    int64_t resized_delta;
    hd_growth *growth;
    size_t ngrowth;
    /* three snapshots */
    uint32_t leak_count;
    uint64_t leak_shallow, leak_retained;
    hd_leak_class *leak_classes;
    size_t nleak_classes;
    hd_path *leak_paths;
    size_t nleak_paths;
    cli_gates gates;
} hd_report;

/* compare.c: opens, imports and compares the inputs; fills r. Prints its
 * errors; CLI_TROUBLE or 0. */
int hd_compare(hd_report *r, const hd_options *o);
void hd_report_free(hd_report *r);

/* gates.c: parses every --fail-on (usage error on a malformed one: prints
 * it and returns CLI_TROUBLE) before any work; then judges them. */
int hd_gates_parse(hd_report *r, const hd_options *o);
int hd_gates_check(hd_report *r, const hd_options *o);

/* report.c / html.c: writes the report; -1 on a write error. */
int hd_write(const hd_report *r, const hd_options *o, FILE *f);
int hd_write_html(const hd_report *r, const hd_options *o, FILE *f);

/* "+1.5 MiB" / "-12 B" */
void hd_signed_bytes(char *buf, size_t cap, int64_t v);

#endif
