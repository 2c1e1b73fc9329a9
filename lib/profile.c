/* profile.c - the profile model shared by every reader and view: freeing it,
 * its strings, and weights under the documented time model (v8a/profile.h).
 * The readers live in profile_read*.c.
 */
#include "alloc.h"
#include "error.h"

#include <v8a/profile.h>

void v8a_profile_free(v8a_profile *p)
{
    if (!p) return;
    if (p->strings)
        for (uint32_t i = 0; i < p->nstrings; i++) v8a__free(p->strings[i]);
    v8a__free(p->strings);
    v8a__free(p->frames);
    v8a__free(p->nodes);
    v8a__free(p->ticks);
    v8a__free(p->sample_node);
    v8a__free(p->sample_time);
    v8a__free(p->sample_duration);
    v8a__free(p);
}

const char *v8a_profile_string(const v8a_profile *p, uint32_t s)
{
    if (!p || s >= p->nstrings || !p->strings[s]) return "";
    return p->strings[s];
}

int v8a_profile_self_weights(const v8a_profile *p, v8a_weight w, int64_t *self)
{
    if (!p || !self || (unsigned)w > V8A_WEIGHT_HITCOUNT)
        return v8a__error_set(V8A_EINVAL, "v8a_profile_self_weights: invalid argument");
    for (uint32_t i = 0; i < p->nnodes; i++) self[i] = 0;
    if (p->kind == V8A_PROFILE_HEAP) {
        for (uint32_t i = 0; i < p->nnodes; i++) self[i] = p->nodes[i].self_bytes;
        return 0;
    }
    if (w == V8A_WEIGHT_HITCOUNT) {
        /* DevTools' tree views: wall time spread evenly over the hits. */
        int64_t hits = 0;
        for (uint32_t i = 0; i < p->nnodes; i++) hits += p->nodes[i].hit_count;
        int64_t span = p->end_time_us - p->start_time_us;
        if (hits <= 0 || span <= 0) return 0;
        double per_hit = (double)span / (double)hits;
        for (uint32_t i = 0; i < p->nnodes; i++)
            self[i] = (int64_t)((double)p->nodes[i].hit_count * per_hit + 0.5);
        return 0;
    }
    /* a folded line's sample counts its count whatever the weight */
    int count = w == V8A_WEIGHT_TIME || p->format == V8A_PROFILE_FORMAT_FOLDED;
    for (size_t i = 0; i < p->nsamples; i++)
        self[p->sample_node[i]] += count ? p->sample_duration[i] : 1;
    return 0;
}

void v8a_profile_totals(const v8a_profile *p, const int64_t *self, int64_t *total)
{
    for (uint32_t i = 0; i < p->nnodes; i++) total[i] = self[i];
    /* parents precede children: one backward pass adds each node to its parent */
    for (uint32_t i = p->nnodes; i-- > 1;) total[p->nodes[i].parent] += total[i];
}
