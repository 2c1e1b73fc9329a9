/* test_profile.c - the profile reader: every layout, the time model's exact
 * numbers on hand-made files, categories, the same model whatever the
 * feeding (mapped, chunks of 1..31 bytes, 4 and 64 KiB), the database round
 * trip, the malformed corpus (bad/profile-cases.tsv) and allocation faults. */
#include "suites.h"

#include "alloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static v8a_profile *read_opt(const char *rel, const char *thread, size_t chunk)
{
    v8a_profile *p = NULL;
    v8a_profile_options o;
    memset(&o, 0, sizeof o);
    o.thread = thread;
    o.chunk_size = chunk;
    int rc = v8a_profile_read(fixture(rel), &o, &p);
    if (rc < 0) fprintf(stderr, "\n%s: %s\n", rel, v8a_error_last()->message);
    CU_ASSERT_EQUAL(rc, 0);
    return p;
}

static v8a_profile *read_ok(const char *rel)
{
    return read_opt(rel, NULL, 0);
}

static const char *S(const v8a_profile *p, uint32_t s)
{
    return v8a_profile_string(p, s);
}

static const v8a_frame *frame_of(const v8a_profile *p, uint32_t node)
{
    return &p->frames[p->nodes[node].frame];
}

/* The node whose frame is named name, or UINT32_MAX. */
static uint32_t node_named(const v8a_profile *p, const char *name)
{
    for (uint32_t i = 0; i < p->nnodes; i++)
        if (strcmp(S(p, frame_of(p, i)->name), name) == 0) return i;
    return UINT32_MAX;
}

/* What every reader guarantees (v8a/profile.h). */
static void check_invariants(const v8a_profile *p)
{
    CU_ASSERT_FATAL(p->nnodes > 0);
    CU_ASSERT_STRING_EQUAL(p->strings[0], "");
    CU_ASSERT_EQUAL(p->nodes[0].parent, V8A_PROFILE_NONE);
    CU_ASSERT_EQUAL(p->nodes[0].depth, 0);
    uint32_t maxd = 0;
    for (uint32_t i = 1; i < p->nnodes; i++) {
        CU_ASSERT(p->nodes[i].parent < i);
        CU_ASSERT_EQUAL(p->nodes[i].depth, p->nodes[p->nodes[i].parent].depth + 1);
        if (p->nodes[i].depth > maxd) maxd = p->nodes[i].depth;
    }
    CU_ASSERT_EQUAL(p->max_depth, maxd);
    for (uint32_t i = 0; i < p->nnodes; i++) {
        CU_ASSERT(p->nodes[i].frame < p->nframes);
        CU_ASSERT(p->nodes[i].first_tick + (uint64_t)p->nodes[i].n_ticks <= p->nticks);
        CU_ASSERT(p->nodes[i].hit_count >= 0);
    }
    for (uint32_t f = 0; f < p->nframes; f++) {
        CU_ASSERT(p->frames[f].name < p->nstrings && p->frames[f].url < p->nstrings);
        CU_ASSERT(S(p, p->frames[f].name)[0] != '\0');
    }
    int64_t sum = 0;
    for (size_t i = 0; i < p->nsamples; i++) {
        CU_ASSERT(p->sample_node[i] < p->nnodes);
        if (i > 0) CU_ASSERT(p->sample_time[i] >= p->sample_time[i - 1]);
        sum += p->sample_duration[i];
    }
    if (p->kind == V8A_PROFILE_CPU) {
        CU_ASSERT_EQUAL(sum, p->duration_us);
        if (p->nsamples) CU_ASSERT_EQUAL(p->sample_time[0], 0);
    }
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
}

static uint64_t mix_str(uint64_t h, const char *s)
{
    for (; *s; s++) h = mix(h, (unsigned char)*s);
    return mix(h, 0xff);
}

/* Everything a profile says, with strings by content (a database reload
 * numbers strings differently). */
static uint64_t digest(const v8a_profile *p)
{
    uint64_t d = 1469598103934665603ull;
    d = mix(mix(mix(d, p->kind), p->format), p->nnodes);
    d = mix(mix(mix(d, p->nframes), p->nsamples), p->nticks);
    d = mix(mix(mix(d, (uint64_t)p->start_time_us), (uint64_t)p->end_time_us), p->max_depth);
    d = mix(mix(d, (uint64_t)p->interval_us), (uint64_t)p->duration_us);
    d = mix(mix(d, p->anomalies.negative_deltas), p->anomalies.hitcount_mismatches);
    d = mix(mix(d, p->anomalies.long_gaps), (uint64_t)p->anomalies.longest_gap_us);
    d = mix(mix(mix(d, (uint64_t)p->pid), (uint64_t)p->tid), p->nthreads);
    d = mix(d, p->orphan_samples);
    d = mix_str(d, S(p, p->thread_name));
    for (uint32_t f = 0; f < p->nframes; f++) {
        const v8a_frame *fr = &p->frames[f];
        d = mix_str(mix_str(mix_str(d, S(p, fr->name)), S(p, fr->url)), S(p, fr->package));
        d = mix(mix(mix(d, (uint64_t)fr->line), (uint64_t)fr->column), fr->category);
    }
    for (uint32_t i = 0; i < p->nnodes; i++) {
        const v8a_profile_node *n = &p->nodes[i];
        d = mix(mix(mix(mix(d, n->frame), n->parent), n->depth), n->id);
        d = mix(mix(d, (uint64_t)n->hit_count), (uint64_t)n->self_bytes);
        d = mix_str(d, S(p, n->deopt_reason));
        for (uint32_t k = 0; k < n->n_ticks; k++)
            d = mix(mix(d, p->ticks[n->first_tick + k].line), p->ticks[n->first_tick + k].ticks);
    }
    for (size_t i = 0; i < p->nsamples; i++)
        d = mix(mix(mix(d, p->sample_node[i]), (uint64_t)p->sample_time[i]),
                (uint64_t)p->sample_duration[i]);
    return d;
}

static const char *const all_fixtures[] = {
    "busy.cpuprofile.gz",          "busy.heapprofile.gz",
    "hand/legacy.cpuprofile",      "hand/negative-delta.cpuprofile",
    "hand/parent-only.cpuprofile", "hand/trace-two-threads.json",
    "hand/small.heapprofile",
};

/* ---- real node output ---- */

static void test_real_cpu(void)
{
    v8a_profile *p = read_ok("busy.cpuprofile.gz");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    check_invariants(p);
    CU_ASSERT_EQUAL(p->format, V8A_PROFILE_FORMAT_CPUPROFILE);
    CU_ASSERT_EQUAL(p->kind, V8A_PROFILE_CPU);
    /* checked against a JSON.parse computation of the same rules */
    CU_ASSERT_EQUAL(p->nnodes, 96);
    CU_ASSERT_EQUAL(p->nsamples, 3943);
    CU_ASSERT_EQUAL(p->interval_us, 329);
    CU_ASSERT_EQUAL(p->duration_us, 1322044);
    CU_ASSERT_EQUAL(p->anomalies.hitcount_mismatches, 1);
    CU_ASSERT_EQUAL(p->anomalies.long_gaps, 3);
    CU_ASSERT_EQUAL(p->anomalies.longest_gap_us, 3929);
    CU_ASSERT_EQUAL(p->anomalies.negative_deltas, 0);
    CU_ASSERT_STRING_EQUAL(S(p, frame_of(p, 0)->name), "(root)");
    CU_ASSERT_EQUAL(frame_of(p, 0)->category, V8A_CAT_ROOT);
    uint32_t fib = node_named(p, "fib");
    CU_ASSERT_FATAL(fib != UINT32_MAX);
    CU_ASSERT_EQUAL(frame_of(p, fib)->category, V8A_CAT_APP);
    CU_ASSERT(frame_of(p, fib)->line > 0 && frame_of(p, fib)->column > 0);
    uint32_t idle = node_named(p, "(idle)");
    CU_ASSERT_FATAL(idle != UINT32_MAX);
    CU_ASSERT_EQUAL(frame_of(p, idle)->category, V8A_CAT_IDLE);
    CU_ASSERT(p->nticks > 0);
    v8a_profile_free(p);
}

static void test_real_heap(void)
{
    v8a_profile *p = read_ok("busy.heapprofile.gz");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    check_invariants(p);
    CU_ASSERT_EQUAL(p->format, V8A_PROFILE_FORMAT_HEAPPROFILE);
    CU_ASSERT_EQUAL(p->kind, V8A_PROFILE_HEAP);
    CU_ASSERT_EQUAL(p->nnodes, 38);
    CU_ASSERT_EQUAL(p->nsamples, 448);
    CU_ASSERT_EQUAL(p->orphan_samples, 3);
    int64_t bytes = 0;
    for (uint32_t i = 0; i < p->nnodes; i++) bytes += p->nodes[i].self_bytes;
    CU_ASSERT_EQUAL(bytes, 7590672);
    CU_ASSERT(node_named(p, "makeRecords") != UINT32_MAX);
    v8a_profile_free(p);
}

/* ---- hand-made layouts, exact numbers ---- */

static void test_legacy(void)
{
    v8a_profile *p = read_ok("hand/legacy.cpuprofile");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    check_invariants(p);
    CU_ASSERT_EQUAL(p->format, V8A_PROFILE_FORMAT_LEGACY);
    CU_ASSERT_EQUAL(p->start_time_us, 1500000); /* seconds in the file */
    CU_ASSERT_EQUAL(p->end_time_us, 1504500);
    CU_ASSERT_EQUAL(p->nnodes, 4);
    CU_ASSERT_EQUAL(p->nsamples, 4);
    static const int64_t t[] = {0, 1000, 2000, 3500}, dur[] = {1000, 1000, 1500, 1000};
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(p->sample_time[i], t[i]);
        CU_ASSERT_EQUAL(p->sample_duration[i], dur[i]);
    }
    CU_ASSERT_EQUAL(p->interval_us, 1000);
    CU_ASSERT_EQUAL(p->duration_us, 4500);
    CU_ASSERT_EQUAL(p->anomalies.longest_gap_us, 1500);
    CU_ASSERT_EQUAL(p->anomalies.hitcount_mismatches, 0);
    /* pre-order: root, main, work, (program) */
    CU_ASSERT_STRING_EQUAL(S(p, frame_of(p, 1)->name), "main");
    CU_ASSERT_STRING_EQUAL(S(p, frame_of(p, 2)->name), "work");
    CU_ASSERT_STRING_EQUAL(S(p, frame_of(p, 3)->name), "(program)");
    CU_ASSERT_EQUAL(p->nodes[2].parent, 1);
    CU_ASSERT_EQUAL(p->nodes[3].parent, 0);
    CU_ASSERT_EQUAL(frame_of(p, 1)->line, 3); /* 1-based already */
    CU_ASSERT_EQUAL(frame_of(p, 1)->column, 0);
    CU_ASSERT_EQUAL(frame_of(p, 1)->category, V8A_CAT_APP);
    CU_ASSERT_EQUAL(frame_of(p, 2)->category, V8A_CAT_PACKAGE);
    CU_ASSERT_STRING_EQUAL(S(p, frame_of(p, 2)->package), "@scope/pkg");
    CU_ASSERT_EQUAL(frame_of(p, 3)->category, V8A_CAT_PROGRAM);
    CU_ASSERT_STRING_EQUAL(S(p, p->nodes[2].deopt_reason), "optimized too many times");
    CU_ASSERT_EQUAL(p->nodes[1].deopt_reason, 0); /* "no reason" is none */
    CU_ASSERT_EQUAL(p->sample_node[2], 2);
    v8a_profile_free(p);
}

static void test_negative_delta(void)
{
    v8a_profile *p = read_ok("hand/negative-delta.cpuprofile");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    check_invariants(p);
    CU_ASSERT_EQUAL(p->format, V8A_PROFILE_FORMAT_CPUPROFILE);
    CU_ASSERT_EQUAL(p->anomalies.negative_deltas, 1);
    /* absolute 100,1100,900,2100,11100 -> stably sorted */
    static const int64_t t[] = {0, 800, 1000, 2000, 11000};
    static const int64_t dur[] = {800, 200, 1000, 9000, 800};
    static const uint32_t node[] = {1, 1, 2, 2, 2};
    for (int i = 0; i < 5; i++) {
        CU_ASSERT_EQUAL(p->sample_time[i], t[i]);
        CU_ASSERT_EQUAL(p->sample_duration[i], dur[i]);
        CU_ASSERT_EQUAL(p->sample_node[i], node[i]);
    }
    CU_ASSERT_EQUAL(p->interval_us, 800); /* lower median of 200,800,1000,9000 */
    CU_ASSERT_EQUAL(p->duration_us, 11800);
    CU_ASSERT_EQUAL(p->anomalies.long_gaps, 1);
    CU_ASSERT_EQUAL(p->anomalies.longest_gap_us, 9000);
    /* hitCount absent: counted from samples, so no mismatch */
    CU_ASSERT_EQUAL(p->nodes[1].hit_count, 2);
    CU_ASSERT_EQUAL(p->nodes[2].hit_count, 3);
    CU_ASSERT_EQUAL(p->anomalies.hitcount_mismatches, 0);
    CU_ASSERT_STRING_EQUAL(S(p, frame_of(p, 1)->name), "(anonymous)");
    CU_ASSERT_EQUAL(frame_of(p, 1)->line, 1);
    CU_ASSERT_EQUAL(frame_of(p, 1)->column, 10);
    CU_ASSERT_EQUAL(frame_of(p, 2)->category, V8A_CAT_GC);
    CU_ASSERT_STRING_EQUAL(S(p, p->nodes[1].deopt_reason), "wrong map");
    CU_ASSERT_EQUAL(p->nodes[1].n_ticks, 1);
    CU_ASSERT_EQUAL(p->ticks[p->nodes[1].first_tick].line, 1);
    CU_ASSERT_EQUAL(p->ticks[p->nodes[1].first_tick].ticks, 2);
    int64_t self[3], total[3];
    CU_ASSERT_EQUAL(v8a_profile_self_weights(p, V8A_WEIGHT_TIME, self), 0);
    CU_ASSERT_EQUAL(self[1], 1000);
    CU_ASSERT_EQUAL(self[2], 10800);
    v8a_profile_totals(p, self, total);
    CU_ASSERT_EQUAL(total[0], 11800);
    v8a_profile_free(p);
}

static void test_parent_only(void)
{
    v8a_profile *p = read_ok("hand/parent-only.cpuprofile");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    check_invariants(p);
    CU_ASSERT_EQUAL(p->nodes[0].id, 5);
    CU_ASSERT_EQUAL(p->nodes[1].id, 7);
    CU_ASSERT_EQUAL(p->nodes[2].id, 9);
    CU_ASSERT_EQUAL(p->nodes[1].hit_count, 5); /* the file's, though samples say 2 */
    CU_ASSERT_EQUAL(p->anomalies.hitcount_mismatches, 1);
    CU_ASSERT_EQUAL(frame_of(p, 1)->category, V8A_CAT_PACKAGE);
    CU_ASSERT_STRING_EQUAL(S(p, frame_of(p, 1)->package), "lodash");
    CU_ASSERT_EQUAL(frame_of(p, 2)->category, V8A_CAT_IDLE);
    CU_ASSERT_EQUAL(p->interval_us, 100);
    CU_ASSERT_EQUAL(p->duration_us, 300);
    int64_t self[3];
    CU_ASSERT_EQUAL(v8a_profile_self_weights(p, V8A_WEIGHT_HITCOUNT, self), 0);
    CU_ASSERT_EQUAL(self[1], 250); /* 300 us over 6 hits */
    CU_ASSERT_EQUAL(self[2], 50);
    v8a_profile_free(p);
}

static void test_trace(void)
{
    v8a_profile *p = read_ok("hand/trace-two-threads.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    check_invariants(p);
    CU_ASSERT_EQUAL(p->format, V8A_PROFILE_FORMAT_TRACE);
    CU_ASSERT_EQUAL(p->nthreads, 2);
    CU_ASSERT_EQUAL(p->pid, 1);
    CU_ASSERT_EQUAL(p->tid, 10);
    CU_ASSERT_STRING_EQUAL(S(p, p->thread_name), "CrRendererMain");
    CU_ASSERT_EQUAL(p->nnodes, 4);
    CU_ASSERT_EQUAL(p->nframes, 4); /* the worker's frames are not kept */
    CU_ASSERT_EQUAL(p->start_time_us, 1000);
    CU_ASSERT_EQUAL(p->anomalies.negative_deltas, 1);
    /* chunks sorted by ts: samples 3,3,4,2 at 1010,1110,1210,1160 */
    static const int64_t t[] = {0, 100, 150, 200}, dur[] = {100, 50, 50, 50};
    static const char *const name[] = {"foo", "foo", "(program)", "bar"};
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(p->sample_time[i], t[i]);
        CU_ASSERT_EQUAL(p->sample_duration[i], dur[i]);
        CU_ASSERT_STRING_EQUAL(S(p, frame_of(p, p->sample_node[i])->name), name[i]);
    }
    CU_ASSERT_EQUAL(p->interval_us, 50);
    CU_ASSERT_EQUAL(p->duration_us, 250);
    CU_ASSERT_EQUAL(p->end_time_us, 1260); /* no endTime: last sample + interval */
    uint32_t bar = node_named(p, "bar");
    CU_ASSERT_FATAL(bar != UINT32_MAX);
    CU_ASSERT_EQUAL(p->nodes[bar].depth, 2);
    CU_ASSERT_EQUAL(frame_of(p, bar)->line, 10);
    CU_ASSERT_EQUAL(frame_of(p, bar)->category, V8A_CAT_APP);
    CU_ASSERT_EQUAL(frame_of(p, 0)->category, V8A_CAT_ROOT);
    v8a_profile_free(p);

    const char *picks[] = {"DedicatedWorker thread", "1:20"};
    for (int k = 0; k < 2; k++) {
        p = read_opt("hand/trace-two-threads.json", picks[k], 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        check_invariants(p);
        CU_ASSERT_EQUAL(p->tid, 20);
        CU_ASSERT_EQUAL(p->nnodes, 2);
        CU_ASSERT_EQUAL(p->nsamples, 1);
        CU_ASSERT_EQUAL(p->start_time_us, 2000);
        CU_ASSERT_STRING_EQUAL(S(p, frame_of(p, 1)->name), "baz");
        v8a_profile_free(p);
    }
    v8a_profile_options o;
    memset(&o, 0, sizeof o);
    o.thread = "Worker";
    p = NULL;
    CU_ASSERT_EQUAL(v8a_profile_read(fixture("hand/trace-two-threads.json"), &o, &p),
                    V8A_ENOTFOUND);
    CU_ASSERT_PTR_NULL(p);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "1:10 (CrRendererMain)"));
}

static void test_heap_small(void)
{
    v8a_profile *p = read_ok("hand/small.heapprofile");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    check_invariants(p);
    CU_ASSERT_EQUAL(p->kind, V8A_PROFILE_HEAP);
    CU_ASSERT_EQUAL(p->nsamples, 2);
    CU_ASSERT_EQUAL(p->orphan_samples, 1);
    /* sorted by ordinal: (1: alloc, 50 bytes), (2: inner, 100 bytes) */
    CU_ASSERT_EQUAL(p->sample_time[0], 1);
    CU_ASSERT_EQUAL(p->sample_duration[0], 50);
    CU_ASSERT_EQUAL(p->sample_node[0], 1);
    CU_ASSERT_EQUAL(p->sample_duration[1], 100);
    CU_ASSERT_EQUAL(p->nodes[2].self_bytes, 100);
    CU_ASSERT_EQUAL(frame_of(p, 1)->category, V8A_CAT_CORE);
    CU_ASSERT_EQUAL(frame_of(p, 1)->line, 2);
    CU_ASSERT_EQUAL(frame_of(p, 1)->column, 3);
    int64_t self[3];
    CU_ASSERT_EQUAL(v8a_profile_self_weights(p, V8A_WEIGHT_SAMPLES, self), 0);
    CU_ASSERT_EQUAL(self[1] + self[2], 150);
    v8a_profile_free(p);
}

static void test_categories(void)
{
    static const struct {
        const char *name, *url, *pkg;
        v8a_frame_category cat;
    } cases[] = {
        {"(root)", "", NULL, V8A_CAT_ROOT},
        {"(idle)", "", NULL, V8A_CAT_IDLE},
        {"(program)", "", NULL, V8A_CAT_PROGRAM},
        {"(garbage collector)", "", NULL, V8A_CAT_GC},
        {"(idle)", "file:///x.js", NULL, V8A_CAT_APP},
        {"(unresolved function)", "", NULL, V8A_CAT_NATIVE},
        {"push", "", NULL, V8A_CAT_NATIVE},
        {"f", "node:internal/timers", NULL, V8A_CAT_CORE},
        {"f", "node:fs", NULL, V8A_CAT_CORE},
        {"f", "internal/process/task_queues.js", NULL, V8A_CAT_CORE},
        {"f", "events.js", NULL, V8A_CAT_CORE},
        {"f", "file:///srv/app/index.js", NULL, V8A_CAT_APP},
        {"f", "/srv/app/index.js", NULL, V8A_CAT_APP},
        {"f", "https://example.com/app.js", NULL, V8A_CAT_APP},
        {"f", "file:///srv/node_modules/express/lib/router.js", "express", V8A_CAT_PACKAGE},
        {"f", "/srv/node_modules/@babel/core/lib/x.js", "@babel/core", V8A_CAT_PACKAGE},
        {"f", "/srv/node_modules/a/node_modules/b/i.js", "b", V8A_CAT_PACKAGE},
        {"f", "C:\\app\\node_modules\\left-pad\\i.js", "left-pad", V8A_CAT_PACKAGE},
        {"f", "/srv/node_modules/", NULL, V8A_CAT_APP},
        {"f", "/srv/my_node_modules/x/y.js", NULL, V8A_CAT_APP},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *pkg = NULL;
        size_t len = 0;
        v8a_frame_category c = v8a_profile_classify(cases[i].name, cases[i].url, &pkg, &len);
        if (c != cases[i].cat) fprintf(stderr, "\ncategory of %s: %d\n", cases[i].url, c);
        CU_ASSERT_EQUAL(c, cases[i].cat);
        if (cases[i].pkg) {
            CU_ASSERT_FATAL(pkg != NULL);
            CU_ASSERT_EQUAL(len, strlen(cases[i].pkg));
            CU_ASSERT(strncmp(pkg, cases[i].pkg, len) == 0);
        } else {
            CU_ASSERT_PTR_NULL(pkg);
        }
    }
    CU_ASSERT_STRING_EQUAL(v8a_frame_category_name(V8A_CAT_PACKAGE), "package");
    CU_ASSERT_STRING_EQUAL(v8a_profile_format_name(V8A_PROFILE_FORMAT_TRACE), "trace");
}

/* ---- feeding ---- */

static void test_chunking(void)
{
    for (size_t f = 0; f < sizeof all_fixtures / sizeof *all_fixtures; f++) {
        const char *rel = all_fixtures[f];
        v8a_profile *p = read_ok(rel);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        uint64_t want = digest(p);
        v8a_profile_free(p);
        /* from memory in one piece */
        size_t len = 0;
        unsigned char *buf = slurp(fixture(rel), &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
        p = NULL;
        CU_ASSERT_EQUAL(v8a_profile_read_buffer(buf, len, rel, NULL, &p), 0);
        if (p) CU_ASSERT_EQUAL(digest(p), want);
        v8a_profile_free(p);
        size_t sizes[33];
        size_t n = 0;
        for (size_t c = 1; c <= 31; c++) sizes[n++] = c;
        sizes[n++] = 4096;
        sizes[n++] = 65536;
        for (size_t i = 0; i < n; i++) {
            v8a_profile_options o;
            memset(&o, 0, sizeof o);
            o.chunk_size = sizes[i];
            /* the big real file only with a few small sizes: it is slow */
            if (len > 20000 && sizes[i] > 3 && sizes[i] < 31) continue;
            p = NULL;
            int rc = v8a_profile_read_buffer(buf, len, rel, &o, &p);
            CU_ASSERT_EQUAL(rc, 0);
            if (p && digest(p) != want) fprintf(stderr, "\n%s: chunk %zu differs\n", rel, sizes[i]);
            if (p) CU_ASSERT_EQUAL(digest(p), want);
            v8a_profile_free(p);
            /* and from the file, streamed */
            if (sizes[i] == 7 || sizes[i] == 4096) {
                p = read_opt(rel, NULL, sizes[i]);
                if (p) CU_ASSERT_EQUAL(digest(p), want);
                v8a_profile_free(p);
            }
        }
        free(buf);
    }
}

/* ---- the database ---- */

static void test_store_roundtrip(void)
{
    char db[512];
    snprintf(db, sizeof db, "%s/profile.v8adb", test_tmpdir());
    for (size_t f = 0; f < sizeof all_fixtures / sizeof *all_fixtures; f++) {
        v8a_profile *p = read_ok(all_fixtures[f]), *q = NULL;
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        CU_ASSERT_EQUAL(v8a_profile_store(p, db, all_fixtures[f]), 0);
        CU_ASSERT_EQUAL(v8a_profile_load(db, &q), 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(q);
        check_invariants(q);
        if (digest(p) != digest(q)) fprintf(stderr, "\n%s: reload differs\n", all_fixtures[f]);
        CU_ASSERT_EQUAL(digest(p), digest(q));
        v8a_profile_free(q);
        q = NULL;
        CU_ASSERT_EQUAL(v8a_profile_open(db, NULL, &q), 0);
        if (q) CU_ASSERT_EQUAL(digest(p), digest(q));
        v8a_profile_free(q);
        v8a_profile_free(p);
    }
    /* a heap snapshot database is not a profile database */
    char hdb[512];
    snprintf(hdb, sizeof hdb, "%s/heap.v8adb", test_tmpdir());
    CU_ASSERT_EQUAL(v8a_store_import(fixture("hand/six-fields.heapsnapshot"), hdb, NULL), 0);
    v8a_profile *q = NULL;
    CU_ASSERT_EQUAL(v8a_profile_load(hdb, &q), V8A_EFORMAT);
    CU_ASSERT_PTR_NULL(q);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "not a v8a profile database"));
    /* a failed store leaves nothing behind */
    v8a_profile *p = read_ok("hand/legacy.cpuprofile");
    CU_ASSERT_EQUAL(v8a_profile_store(p, "/nonexistent-dir/x.v8adb", NULL), V8A_EIO);
    v8a_profile_free(p);
}

/* ---- bad input ---- */

static long byte_of(const char *msg)
{
    const char *p = strstr(msg, ": byte ");
    return p ? strtol(p + 7, NULL, 10) : -1;
}

static void test_bad_corpus(void)
{
    FILE *f = fopen(fixture("bad/profile-cases.tsv"), "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char *cols[4] = {0};
        int k = 0;
        for (char *t = strtok(line, "\t\n"); t && k < 4; t = strtok(NULL, "\t\n")) cols[k++] = t;
        if (k < 4 || strcmp(cols[0], "file") == 0) continue;
        char rel[512];
        snprintf(rel, sizeof rel, "bad/%s", cols[0]);
        char path[4096];
        snprintf(path, sizeof path, "%s", fixture(rel));
        long where = atol(cols[3]);
        for (int chunked = 0; chunked < 2; chunked++) {
            v8a_profile *p = NULL;
            v8a_profile_options o;
            memset(&o, 0, sizeof o);
            o.chunk_size = chunked ? 13 : 0;
            if (chunked && strstr(cols[0], "deep")) continue; /* slow in 13-byte feeds */
            int rc = v8a_profile_read(path, &o, &p);
            CU_ASSERT_EQUAL(rc, V8A_EFORMAT);
            CU_ASSERT_PTR_NULL(p);
            v8a_profile_free(p);
            if (rc >= 0) {
                fprintf(stderr, "\n%s: accepted\n", cols[0]);
                continue;
            }
            const char *msg = v8a_error_last()->message;
            int ok = strncmp(msg, path, strlen(path)) == 0 && !strchr(msg, '\n');
            if (strcmp(cols[2], "byte") == 0) {
                long b = byte_of(msg);
                ok = ok && b >= 0 && labs(b - where) <= 8;
            } else {
                char pat[64];
                snprintf(pat, sizeof pat, ": node %ld:", where);
                ok = ok && strstr(msg, pat) != NULL;
            }
            if (!ok)
                fprintf(stderr, "\n%s: expected %s %ld, got: %s\n", cols[0], cols[2], where, msg);
            CU_ASSERT(ok);
        }
        n++;
    }
    fclose(f);
    CU_ASSERT(n >= 14);
}

static int read_text(const char *text, const char *name)
{
    v8a_profile *p = NULL;
    int rc = v8a_profile_read_buffer(text, strlen(text), name, NULL, &p);
    v8a_profile_free(p);
    return rc;
}

static void test_bad_small(void)
{
#define ROOT "{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\",\"url\":\"\"}"
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[" ROOT "}]}", "ok"), 0);
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[" ROOT ",\"id\":2}]}", "dupkey"), V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "duplicate key \"id\""));
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[" ROOT "}],\"nodes\":[]}", "dupnodes"), V8A_EFORMAT);
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[]}", "empty"), V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "no nodes"));
    CU_ASSERT_EQUAL(read_text("[1,2]", "arr"), V8A_EFORMAT);
    CU_ASSERT_EQUAL(read_text("\"x\"", "str"), V8A_EFORMAT);
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[" ROOT ",\"hitCount\":-1}]}", "neghit"), V8A_EFORMAT);
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[" ROOT ",\"hitCount\":1e3}]}", "exp"), V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "found 1e3"));
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[" ROOT ",\"children\":[1]}]}", "self"), V8A_EFORMAT);
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[" ROOT "},{\"id\":2,\"callFrame\":{}}]}", "roots"),
                    V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "second root"));
    CU_ASSERT_EQUAL(
        read_text("{\"nodes\":[" ROOT "}],\"samples\":[1],\"timeDeltas\":[1,2]}", "len"),
        V8A_EFORMAT);
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[" ROOT "}],\"samples\":[1]}trailing", "trail"),
                    V8A_EFORMAT);
    CU_ASSERT_EQUAL(read_text("\xef\xbb\xbf{\"nodes\":[" ROOT "}]}", "bom"), V8A_EFORMAT);
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[" ROOT "}],\"startTime\":1e400}", "inf"), V8A_EFORMAT);
    CU_ASSERT_EQUAL(read_text("{\"nodes\":[" ROOT "}],\"samples\":[4294967296]}", "u32"),
                    V8A_EFORMAT);
    /* escapes: lone surrogates and \u0000 become U+FFFD (utf8.h) */
    v8a_profile *p = NULL;
    const char *esc =
        "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\\ud800b\\u0000\\u00e9"
        "\",\"url\":\"\"}}]}";
    CU_ASSERT_EQUAL(v8a_profile_read_buffer(esc, strlen(esc), "esc", NULL, &p), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(S(p, frame_of(p, 0)->name), "a\xef\xbf\xbd"
                                                       "b\xef\xbf\xbd\xc3\xa9");
    v8a_profile_free(p);
    /* unknown keys and deep unknown values are skipped */
    char deep[8192] = "{\"x\":";
    for (int i = 0; i < 2000; i++) strcat(deep, "[");
    for (int i = 0; i < 2000; i++) strcat(deep, "]");
    strcat(deep, ",\"nodes\":[" ROOT ",\"extra\":{\"a\":[1,{\"b\":null}]}}]}");
    CU_ASSERT_EQUAL(read_text(deep, "deep"), 0);
#undef ROOT
}

/* Many negative deltas: past the insertion-sort budget, qsort finishes,
 * and the order is still stable. */
static void test_sort_fallback(void)
{
    size_t n = 3000, cap = 64 * n + 512, k = 0;
    char *buf = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    k += (size_t)snprintf(buf + k, cap - k,
                          "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\"},"
                          "\"children\":[2,3]},{\"id\":2,\"callFrame\":{\"functionName\":\"a\"}},"
                          "{\"id\":3,\"callFrame\":{\"functionName\":\"b\"}}],\"samples\":[");
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%d", i ? "," : "", 2 + (int)(i % 2));
    k += (size_t)snprintf(buf + k, cap - k, "],\"timeDeltas\":[");
    /* pairs at the same time, each pair 10 us before the previous one */
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%d", i ? "," : "",
                              i == 0  ? 100000
                              : i % 2 ? 0
                                      : -10);
    k += (size_t)snprintf(buf + k, cap - k, "]}");
    v8a_profile *p = NULL;
    CU_ASSERT_EQUAL(v8a_profile_read_buffer(buf, k, "rev", NULL, &p), 0);
    free(buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    check_invariants(p);
    CU_ASSERT_EQUAL(p->anomalies.negative_deltas, n / 2 - 1);
    /* reversed pairs, each pair still in file order: a then b */
    for (size_t i = 0; i < n; i++) CU_ASSERT_EQUAL(p->sample_node[i], 1 + i % 2);
    CU_ASSERT_EQUAL(p->sample_time[n - 1], 10 * (int64_t)(n / 2 - 1));
    CU_ASSERT_EQUAL(p->interval_us, 0);
    v8a_profile_free(p);
}

/* Legacy heads nested deeper than the limit fail cleanly (no recursion). */
static void test_deep_head(void)
{
    const char *open = "{\"functionName\":\"f\",\"id\":1,\"children\":[";
    size_t depth = 200000, lo = strlen(open);
    size_t len = 8 + depth * (lo + 2) + 2;
    char *buf = malloc(len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    size_t k = 0;
    memcpy(buf, "{\"head\":", 8);
    k = 8;
    for (size_t i = 0; i < depth; i++, k += lo) memcpy(buf + k, open, lo);
    for (size_t i = 0; i < depth; i++, k += 2) memcpy(buf + k, "]}", 2);
    buf[k++] = '}';
    v8a_profile *p = NULL;
    /* ids repeat: the nesting itself is fine, the duplicate id is the fault */
    CU_ASSERT_EQUAL(v8a_profile_read_buffer(buf, k, "deep", NULL, &p), V8A_EFORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v8a_error_last()->message, "duplicate id"));
    free(buf);
}

/* ---- allocation failures ---- */

static void fail_each(const char *rel, int store)
{
    char db[512];
    snprintf(db, sizeof db, "%s/pfaults.v8adb", test_tmpdir());
    int ok = 0;
    for (uint64_t n = 1; n < 100000 && !ok; n++) {
        v8a_profile *p = NULL;
        v8a__alloc_fail_at(n, 0);
        int rc = v8a_profile_read(fixture(rel), NULL, &p);
        if (rc == 0 && store) rc = v8a_profile_store(p, db, NULL);
        v8a__alloc_fail_at(0, 0);
        v8a_profile_free(p);
        if (rc == 0)
            ok = 1;
        else if (rc != V8A_ENOMEM) {
            CU_FAIL("an injected allocation failure was not reported as V8A_ENOMEM");
            fprintf(stderr, "\n%s: allocation %llu: %d %s\n", rel, (unsigned long long)n, rc,
                    v8a_error_last()->message);
            return;
        }
    }
    CU_ASSERT(ok);
}

static void test_alloc_faults(void)
{
    fail_each("hand/legacy.cpuprofile", 0);
    fail_each("hand/trace-two-threads.json", 0);
    fail_each("hand/small.heapprofile", 0);
    fail_each("hand/negative-delta.cpuprofile", 1);
}

void suite_profile(CU_pSuite s)
{
    ADD(s, test_real_cpu);
    ADD(s, test_real_heap);
    ADD(s, test_legacy);
    ADD(s, test_negative_delta);
    ADD(s, test_parent_only);
    ADD(s, test_trace);
    ADD(s, test_heap_small);
    ADD(s, test_categories);
    ADD(s, test_chunking);
    ADD(s, test_store_roundtrip);
    ADD(s, test_bad_corpus);
    ADD(s, test_bad_small);
    ADD(s, test_deep_head);
    ADD(s, test_sort_fallback);
    ADD(s, test_alloc_faults);
}
