#!/usr/bin/env bash
# fuzz-corpus.sh - writes the seed corpora of the libFuzzer targets.
# Usage: fuzz-corpus.sh OUTDIR HEAPSNAP
# OUTDIR/<target>/ gets small seeds made from tests/fixtures: the hand-made
# snapshots and the malformed corpus for fuzz_heap_reader (plus a few cases
# written here), and for fuzz_store_load the hand-made snapshots imported by
# HEAPSNAP and vacuumed to 512-byte pages (about 20 KB each, so that
# mutations land on data rather than on empty page space). Nothing here is
# committed: the seeds are regenerated on every run.
set -euo pipefail
out=$1
hs=$2
here=$(cd "$(dirname "$0")/.." && pwd)
fx=$here/tests/fixtures
mkdir -p "$out/fuzz_heap_reader" "$out/fuzz_store_load"

# ---- fuzz_heap_reader ----
h=$out/fuzz_heap_reader
for f in "$fx"/hand/*.heapsnapshot "$fx"/bad/*.heapsnapshot; do
    cp "$f" "$h/$(basename "$(dirname "$f")")-$(basename "$f")"
done
{ gzip -dc "$fx/bad/truncated.heapsnapshot.gz" 2>/dev/null || true; } >"$h/bad-truncated-gz.heapsnapshot"
meta='{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]},"node_count":4,"edge_count":4,"trace_function_count":1},'
# a small graph with a cycle, a weak edge, a trace tree, samples and locations
printf '%s' "$meta" >"$h/gen-small.heapsnapshot"
printf '"nodes":[9,0,1,0,2,0,0,3,2,3,16,1,1,0,5,1,5,24,1,2,0,2,3,7,32,0,0,0],' >>"$h/gen-small.heapsnapshot"
printf '"edges":[2,2,7,1,0,14,2,1,14,6,3,7],' >>"$h/gen-small.heapsnapshot"
printf '"trace_function_infos":[1,1,2,1,0,0],"trace_tree":[1,0,1,8,[2,0,1,8,[]]],' >>"$h/gen-small.heapsnapshot"
printf '"samples":[100,3],"locations":[7,1,2,3],' >>"$h/gen-small.heapsnapshot"
printf '"strings":["","a\\u00e9\\uD83D\\uDE00","global","\\ud800x"]}\n' >>"$h/gen-small.heapsnapshot"

# ---- fuzz_heap_faults: two bytes choosing the failing allocation, then a snapshot ----
f=$out/fuzz_heap_faults
mkdir -p "$f"
for src in "$h"/hand-*.heapsnapshot "$h/gen-small.heapsnapshot"; do
    for n in '\x00\x03' '\x00\x1f' '\x00\x60' '\x01\x00'; do
        { printf "$n"; cat "$src"; } >"$f/$(basename "$src" .heapsnapshot)-$(printf "$n" | od -An -tx1 | tr -d ' ')"
    done
done

# ---- fuzz_store_tables: edit records [op, selector, payload] (tests/fuzz/fuzz_store_tables.c) ----
t=$out/fuzz_store_tables
mkdir -p "$t"
printf '\x00\x00\x00\x00\x00\x00\xee\x6b\x28\x00' >"$t/meta-node-count"  # node_count 4e9
printf '\x01\x0a\x13\xff\xff\xff\x7f' >"$t/edge-to-bytes"                 # edge_to bytes
printf '\x02\x04\x03' >"$t/first-edge-cut"                                    # first_edge cut
printf '\x03\x00\x02' >"$t/delete-string"                                     # a strings row
printf '\x04\x00\x01\x00\x00\x00\x00\x00\x00\x00\x09' >"$t/class-id"     # classes.class_id
printf '\x05\x00\x01\x03\xed\xa0\x80' >"$t/string-surrogate"              # strings.value bytes
printf '\x01\x0d\x00\xff\xff\xff\xff\x05\x01\x02\x02\xff\xfe' >"$t/dominator-and-class"

# ---- fuzz_store_load ----
s=$out/fuzz_store_load
tmp=$(mktemp -d "${TMPDIR:-/tmp}/v8a-seeds-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for f in "$fx"/hand/six-fields.heapsnapshot "$fx"/hand/seven-fields.heapsnapshot \
    "$fx"/hand/empty-arrays.heapsnapshot "$h/gen-small.heapsnapshot"; do
    b=$(basename "$f" .heapsnapshot)
    XDG_CACHE_HOME=$tmp "$hs" import -q "$f" -o "$tmp/$b.v8adb"
    sqlite3 "$tmp/$b.v8adb" "PRAGMA page_size=512; VACUUM;"
    cp "$tmp/$b.v8adb" "$s/$b.v8adb"
done

# ---- fuzz_profile_reader: the hand-made profiles, small real ones, the bad corpus ----
p=$out/fuzz_profile_reader
mkdir -p "$p"
for f in "$fx"/hand/*.cpuprofile "$fx"/hand/*.heapprofile "$fx"/hand/*.json "$fx"/hand/*.folded \
    "$fx"/bad/p-*; do
    if [ -f "$f" ] && [ "$(wc -c <"$f")" -le 65536 ]; then cp "$f" "$p/"; fi
done
if [ -f "$fx"/busy.heapprofile.gz ]; then zcat "$fx"/busy.heapprofile.gz >"$p/busy.heapprofile"; fi
printf 'main;parse;JSON.parse 12\nmain;render 3\n' >"$p/folded.txt"

# ---- fuzz_svg: two option bytes, then names (NUL between frames, two NULs
# between stacks, 0x01 before a url; tests/fuzz/fuzz_svg.c) ----
v=$out/fuzz_svg
mkdir -p "$v"
printf '\x00\x00main\0parse\0JSON.parse\0\0main\0render\0\0' >"$v/plain"
printf '\x00\x08main\0<script>alert(1)</script>\x01file:///a&b.js\0\0main\0<img src=x onerror="alert(2)">\0\0</title>' >"$v/markup"
printf '\x01\x00]]><script>alert(3)</script>\0<![CDATA[\0\0\x22><svg onload=alert(4)>\x01javascript:alert(5)\0\0' >"$v/cdata-static"
printf '\x29\x00bad \xff\xfe utf8 \xe2\x82\0\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80\0\0\xef\xbf\xbe\xef\xbf\xbf\0\0' >"$v/not-utf8-narrow"
printf '\x1a\x02a\x09b\x0ac\x0dd\x1b[31me\x7ff\xc2\x85g\xe2\x80\xa8h\0\0&amp;&#10;&lt;\x27\x22\0\0' >"$v/controls-entities"
printf '\x42\x05x\x01/app/node_modules/<pkg>/i.js\0y\x01/app/node_modules/@s/"q"/j.js\0\0(garbage collector)\0\0(idle)\0\0' >"$v/packages-heap"
printf '\xc8\x0d\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe5\x90\x8d\xe5\x89\x8d_with_a_long_tail_that_does_not_fit\0\xf0\x9f\x98\x80\0\0' >"$v/long-wide"

# ---- fuzz_fail_on: gates of both tools ----
g=$out/fuzz_fail_on
mkdir -p "$g"
n=0
for e in 'total>+5MB' 'total>+10%' 'class:LeakRecord.count>+100' 'class:/Cache.*/.size>+1MB' \
    'native>+50MB' 'class:"Detached <div>".new>=3' 'self:/parseBody/>+10%' 'cpu>+15%' \
    'max>100ms' 'total<=1.5s' 'leaked.retained>64KiB'; do
    n=$((n + 1))
    printf '%s' "$e" >"$g/gate-$n"
done
