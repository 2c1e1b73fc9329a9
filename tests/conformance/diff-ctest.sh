#!/usr/bin/env bash
# diff-ctest.sh - the Comparison conformance test as ctest runs it: heapdiff
# against DevTools' own code on the fixture pair and on a pair generated now
# by one node process (gen-pair.js). Exit 77 (skipped) without node or npm.
set -u
HD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
FX=$(cd "$HERE/../fixtures" && pwd)
command -v node >/dev/null 2>&1 || { echo "SKIP: node is not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/v8a-diffconf-XXXXXX")
trap 'rm -rf "$T"' EXIT
if ! node --expose-gc "$HERE/gen-pair.js" "$T/before.heapsnapshot" "$T/after.heapsnapshot" 2 \
    >"$T/gen.log" 2>&1; then
    echo "SKIP: could not generate snapshots with node:"; tail -3 "$T/gen.log"; exit 77
fi
exec bash "$HERE/diff.sh" "$HD" "$FX"/app-before.heapsnapshot.gz "$FX"/app-after.heapsnapshot.gz \
    "$T/before.heapsnapshot" "$T/after.heapsnapshot"
