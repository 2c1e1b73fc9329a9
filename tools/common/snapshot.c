/* snapshot.c - opening and loading snapshots for the tools (snapshot.h). */
#include "snapshot.h"

#include "cli.h"

#include <stddef.h>

int cli_snapshot_open(const char *path, int no_cache, int flags, v8a_store **out)
{
    int quiet = flags & CLI_SNAP_QUIET;
    v8a_open_options o;
    v8a_open_options_init(&o);
    o.no_cache = no_cache;
    o.rows = (flags & CLI_SNAP_ROWS) != 0;
    o.keep = (flags & CLI_SNAP_KEEP) != 0;
    o.import.progress = quiet ? NULL : cli_progress;
    int rc = v8a_store_open_input(out, path, &o);
    if (!quiet) cli_progress_done();
    return rc < 0 ? rc : 0;
}

int cli_snapshot_load(v8a_store *s, v8a_heap **h, v8a_analysis **a)
{
    *h = NULL;
    if (a) *a = NULL;
    int rc = v8a_store_load_heap(s, h);
    if (rc < 0 || !a) return rc < 0 ? rc : 0;
    rc = v8a_store_load_analysis(s, *h, a);
    if (rc == V8A_ENOTFOUND) {
        /* a database without analysis: compute it now */
        v8a_analysis_options ao;
        v8a_analysis_options_init(&ao);
        rc = v8a_analyze(a, *h, &ao);
    }
    if (rc < 0) {
        v8a_heap_free(*h);
        *h = NULL;
        return rc;
    }
    return 0;
}
