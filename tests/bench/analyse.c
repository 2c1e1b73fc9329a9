/* analyse.c - the work DESIGN.md's first budget names, alone: a snapshot
 * parsed and analysed in memory (dominators, retained sizes, distances,
 * classes), nothing stored. bench-import.sh times it beside json_verify and
 * the imports. Prints the two phases' wall times on stderr.
 * Usage: bench_analyse SNAPSHOT */
#include <stdio.h>
#include <time.h>
#include <v8a/v8a.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_analyse SNAPSHOT\n");
        return 2;
    }
    double t0 = now();
    v8a_heap *h = NULL;
    v8a_analysis *a = NULL;
    if (v8a_heap_read(&h, argv[1], NULL) < 0) goto fail;
    double t1 = now();
    if (v8a_analyze(&a, h, NULL) < 0) goto fail;
    fprintf(stderr, "bench_analyse: parse %.2f s, analysis %.2f s, %u nodes\n", t1 - t0, now() - t1,
            v8a_heap_node_count(h));
    v8a_analysis_free(a);
    v8a_heap_free(h);
    return 0;
fail:
    fprintf(stderr, "bench_analyse: %s\n", v8a_error_last()->message);
    v8a_heap_free(h);
    return 2;
}
