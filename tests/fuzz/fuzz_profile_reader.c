/* fuzz_profile_reader.c - libFuzzer target: arbitrary bytes as a CPU or heap
 * profile (CDP, legacy head, Chrome trace, .heapprofile, folded stacks).
 *
 * The input is read whole and, when that succeeds, in 7-byte chunks (the
 * two must agree on the model's shape); a model that reads is then laid out
 * as a flame graph and a chart and drawn to SVG, and its weights and totals
 * computed, so the views run on every odd but valid profile. Failures must
 * carry one-line messages.
 */
#include <v8a/v8a.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check(int ok, const char *what)
{
    if (ok) return;
    const v8a_error *e = v8a_error_last();
    fprintf(stderr, "fuzz_profile_reader: %s (last error: %s)\n", what, e ? e->message : "none");
    abort();
}

static int sink(void *payload, const void *data, size_t len)
{
    (void)payload;
    (void)data;
    (void)len;
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    v8a_profile *p = NULL, *q = NULL;
    v8a_profile_options o;
    memset(&o, 0, sizeof o);
    int rc = v8a_profile_read_buffer(data, size, "fuzz", &o, &p);
    if (rc < 0) {
        const v8a_error *e = v8a_error_last();
        check(e && e->code == rc && !strchr(e->message, '\n'), "an error without its message");
        return 0;
    }
    o.chunk_size = 7;
    check(v8a_profile_read_buffer(data, size, "fuzz", &o, &q) == 0, "chunked read disagrees");
    check(q->nnodes == p->nnodes && q->nframes == p->nframes && q->nsamples == p->nsamples,
          "chunked model differs");
    v8a_profile_free(q);
    int64_t *self = calloc(p->nnodes + 1, sizeof *self), *total = calloc(p->nnodes + 1, 8);
    if (self && total && v8a_profile_self_weights(p, V8A_WEIGHT_TIME, self) == 0)
        v8a_profile_totals(p, self, total);
    free(self);
    free(total);
    for (int mode = 0; mode < 3; mode++) {
        v8a_flame_options fo;
        v8a_flame_options_init(&fo);
        fo.mode = (v8a_flame_mode)mode;
        fo.min_width = 0;
        v8a_flame_layout *l = NULL;
        if (v8a_flame_layout_new(&l, p, &fo) == 0) v8a_flame_render(l, V8A_FLAME_SVG, sink, NULL);
        v8a_flame_layout_free(l);
    }
    v8a_profile_free(p);
    return 0;
}
