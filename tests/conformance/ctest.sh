#!/usr/bin/env bash
# ctest.sh - the conformance test as ctest runs it: DevTools' own heap
# snapshot code against heapsnap on every real fixture, the hand-made ones,
# and a snapshot generated now (with WeakMaps, by tests/bench/gen-heap.js).
# Exit 77 (ctest: skipped) when node or the npm registry is not there.
set -u
HS=$1
HERE=$(cd "$(dirname "$0")" && pwd)
FX=$(cd "$HERE/../fixtures" && pwd)
command -v node >/dev/null 2>&1 || { echo "SKIP: node is not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/v8a-conf-XXXXXX")
trap 'rm -rf "$T"' EXIT
if ! GEN_HEAP_SEED=7 node --expose-gc "$HERE/../bench/gen-heap.js" "$T/generated.heapsnapshot" 8 \
    >"$T/gen.log" 2>&1; then
    echo "SKIP: could not generate a snapshot with node:"; tail -3 "$T/gen.log"; exit 77
fi
exec bash "$HERE/run.sh" "$HS" "$FX"/app-before.heapsnapshot.gz "$FX"/app-after.heapsnapshot.gz \
    "$FX"/tracked.heapsnapshot.gz "$FX"/hand/six-fields.heapsnapshot \
    "$FX"/hand/seven-fields.heapsnapshot "$FX"/hand/strings-unicode.heapsnapshot \
    "$T/generated.heapsnapshot"
