/* stats.h - what flame top, flame blocking and flame diff share: time
 * options, frame locations and JSON helpers (stats.c). */
#ifndef V8A_FLAME_STATS_H
#define V8A_FLAME_STATS_H

#include <stdint.h>
#include <stdio.h>
#include <v8a/v8a.h>
#include <yajl/yajl_gen.h>

/* Parses a time such as "50ms", "1.5s", "250us" or "50" (milliseconds)
 * into microseconds. Returns 0, or -1 when malformed or negative. */
int fl_parse_time(const char *s, int64_t *us);

/* Parses a count for --top ("0" means all). Returns 0 or -1. */
int fl_parse_count(const char *s, long *out);

/* "/src/app.js:10:5" (file:// dropped); "" for a frame without a url. */
void fl_location(char *buf, size_t cap, const char *url, int32_t line, int32_t column);

/* "name (location)" or "name" when there is no url. */
void fl_frame_label(char *buf, size_t cap, const char *name, const char *url, int32_t line,
                    int32_t column);

/* A generator writing indented JSON to f; NULL when out of memory. */
yajl_gen fl_json_open(FILE *f);
void fl_jkey(yajl_gen g, const char *k);
void fl_jstr(yajl_gen g, const char *k, const char *v); /* v NULL: null */
void fl_jint(yajl_gen g, const char *k, long long v);
void fl_jnum(yajl_gen g, const char *k, double v); /* shortest exact; null if not finite */
void fl_jms(yajl_gen g, const char *k, double us); /* microseconds written as milliseconds */
/* A position: 0 (unknown) is written as null. */
void fl_jpos(yajl_gen g, const char *k, int32_t v);

#endif
