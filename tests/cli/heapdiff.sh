#!/usr/bin/env bash
# heapdiff.sh - CLI tests for heapdiff: exact exit codes and outputs.
# Usage: heapdiff.sh PATH/TO/heapdiff PATH/TO/heapsnap PATH/TO/tests/fixtures
set -u
HD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HS=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
FX=$(cd "$3" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FX" || exit 2
B=app-before.heapsnapshot.gz
A=app-after.heapsnapshot.gz

# ---- usage ----
run help 0 "$HD" --help && has help "$T/out" "Usage: heapdiff \[OPTIONS\] BEFORE AFTER"
run version 0 "$HD" --version && has version "$T/out" "^heapdiff (v8a) "
run no-args 2 "$HD" && same no-args "$T/err" "heapdiff: missing BEFORE and AFTER
Try 'heapdiff --help'."
run one-arg 2 "$HD" "$B" && same one-arg "$T/err" "heapdiff: missing AFTER
Try 'heapdiff --help'."
run four-args 2 "$HD" "$B" "$A" "$A" "$A" && has four-args "$T/err" "unexpected argument"
run bad-format 2 "$HD" -f yaml "$B" "$A" &&
    has bad-format "$T/err" "'yaml' is not text, json, csv, markdown or html"
run bad-top 2 "$HD" --top many "$B" "$A"
run bad-jobs 2 "$HD" -j 9 "$B" "$A"
run bad-class-regex 2 "$HD" --class '(' "$B" "$A" && has bad-class-regex "$T/err" "^heapdiff: --class: "

# ---- gates that do not parse are usage errors, found before any work ----
gate_error() { # NAME EXPR MESSAGE
    run "gate:$1" 2 "$HD" --fail-on "$2" nonexistent-before nonexistent-after &&
        same "gate:$1" "$T/err" "heapdiff: --fail-on $3
Try 'heapdiff --help'."
}
gate_error no-number 'total>' "'total>': column 7: expected a number"
gate_error no-op 'total=5' "'total=5': column 6: expected a comparison: >, >=, < or <="
gate_error unit 'total>+5XB' "'total>+5XB': column 9: unknown unit (B, KB, MB, GB, KiB, MiB, GiB, us, ms, s or %)"
gate_error measure 'bogus>1' "'bogus>1': column 1: unknown measure 'bogus' (total, heap, native, external, strings, class:NAME, leaked)"
gate_error field 'class:X.colour>1' "'class:X.colour>1': column 9: unknown field 'colour' (count, size, retained, new, deleted, alloc or freed)"
gate_error regex 'class:/Cache>1' "'class:/Cache>1': column 15: the /REGEX/ has no closing '/'"
gate_error count-bytes 'class:X.count>+1MB' "'class:X.count>+1MB': count counts objects, not bytes"
gate_error huge 'total>99999999999999999999' "'total>99999999999999999999': column 7: the number is too large"
gate_error leaked 'leaked.count>1' "'leaked.count>1': leaked needs three snapshots"
gate_error time 'total>5ms' "'total>5ms': a heap measure is not a time"
gate_error pct-new 'class:X.new>+10%' "'class:X.new>+10%': new is measured in one snapshot only, so it has no percentage of change: give a number"
run gate:pct-leaked 2 "$HD" --fail-on 'leaked.count>5%' no-a no-b no-c &&
    same gate:pct-leaked "$T/err" "heapdiff: --fail-on 'leaked.count>5%': leaked is measured in one snapshot only, so it has no percentage of change: give a number
Try 'heapdiff --help'."
gate_error bad-regex 'class:/(/.size>1' "'class:/(/.size>1': regex: regex error at offset 1: missing closing parenthesis"

# ---- the report ----
run text 0 "$HD" --top 3 --growth 1 --paths 2 "$B" "$A" && same text "$T/out" "before    app-before.heapsnapshot.gz (42646 nodes, 3.1 MiB)
after     app-after.heapsnapshot.gz (66541 nodes, 18.6 MiB)

Totals
Measure                               Before      After       Delta  Change
Total                                3.1 MiB   18.6 MiB   +15.5 MiB  +498.9%
V8 heap                              2.9 MiB    4.0 MiB    +1.1 MiB  +36.3%
Native                             170.9 KiB   14.6 MiB   +14.5 MiB  +8661.0%
ArrayBuffer/Buffer backing stores  162.4 KiB   14.6 MiB   +14.5 MiB  +9115.3%
Strings                            422.1 KiB  584.9 KiB  +162.8 KiB  +38.6%

Comparison (DevTools), by size delta: 3 of 46 classes
Class                       # New  # Deleted  # Delta  Alloc. Size  Freed Size  Size Delta  Retained Delta
system / JSArrayBufferData   2201          1    +2200     14.5 MiB         2 B   +14.5 MiB       +14.5 MiB
Buffer                       2200          0    +2200    206.2 KiB         0 B  +206.2 KiB       +14.8 MiB
ArrayBuffer                  2201          1    +2200    189.1 KiB        88 B  +189.1 KiB       +14.6 MiB

Objects that kept their id but changed size: 11 (+49.4 KiB).

What keeps the growth alive
system / JSArrayBufferData: 2201 new objects, size +14.5 MiB, retained +14.5 MiB
Objects  Retained  Retainer path
    200  12.5 MiB  global.blobCache > Map<table> > (array)[] > Buffer<buffer> > ArrayBuffer<backing_store> > system / JSArrayBufferData
   2000   2.0 MiB  global.leakedRecords > Array[] > LeakRecord.payload > Buffer<buffer> > ArrayBuffer<backing_store> > system / JSArrayBufferData" &&
    { [ -s "$T/err" ] && { echo "FAIL text: stderr not empty"; fails=$((fails + 1)); }; true; }
cp "$T/out" "$T/text.txt"
run class-filter 0 "$HD" --class '^Leak' --growth 1 --paths 1 "$B" "$A" && same class-filter "$T/out" "$(sed -n 1,11p "$T/text.txt")

Comparison (DevTools), by size delta: 1 of 1 classes
Class       # New  # Deleted  # Delta  Alloc. Size  Freed Size  Size Delta  Retained Delta
LeakRecord   2000          0    +2000     93.8 KiB         0 B   +93.8 KiB        +2.6 MiB

What keeps the growth alive
LeakRecord: 2000 new objects, size +93.8 KiB, retained +2.6 MiB
Objects  Retained  Retainer path
   2000   2.6 MiB  global.leakedRecords > Array[] > LeakRecord"
run ignore-filter 0 "$HD" --ignore '.' --growth 0 "$B" "$A" && has ignore-filter "$T/out" "by size delta: 0 of 0 classes" &&
    has ignore-filter-why "$T/out" "^No class with new or deleted objects passes --class and --ignore.$"
run top-0-all 0 "$HD" --top 0 --growth 0 "$B" "$A" && has top-0-all "$T/out" "by size delta: 46 of 46 classes"
run two-stdin 2 "$HD" - - && has two-stdin "$T/err" "standard input (-) can be read once"
run gate-misspelt 0 "$HD" --growth 0 --fail-on 'class:Leakrecord.count>+100' "$B" "$A" &&
    same gate-misspelt "$T/err" "heapdiff: warning: --fail-on 'class:Leakrecord.count>+100': no class is named 'Leakrecord' in either snapshot; it measures 0"
run csv 0 "$HD" -f csv --top 2 "$B" "$A" && tr -d '\r' <"$T/out" >"$T/csv" && same csv "$T/csv" 'class,key,new,deleted,delta,alloc_size,freed_size,size_delta,retained_delta,count_before,count_after,retained_before,retained_after,resized,resized_delta
system / JSArrayBufferData,",system / JSArrayBufferData",2201,1,2200,15155202,2,15155200,15155200,134,2334,166261,15321461,0,0
Buffer,"25,267,15,Buffer",2200,0,2200,211200,0,211200,15560000,102,2302,120992,15680992,0,0'
run json 0 "$HD" -f json --growth 1 --fail-on 'total>+100MB' "$B" "$A" &&
    has json "$T/out" '"schema_version": 1' && has json-verdict "$T/out" '"verdict": "pass"' &&
    has json-class "$T/out" '"key": "82,49,13,LeakRecord"' && has json-in-devtools "$T/out" '"in_devtools": true'
if command -v json_verify >/dev/null; then
    json_verify -q <"$T/out" || { echo "FAIL json: not valid JSON"; fails=$((fails + 1)); }
fi
run markdown 0 "$HD" -f markdown --top 2 --growth 1 --paths 1 "$B" "$A" &&
    has markdown "$T/out" '^### Comparison (DevTools), by size delta: 2 of 46 classes' &&
    has markdown-row "$T/out" '^| Buffer | 2200 | 0 | +2200 | 206.2 KiB | 0 B | +206.2 KiB | +14.8 MiB |$'
run html 0 "$HD" -f html -o "$T/report.html" "$B" "$A" &&
    has html "$T/report.html" '^<!DOCTYPE html>' &&
    has html-escaped "$T/report.html" 'Map&lt;table&gt;' && has html-sort "$T/report.html" 'table.sortable'

# ---- gates ----
run gate-trip 1 "$HD" --growth 0 --fail-on 'total>+5MB' --fail-on 'class:LeakRecord.count>+100' \
    --fail-on 'class:/^(Map|Set)$/.retained>+100MB' --fail-on 'heap<1MB' -o "$T/gates.txt" "$B" "$A" &&
    same gate-trip "$T/err" "heapdiff: gate tripped: total>+5MB (measured +15.5 MiB)
heapdiff: gate tripped: class:LeakRecord.count>+100 (measured +2000)" &&
    same gate-trip-report "$(tail -n 7 "$T/gates.txt" >"$T/g7"; echo "$T/g7")" "Gates
FAIL  total>+5MB: measured +15.5 MiB
FAIL  class:LeakRecord.count>+100: measured +2000
pass  class:/^(Map|Set)\$/.retained>+100MB: measured +12.6 MiB
pass  heap<1MB: measured 4.0 MiB

Verdict: FAIL (2 of 4 gates tripped)"
run gate-pct 1 "$HD" --growth 0 --fail-on 'native>+1000%' "$B" "$A" &&
    same gate-pct "$T/err" "heapdiff: gate tripped: native>+1000% (measured +8661.0%)"
run gate-quiet 0 "$HD" --growth 0 --fail-on 'total>+1GB' --fail-on 'class:LeakRecord.count<=+100' "$B" "$A"
run gate-by-key 1 "$HD" --growth 0 --fail-on 'class:"82,49,13,LeakRecord".new>=2000' "$B" "$A"

# ---- three snapshots (memlab) ----
run three 0 "$HD" --top 2 --growth 0 --paths 1 "$B" "$A" "$A" &&
    has three "$T/out" "^Leaks (memlab): allocated between baseline and target, alive in final" &&
    has three-count "$T/out" "^14076 objects, 15.3 MiB shallow, 15.4 MiB retained.$"
run three-gate 1 "$HD" --growth 0 --fail-on 'leaked.retained>1MB' -f json "$B" "$A" "$A" &&
    has three-json "$T/out" '"leaks": {'

# ---- databases, and -j ----
"$HS" import -q "$B" -o "$T/b.v8adb" && "$HS" import -q "$A" -o "$T/a.v8adb"
run databases 0 "$HD" --top 3 --growth 1 --paths 2 "$T/b.v8adb" "$T/a.v8adb" &&
    same databases "$(sed 1,2d "$T/out" >"$T/db.txt"; echo "$T/db.txt")" "$(sed 1,2d "$T/text.txt")"
run jobs-1 0 "$HD" -j 1 --no-cache --top 3 --growth 1 --paths 2 "$B" "$A" &&
    same jobs-1 "$T/out" "$(cat "$T/text.txt")"

# ---- bad input and outputs ----
run missing-input 2 "$HD" "$B" nonexistent.heapsnapshot &&
    same missing-input "$T/err" "heapdiff: nonexistent.heapsnapshot: No such file or directory"
run bad-input 2 "$HD" "$B" bad/not-json.heapsnapshot -o "$T/bad.txt" &&
    has bad-input "$T/err" "^heapdiff: bad/not-json.heapsnapshot: byte " &&
    [ "$(wc -l <"$T/err")" = 1 ] || { echo "FAIL bad-input: not one line"; fails=$((fails + 1)); }
[ -e "$T/bad.txt" ] && { echo "FAIL bad-input: output left"; fails=$((fails + 1)); }
run out-dev-full 2 "$HD" -o /dev/full "$B" "$A" && has out-dev-full "$T/err" "write error"
run out-no-dir 2 "$HD" -o "$T/no/such/dir/x.txt" "$B" "$A"
ls "$T" | grep -q '\.tmp\.' && { echo "FAIL temporaries left"; fails=$((fails + 1)); }

finish
