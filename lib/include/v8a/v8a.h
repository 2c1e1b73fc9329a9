/* v8a/v8a.h - the whole public API of libv8a.
 *
 * v8a reads V8 artifacts (heap snapshots; CPU and heap profiles to come) with
 * a streaming parser, checks them, and stores them in SQLite for analysis.
 * See docs/internals.md for a tour of the library.
 */
#ifndef V8A_V8A_H
#define V8A_V8A_H

#include <v8a/analysis.h>
#include <v8a/common.h>
#include <v8a/diff.h>
#include <v8a/flame.h>
#include <v8a/gate.h>
#include <v8a/heap.h>
#include <v8a/paths.h>
#include <v8a/profile.h>
#include <v8a/profile_insights.h>
#include <v8a/profile_stats.h>
#include <v8a/regex.h>
#include <v8a/store.h>

#endif
