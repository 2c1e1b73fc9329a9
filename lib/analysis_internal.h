/* analysis_internal.h - the analysis and its passes (private to lib/).
 *
 * The passes run in DevTools' order, each reading what the previous ones
 * wrote: DOM state (renames detached natives), page-object flags and the
 * essential-edge bitmap, the shallow-size transfer, dominators and retained
 * sizes, distances, classes with interfaces, aggregates, statistics.
 * docs/analysis.md states each rule.
 */
#ifndef V8A_ANALYSIS_INTERNAL_H
#define V8A_ANALYSIS_INTERNAL_H

#include "graph.h"
#include "heap_internal.h"

#include <v8a/analysis.h>

/* What the passes know about WeakMap ephemeron edge names, per string id:
 * "<n> / part of key (<k> @<id>) -> value (<v> @<id>) pair in WeakMap (table @<id>)". */
typedef struct v8a__ephemerons {
    uint32_t count;     /* distinct matching strings */
    uint8_t *is;        /* per sid: 1 if the name matches */
    uint64_t *table_id; /* per sid */
    uint32_t *part;     /* per sid: id of the text after the leading number */
    uint32_t part_count;
} v8a__ephemerons;

/* Interface definitions (DevTools' interfaceDefinitions()): a name such as
 * "{id, user}" and the raw property names it stands for, most popular first. */
typedef struct v8a__interface_def {
    char *name;
    char **props;
    uint32_t nprops;
} v8a__interface_def;

struct v8a_interfaces {
    v8a__interface_def *defs;
    uint32_t count;
};

struct v8a_analysis {
    const v8a_heap *h;
    v8a_analysis_options opts;
    v8a__edge_types et;
    v8a__node_types nt;
    uint32_t root;
    int has_user_roots;

    v8a__graph g; /* retainers */
    v8a__ephemerons eph;
    uint8_t *detached;       /* per node: DOM state after propagation (0, 1 attached, 2 detached) */
    uint8_t *page;           /* per node: page object (DevTools' pageObject flag) */
    uint8_t *essential;      /* per edge, bit e: counts for dominators */
    uint64_t *shallow;       /* per node */
    uint32_t *dom;           /* per node: immediate dominator ordinal */
    uint32_t *preorder;      /* the dominators' DFS order, until the retained sizes */
    uint64_t *retained;      /* per node */
    int32_t *distance;       /* per node */
    uint32_t *cls;           /* per node: class index */
    v8a_class_info *classes; /* name and key texts are owned */
    uint32_t class_count, class_cap;
    v8a_statistics stats;
    v8a_interfaces *ifaces; /* this snapshot's own definitions (NULL if unknown) */
};

#define V8A__ESSENTIAL(a, e) (((a)->essential[(e) >> 3] >> ((e)&7)) & 1)

int v8a__ephemerons_scan(v8a_analysis *a);
void v8a__ephemerons_free(v8a__ephemerons *e);
int v8a__dom_state(v8a_analysis *a);
int v8a__flags_and_essential(v8a_analysis *a);
int v8a__shallow_sizes(v8a_analysis *a);
int v8a__dominators(v8a_analysis *a);
int v8a__retained_sizes(v8a_analysis *a);
int v8a__distances(v8a_analysis *a);
int v8a__class_names(v8a_analysis *a);
int v8a__class_sizes(v8a_analysis *a);
void v8a__statistics(v8a_analysis *a);
int v8a__mark_summary(v8a_analysis *a);

/* The effective name of node i: its raw name, or "Detached " + raw name for
 * a detached native. Writes into buf when it has to build it; returns the
 * text and its length. */
const char *v8a__node_name(const v8a_analysis *a, uint32_t i, char *buf, size_t cap, size_t *len);

#endif
