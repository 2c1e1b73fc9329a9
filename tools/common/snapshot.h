/* snapshot.h - opening a heap snapshot or its database for a tool: imported
 * and cached on first use, with progress on stderr; and loading its heap and
 * analysis (computed when the database has none). Shared by heapsnap and
 * heapdiff. */
#ifndef V8A_CLI_SNAPSHOT_H
#define V8A_CLI_SNAPSHOT_H

#include <v8a/v8a.h>

/* cli_snapshot_open's flags */
enum {
    CLI_SNAP_QUIET = 1, /* no progress drawn (imports running side by side) */
    CLI_SNAP_ROWS = 2,  /* the row tables are needed (SQL): a raw file's import has them */
    CLI_SNAP_KEEP = 4   /* the one heap of the command: an import's stays in memory for
                           cli_snapshot_load (v8a_open_options.keep) */
};

/* Opens a raw snapshot (imported into the cache, or a temporary database
 * with no_cache) or a database. 0, or a V8A_E* code with the library's
 * error set; nothing is printed. */
int cli_snapshot_open(const char *path, int no_cache, int flags, v8a_store **out);

/* Loads the heap, and the analysis when a is not NULL. 0, or a V8A_E* code
 * with the library's error set; nothing is printed. */
int cli_snapshot_load(v8a_store *s, v8a_heap **h, v8a_analysis **a);

#endif
