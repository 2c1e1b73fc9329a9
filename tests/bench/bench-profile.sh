#!/usr/bin/env bash
# bench-profile.sh - flame info on a large synthetic .cpuprofile against
# json_verify (yajl's bare parse) on the same file, in the same run: wall time
# and peak RSS from /usr/bin/time -v. Prints figures; asserts nothing.
#   tests/bench/bench-profile.sh [BUILD_DIR=build] [MEGABYTES=200]
# The file is made in $TMPDIR (default /tmp) and removed afterwards; it is
# never committed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${1:-build}"
MB="${2:-200}"
FLAME="$BUILD/tools/flame"
[ -x "$FLAME" ] || { echo "no $FLAME; build first" >&2; exit 2; }
command -v json_verify >/dev/null || { echo "json_verify (yajl-tools) is missing" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing" >&2; exit 2; }
DIR="$(mktemp -d "${TMPDIR:-/tmp}/v8a-bench-XXXXXX")"
trap 'rm -rf "$DIR"' EXIT
F="$DIR/big.cpuprofile"
node "$HERE/gen-profile.js" "$F" "$MB"

measure() { # LABEL CMD...: wall seconds and peak RSS
    local label=$1
    shift
    /usr/bin/time -v "$@" >/dev/null 2>"$DIR/time" </dev/null || { cat "$DIR/time" >&2; exit 2; }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DIR/time")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/time")
    printf '%-28s wall %8s   peak RSS %7.1f MiB\n' "$label" "$wall" "$(echo "$rss / 1024" | bc -l)"
}

cat "$F" >/dev/null # warm the page cache for both
printf 'file: %s (%s bytes)\n' "$F" "$(stat -c %s "$F")"
measure "json_verify -q < file" sh -c "json_verify -q < '$F'"
measure "flame info (mapped)" "$FLAME" info "$F"
measure "flame info (stdin, 1 MiB)" sh -c "'$FLAME' info - < '$F'"
measure "flame import" "$FLAME" import -q "$F" -o "$DIR/big.v8adb"
measure "flame info (database)" "$FLAME" info "$DIR/big.v8adb"
