#!/usr/bin/env bash
# flame.sh - CLI tests for flame info and flame import: exact exit codes and outputs.
# Usage: flame.sh PATH/TO/flame PATH/TO/tests/fixtures
set -u
FL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FX=$(cd "$2" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# one_line NAME FILE: exactly one line
one_line() {
    if [ "$(wc -l <"$2")" != 1 ]; then
        echo "FAIL $1: expected one line"
        sed 's/^/  /' "$2" | head -5
        fails=$((fails + 1))
    fi
}

cd "$FX" || exit 2

# ---- usage ----
run help 0 "$FL" --help && has help "$T/out" "Usage: flame COMMAND" && has help "$T/out" "  import"
run no-args 2 "$FL"
run unknown-command 2 "$FL" bogus &&
    same unknown-command "$T/err" "flame: unknown command 'bogus'
Try 'flame --help'."
run info-help 0 "$FL" info --help && has info-help "$T/out" "Usage: flame info" &&
    has info-help "$T/out" "--thread"
run help-import 0 "$FL" help import && has help-import "$T/out" "Usage: flame import"
run info-missing 2 "$FL" info &&
    same info-missing "$T/err" "flame info: missing PROFILE
Try 'flame info --help'."
run info-extra 2 "$FL" info hand/legacy.cpuprofile extra &&
    same info-extra "$T/err" "flame info: unexpected argument 'extra'
Try 'flame info --help'."
run info-bad-format 2 "$FL" info -f yaml hand/legacy.cpuprofile &&
    same info-bad-format "$T/err" "flame info: --format: 'yaml' is not text, json, csv or markdown
Try 'flame info --help'."
run info-bad-option 2 "$FL" info --bogus hand/legacy.cpuprofile &&
    same info-bad-option "$T/err" "flame info: unknown option '--bogus'
Try 'flame info --help'."
run import-missing 2 "$FL" import

# ---- info ----
run info-text 0 "$FL" info hand/negative-delta.cpuprofile &&
    same info-text "$T/out" "file:                hand/negative-delta.cpuprofile
format:              cpuprofile
kind:                cpu
thread:              -
threads:             1
start_time:          0 us
end_time:            12.0 ms
duration:            11.8 ms
samples:             5
interval:            800 us
nodes:               3
frames:              3
max_depth:           1
idle:                0%
program:             0%
gc:                  91.53%
sampled_bytes:       -
negative_deltas:     1
hitcount_mismatches: 0
long_gaps:           1
longest_gap:         9.00 ms
orphan_samples:      -"
run info-legacy-json 0 "$FL" info -f json hand/legacy.cpuprofile &&
    same info-legacy-json "$T/out" '{
  "file": "hand/legacy.cpuprofile",
  "format": "legacy",
  "kind": "cpu",
  "thread": null,
  "threads": 1,
  "start_time_us": 1500000,
  "end_time_us": 1504500,
  "duration_us": 4500,
  "samples": 4,
  "interval_us": 1000,
  "nodes": 4,
  "frames": 4,
  "max_depth": 2,
  "idle_pct": 0,
  "program_pct": 22.22,
  "gc_pct": 0,
  "sampled_bytes": null,
  "negative_deltas": 0,
  "hitcount_mismatches": 0,
  "long_gaps": 0,
  "longest_gap_us": 1500,
  "orphan_samples": null
}'
run info-trace 0 "$FL" info -f csv hand/trace-two-threads.json &&
    has info-trace "$T/out" "^thread,1:10 (CrRendererMain)" && has info-trace "$T/out" "^negative_deltas,1"
run info-trace-thread 0 "$FL" info -f csv --thread "DedicatedWorker thread" hand/trace-two-threads.json &&
    has info-trace-thread "$T/out" "^thread,1:20 (DedicatedWorker thread)"
run info-trace-pidtid 0 "$FL" info -f csv --thread 1:20 hand/trace-two-threads.json &&
    has info-trace-pidtid "$T/out" "^nodes,2"
run info-trace-nothread 2 "$FL" info --thread 9:9 hand/trace-two-threads.json &&
    same info-trace-nothread "$T/err" "flame info: hand/trace-two-threads.json: no profile for thread '9:9' (the trace has 1:10 (CrRendererMain), 1:20 (DedicatedWorker thread))"
run info-real-text 0 "$FL" info busy.cpuprofile.gz &&
    has info-real-text "$T/out" "^duration:            1.32 s$" && has info-real-text "$T/out" "^interval:            329 us$" &&
    has info-real-text "$T/out" "^idle:                39.64%$"
run info-real-md 0 "$FL" info -f markdown busy.cpuprofile.gz &&
    has info-real-md "$T/out" "^| duration | 1.32 s |$"
run info-heap 0 "$FL" info -f markdown hand/small.heapprofile &&
    has info-heap "$T/out" "^| kind | heap |" && has info-heap "$T/out" "^| orphan_samples | 1 |"
run info-real 0 "$FL" info -f csv busy.cpuprofile.gz &&
    has info-real "$T/out" "^samples,3943" && has info-real "$T/out" "^interval_us,329"
run info-stdin 0 sh -c "cat hand/parent-only.cpuprofile | '$FL' info -f csv -" &&
    has info-stdin "$T/out" "^idle_pct,33.33"
run info-output 0 "$FL" info -o "$T/info.json" -f json hand/parent-only.cpuprofile &&
    has info-output "$T/info.json" '"hitcount_mismatches": 1'

# ---- import ----
run import 0 "$FL" import hand/negative-delta.cpuprofile -o "$T/neg.v8adb" &&
    same import "$T/err" "flame import: wrote $T/neg.v8adb: 3 nodes, 3 frames, 5 samples"
run info-db 0 "$FL" info "$T/neg.v8adb" &&
    has info-db "$T/out" "^gc:                  91.53%" && has info-db "$T/out" "^file:                $T/neg.v8adb"
run import-quiet 0 "$FL" import -q busy.heapprofile.gz -o "$T/heap.v8adb" &&
    { [ -s "$T/out" ] || [ -s "$T/err" ]; } && { echo "FAIL import-quiet: printed something"; fails=$((fails + 1)); }
(cd "$T" && run import-default-name 0 "$FL" import -q "$FX/hand/legacy.cpuprofile") &&
    { [ -f "$T/legacy.v8adb" ] || { echo "FAIL import-default-name"; fails=$((fails + 1)); }; }
run import-thread 0 "$FL" import -q --thread 1:20 hand/trace-two-threads.json -o "$T/w.v8adb" &&
    run info-thread-db 0 "$FL" info -f csv "$T/w.v8adb" && has info-thread-db "$T/out" "^thread,1:20 (DedicatedWorker thread)"

# ---- bad input: exit 2, one line naming the file, nothing left behind ----
while IFS=$'\t' read -r file problem kind where; do
    [ "$file" = file ] && continue
    run "bad-$file" 2 "$FL" info "bad/$file" || continue
    one_line "bad-$file" "$T/err"
    has "bad-$file" "$T/err" "^flame info: bad/$file: $kind $where"'\|^flame info: bad/'"$file"': byte '
    run "bad-import-$file" 2 "$FL" import "bad/$file" -o "$T/bad.v8adb"
    if ls "$T"/bad.v8adb* >/dev/null 2>&1; then
        echo "FAIL bad-import-$file: left a file behind"
        fails=$((fails + 1))
    fi
done <bad/profile-cases.tsv
run bad-missing-file 2 "$FL" info nope.cpuprofile &&
    same bad-missing-file "$T/err" "flame info: nope.cpuprofile: No such file or directory"
run bad-heap-db 2 "$FL" info "$T/neg.v8adb.nope"
run bad-not-json 2 "$FL" info hand/six-fields.heapsnapshot && one_line bad-not-json "$T/err"

finish
