/* cmd_stats.c - heapsnap stats: DevTools' statistics (the Summary's pie chart). */
#include "heapsnap.h"

#include <cli.h>
#include <sqlite3.h>
#include <string.h>
#include <table.h>

static const cli_option options[] = {HS_COMMON_OPTIONS};

static const char usage[] = "Usage: heapsnap stats [OPTIONS] SNAPSHOT|DB\n";
static const char description[] =
    "The heap's composition as DevTools' Statistics: total, V8 heap, native (with\n"
    "extra_native_bytes), code, strings, JS arrays, typed arrays and system, with\n"
    "sizes after DevTools' shallow-size transfer.\n";

int cmd_stats(int argc, char **argv)
{
    const char *arg;
    hs_args ha = {NULL, CLI_TEXT, 0};
    int c;
    while ((c = cli_next_option(argc, argv, options, &arg)) != -1) {
        int done, common = hs_common_option(c, arg, &ha, usage, description, options, &done);
        if (common < 0) return done;
        if (common > 0) continue;
        switch (c) {
        default: return CLI_TROUBLE;
        }
    }
    int i = hs_operands(argc, argv, 1, 1, "SNAPSHOT or DB");
    if (i < 0) return CLI_TROUBLE;
    v8a_store *s = NULL;
    if (hs_open(argv[i], ha.no_cache, &s)) return CLI_TROUBLE;
    static const char *const names[] = {"total",        "v8heap",  "native",
                                        "code",         "strings", "js_arrays",
                                        "typed_arrays", "system",  "extra_native_bytes"};
    uint64_t v[9] = {0};
    sqlite3 *db = v8a_store_get_db(s);
    sqlite3_stmt *st = NULL;
    int rc = 0, seen = 0;
    if (sqlite3_prepare_v2(db, "SELECT name, bytes FROM statistics", -1, &st, NULL) != SQLITE_OK) {
        rc = cli_error("%s: no statistics (%s)", argv[i], sqlite3_errmsg(db));
    } else {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *k = (const char *)sqlite3_column_text(st, 0);
            for (int j = 0; j < 9; j++)
                if (k && strcmp(k, names[j]) == 0) {
                    v[j] = (uint64_t)sqlite3_column_int64(st, 1);
                    seen++;
                }
        }
    }
    sqlite3_finalize(st);
    v8a_store_close(s);
    if (!rc && seen == 0) rc = cli_error("%s: the database holds no statistics", argv[i]);
    if (rc) return rc;
    cli_table *t = cli_table_new();
    if (!t) return cli_error("out of memory");
    for (int j = 0; j < 9; j++) cli_table_column(t, names[j], CLI_COL_BYTES);
    for (int j = 0; j < 9; j++) cli_table_uint(t, v[j]);
    rc = cli_table_emit(t, ha.output, ha.fmt, 1);
    cli_table_free(t);
    return rc;
}
