#!/usr/bin/env bash
# run.sh: conformance of heapsnap with Chrome DevTools (see README.md).
#
#   tests/conformance/run.sh HEAPSNAP_BINARY SNAPSHOT...
#
# For each SNAPSHOT, runs DevTools' own heap snapshot code (npm package
# heap-snapshot-toolkit, pinned below) through devtools-dump.js, runs heapsnap
# on the same file, and compares per node and per Summary class (compare.js).
#
# Exit status: 0 everything matches; 1 mismatches; 2 trouble (a tool failed,
# bad arguments); 77 skipped (no node/npm, or the toolkit cannot be installed,
# e.g. no registry): ctest maps 77 to "skipped" with SKIP_RETURN_CODE 77.
#
# Environment:
#   V8A_CONFORMANCE_DIR   toolkit cache (default ${XDG_CACHE_HOME:-$HOME/.cache}/v8a/conformance)
#   V8A_CONFORMANCE_KEEP  1: keep every work directory (default: kept only on failure)
#   NODE_OPTIONS          e.g. --max-old-space-size=8192 for very large snapshots
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "run.sh: $*" >&2; exit 2; }

if [ $# -lt 2 ]; then
    echo "usage: $0 HEAPSNAP_BINARY SNAPSHOT..." >&2
    exit 2
fi
HEAPSNAP=$1
shift

# ---- prerequisites -----------------------------------------------------------
command -v node >/dev/null 2>&1 || skip "node not found (needed to run Chrome DevTools' heap snapshot code)"
command -v npm >/dev/null 2>&1 || skip "npm not found (needed to install $HST_PKG)"
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || skip "node does not run"
[ "$node_major" -ge 18 ] 2>/dev/null || skip "node $(node --version) is too old ($HST_PKG needs >= 18)"

case $HEAPSNAP in
    */*) [ -x "$HEAPSNAP" ] || fail "$HEAPSNAP: not an executable" ;;
    *) command -v "$HEAPSNAP" >/dev/null 2>&1 || fail "$HEAPSNAP: not found" ;;
esac
for snap in "$@"; do
    [ -r "$snap" ] || fail "$snap: cannot read"
done

# ---- the toolkit, installed once into the cache, pinned and verified ----------
. "$HERE/install-toolkit.sh"

# ---- per snapshot --------------------------------------------------------------
NODES_SQL="SELECT id, shallow_size, retained_size, dominator_id, distance, class FROM nodes ORDER BY id"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

status=0    # worst so far: 0 ok, 1 mismatch, 2 trouble
worse() { [ "$1" -gt "$status" ] && status=$1; }

for snap in "$@"; do
    name=$(basename "$snap")
    echo "== $snap"
    work=$(mktemp -d "${TMPDIR:-/tmp}/v8a-conformance.XXXXXX") || fail "mktemp failed"
    rc=0

    if ! node "$HERE/devtools-dump.js" "$snap" "$work/devtools"; then
        echo "$name: devtools-dump.js failed" >&2
        rc=2
    fi

    if [ $rc -eq 0 ]; then
        t0=$(now)
        if ! "$HEAPSNAP" sql --no-cache "$snap" "$NODES_SQL" -f csv >"$work/ours-nodes.csv" 2>"$work/ours-nodes.err"; then
            echo "$name: heapsnap sql failed:" >&2; cat "$work/ours-nodes.err" >&2
            rc=2
        fi
        t1=$(now)
        if [ $rc -eq 0 ] && ! "$HEAPSNAP" summary --no-cache "$snap" --top 0 -f csv >"$work/ours-classes.csv" 2>"$work/ours-classes.err"; then
            echo "$name: heapsnap summary failed:" >&2; cat "$work/ours-classes.err" >&2
            rc=2
        fi
        t2=$(now)
        [ $rc -eq 0 ] && echo "heapsnap: $name: sql $(secs "$t0" "$t1") s, summary $(secs "$t1" "$t2") s" >&2
    fi

    if [ $rc -eq 0 ]; then
        for kind in nodes classes; do
            node "$HERE/compare.js" "$kind" "$work/devtools/$kind.tsv" "$work/ours-$kind.csv" \
                --normalized "$work/normalized" --label "$name: $kind"
            r=$?
            [ $r -gt $rc ] && rc=$r
        done
    fi

    worse $rc
    if [ $rc -eq 0 ] && [ "${V8A_CONFORMANCE_KEEP:-0}" != 1 ]; then
        rm -rf "$work"
    else
        echo "$name: work directory kept: $work" >&2
    fi
done

case $status in
    0) echo "conformance: OK ($# snapshot(s))" ;;
    1) echo "conformance: MISMATCH" ;;
    *) echo "conformance: ERROR" ;;
esac
exit "$status"
