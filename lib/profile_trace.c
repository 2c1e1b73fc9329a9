/* profile_trace.c - Chrome trace events: Profile and ProfileChunk by (pid, id), one thread chosen.
 *
 * The parser stages what an event holds (nodes from args.data.cpuProfile,
 * samples, timeDeltas) before it knows the event's name, because Chrome
 * writes "args" first. When the event ends, v8a__trace_event_end keeps the
 * staged rows for a Profile/ProfileChunk/CpuProfile event, records thread
 * names from thread_name metadata events, and drops everything else by
 * truncating the arrays back. Events may come in any order: chunks are
 * sorted by ts (stably) only when the chosen profile is gathered.
 */
#include "alloc.h"
#include "error.h"
#include "profile_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The trace profile for (pid, id), created when new; index or -1 on OOM. */
static int64_t find_prof(v8a__prof *b, int64_t pid, uint32_t id)
{
    for (size_t i = 0; i < b->ntprof; i++)
        if (b->tprof[i].pid == pid && b->tprof[i].id == id) return (int64_t)i;
    if (v8a__grow((void **)&b->tprof, &b->tprof_cap, b->ntprof + 1, sizeof *b->tprof) < 0)
        return -1;
    v8a__trace_prof *t = &b->tprof[b->ntprof];
    memset(t, 0, sizeof *t);
    t->pid = pid;
    t->id = id;
    t->tid = -1;
    return (int64_t)b->ntprof++;
}

static void drop_staged(v8a__prof *b, const v8a__trace_event *ev)
{
    b->nrn = ev->first_node;
    b->nsamples = ev->first_sample;
    b->ndeltas = ev->first_delta;
}

int v8a__trace_event_end(v8a__prof *b, v8a__trace_event *ev, uint64_t seq)
{
    if (ev->name == V8A__EV_THREAD_NAME) {
        drop_staged(b, ev);
        if (!ev->have_pid || !ev->have_tid || !ev->thread_name) return 0;
        if (v8a__grow((void **)&b->threads, &b->threads_cap, b->nthreads + 1, sizeof *b->threads) <
            0)
            return v8a__error_nomem("threads");
        b->threads[b->nthreads++] = (v8a__trace_thread){ev->pid, ev->tid, ev->thread_name};
        return 0;
    }
    if (ev->name != V8A__EV_PROFILE && ev->name != V8A__EV_CHUNK &&
        ev->name != V8A__EV_CPUPROFILE) {
        drop_staged(b, ev);
        return 0;
    }
    uint32_t id = ev->id;
    if (ev->name == V8A__EV_CPUPROFILE) {
        /* one self-contained profile per event: give it an id of its own */
        char buf[48];
        int n = snprintf(buf, sizeof buf, "CpuProfile#%" PRIu64, seq);
        int64_t s = v8a__prof_string(b, buf, (size_t)n);
        if (s < 0) return v8a__error_nomem("strings");
        id = (uint32_t)s;
    }
    int64_t k = find_prof(b, ev->pid, id);
    if (k < 0) return v8a__error_nomem("trace profiles");
    v8a__trace_prof *t = &b->tprof[k];
    if (ev->have_tid && (t->tid < 0 || ev->name != V8A__EV_CHUNK)) t->tid = ev->tid;
    if (ev->have_start && (!t->have_start || ev->name != V8A__EV_CHUNK)) {
        t->start_time = ev->start_time;
        t->have_start = 1;
    }
    if (ev->have_end) {
        t->end_time = ev->end_time;
        t->have_end = 1;
    }
    for (size_t i = ev->first_node; i < b->nrn; i++) b->rn[i].owner = (uint32_t)k;
    size_t ns = b->nsamples - ev->first_sample;
    if (ns == 0 && b->ndeltas == ev->first_delta) return 0;
    if (v8a__grow((void **)&b->chunks, &b->chunks_cap, b->nchunks + 1, sizeof *b->chunks) < 0)
        return v8a__error_nomem("trace chunks");
    b->chunks[b->nchunks++] = (v8a__trace_chunk){(uint32_t)k,
                                                 ev->ts,
                                                 seq,
                                                 ev->first_sample,
                                                 ns,
                                                 ev->first_delta,
                                                 b->ndeltas - ev->first_delta};
    t->nsamples += ns;
    return 0;
}

static int chunk_cmp(const void *a, const void *b)
{
    const v8a__trace_chunk *x = a, *y = b;
    if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *thread_name(const v8a__prof *b, int64_t pid, int64_t tid)
{
    for (size_t i = b->nthreads; i-- > 0;)
        if (b->threads[i].pid == pid && b->threads[i].tid == tid)
            return v8a__strmap_key(&b->strings, b->threads[i].name, NULL);
    return NULL;
}

int v8a__prof_trace_select(v8a__prof *b, const char *thread, size_t *pick)
{
    if (b->ntprof == 0)
        return v8a__error_set(V8A_EFORMAT,
                              "%s: byte %" PRIu64 ": a trace without CPU profile events "
                              "(Profile/ProfileChunk)",
                              b->name, b->end_offset);
    size_t best = SIZE_MAX;
    if (thread) {
        long long pid = 0, tid = 0;
        int pos = 0;
        int numeric = sscanf(thread, "%lld:%lld%n", &pid, &tid, &pos) == 2 && !thread[pos];
        for (size_t i = 0; i < b->ntprof && best == SIZE_MAX; i++) {
            const v8a__trace_prof *t = &b->tprof[i];
            const char *nm = thread_name(b, t->pid, t->tid);
            if ((numeric && t->pid == pid && t->tid == tid) || (nm && strcmp(nm, thread) == 0))
                best = i;
        }
        if (best == SIZE_MAX) {
            char list[512] = "";
            for (size_t i = 0; i < b->ntprof; i++) {
                const v8a__trace_prof *t = &b->tprof[i];
                const char *nm = thread_name(b, t->pid, t->tid);
                size_t n = strlen(list);
                snprintf(list + n, sizeof list - n, "%s%" PRId64 ":%" PRId64 "%s%s%s",
                         i ? ", " : "", t->pid, t->tid, nm ? " (" : "", nm ? nm : "",
                         nm ? ")" : "");
            }
            return v8a__error_set(V8A_ENOTFOUND,
                                  "%s: no profile for thread '%s' (the trace has %s)", b->name,
                                  thread, list);
        }
    } else {
        for (size_t i = 0; i < b->ntprof; i++)
            if (best == SIZE_MAX || b->tprof[i].nsamples > b->tprof[best].nsamples) best = i;
    }
    *pick = best;

    /* the chosen profile's nodes, in file order */
    size_t k = 0;
    for (size_t i = 0; i < b->nrn; i++)
        if (b->rn[i].owner == best) b->rn[k++] = b->rn[i];
    b->nrn = k;

    /* its chunks in time order, concatenated */
    size_t nc = 0;
    for (size_t i = 0; i < b->nchunks; i++)
        if (b->chunks[i].prof == best) b->chunks[nc++] = b->chunks[i];
    if (nc > 1) qsort(b->chunks, nc, sizeof *b->chunks, chunk_cmp);
    size_t ns = 0, nd = 0;
    for (size_t i = 0; i < nc; i++) {
        ns += b->chunks[i].n_samples;
        nd += b->chunks[i].n_deltas;
    }
    uint32_t *s = v8a__malloc((ns ? ns : 1) * sizeof *s);
    int64_t *d = v8a__malloc((nd ? nd : 1) * sizeof *d);
    if (!s || !d) {
        v8a__free(s);
        v8a__free(d);
        return v8a__error_nomem("samples");
    }
    ns = nd = 0;
    for (size_t i = 0; i < nc; i++) {
        const v8a__trace_chunk *c = &b->chunks[i];
        memcpy(s + ns, b->samples + c->first_sample, c->n_samples * sizeof *s);
        memcpy(d + nd, b->deltas + c->first_delta, c->n_deltas * sizeof *d);
        ns += c->n_samples;
        nd += c->n_deltas;
    }
    v8a__free(b->samples);
    v8a__free(b->deltas);
    b->samples = s;
    b->nsamples = ns;
    b->samples_cap = ns;
    b->deltas = d;
    b->ndeltas = nd;
    b->deltas_cap = nd;
    const v8a__trace_prof *t = &b->tprof[best];
    b->start_time = t->start_time;
    b->have_start = t->have_start;
    b->end_time = t->end_time;
    b->have_end = t->have_end;
    b->seen_samples = b->seen_deltas = 1;
    return 0;
}
