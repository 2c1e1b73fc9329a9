#!/usr/bin/env bash
# diff.sh: conformance of heapdiff with Chrome DevTools' Comparison view.
#
#   tests/conformance/diff.sh HEAPDIFF_BINARY BEFORE AFTER [BEFORE AFTER]...
#
# For each pair, DevTools' own code (heap-snapshot-toolkit; the base snapshot
# takes the current one's interface definitions, as the DevTools UI does;
# devtools-diff.js) and heapdiff -f json compute the Comparison; every class
# key must have the same # New, # Deleted, # Delta, Alloc. Size, Freed Size
# and Size Delta (compare-diff.js).
# Exit status: 0 equal; 1 mismatches; 2 trouble; 77 skipped (no node/npm).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "diff.sh: $*" >&2; exit 2; }
[ $# -ge 3 ] && [ $(( ($# - 1) % 2 )) -eq 0 ] || fail "usage: $0 HEAPDIFF BEFORE AFTER [BEFORE AFTER]..."
HEAPDIFF=$1
shift
command -v node >/dev/null 2>&1 || skip "node not found"
command -v npm >/dev/null 2>&1 || skip "npm not found"
. "$HERE/install-toolkit.sh"

status=0
while [ $# -ge 2 ]; do
    before=$1 after=$2
    shift 2
    work=$(mktemp -d "${TMPDIR:-/tmp}/v8a-diff-conf.XXXXXX") || fail "mktemp failed"
    echo "== $before -> $after"
    rc=0
    node "$HERE/devtools-diff.js" "$before" "$after" "$work/devtools.tsv" || rc=2
    if [ $rc -eq 0 ] && ! "$HEAPDIFF" --no-cache -f json "$before" "$after" -o "$work/ours.json"; then
        rc=2
    fi
    if [ $rc -eq 0 ]; then
        node "$HERE/compare-diff.js" "$work/devtools.tsv" "$work/ours.json" || rc=$?
    fi
    [ $rc -gt $status ] && status=$rc
    if [ $rc -eq 0 ]; then rm -rf "$work"; else echo "work directory kept: $work" >&2; fi
done
case $status in
    0) echo "diff conformance: OK" ;;
    1) echo "diff conformance: MISMATCH" ;;
    *) echo "diff conformance: ERROR" ;;
esac
exit "$status"
