#!/usr/bin/env bash
# bench-heapdiff.sh: heapdiff on two node-generated snapshots of each size,
# against one import of one of them and yajl's bare parse, in the same run.
#
# usage: tests/bench/bench-heapdiff.sh [SIZE_MB ...]   (default: 100 500)
#
# Measured: json_verify on the first snapshot; `heapsnap import --no-rows`
# of it (one import, as heapdiff imports a raw file); `heapdiff --no-cache A B` (two imports, side by side on
# the cores, then the comparison); `heapdiff` on the two databases (the
# comparison alone). Targets (the heapdiff issue): raw heapdiff within 1.3x
# one import; peak RSS under one file's size.
#
# env: HEAPSNAP, HEAPDIFF (default build/tools/...), BENCH_DIR (default
# ${TMPDIR:-/tmp}/v8a-bench), REPEAT (default 1), NODE.
# Exit status: 0 (targets are informational), 2 if a command fails.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
HEAPSNAP=${HEAPSNAP:-build/tools/heapsnap}
HEAPDIFF=${HEAPDIFF:-build/tools/heapdiff}
[[ $HEAPSNAP == /* ]] || HEAPSNAP="$ROOT/$HEAPSNAP"
[[ $HEAPDIFF == /* ]] || HEAPDIFF="$ROOT/$HEAPDIFF"
BENCH_DIR=$(realpath -m "${BENCH_DIR:-${TMPDIR:-/tmp}/v8a-bench}")
REPEAT=${REPEAT:-1}
NODE=${NODE:-node}
TIME=/usr/bin/time
die() { echo "bench-heapdiff: $*" >&2; exit 2; }
case "$BENCH_DIR/" in "$(realpath "$ROOT")/"*) die "BENCH_DIR is inside the repository" ;; esac
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(100 500)
for n in "${SIZES[@]}"; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "bad size '$n'"; done
for x in "$HEAPSNAP" "$HEAPDIFF"; do [[ -x $x ]] || die "$x not built"; done
command -v json_verify >/dev/null || die "json_verify not found (apt-get install yajl-tools)"
[[ -x $TIME ]] || die "$TIME not found (apt-get install time)"
mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d "$BENCH_DIR/.run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
. "$SCRIPT_DIR/lib.sh"
export XDG_CACHE_HOME=$WORK/cache

ROWS=()
for n in "${SIZES[@]}"; do
    a=$(snapshot "heap-${n}mb" "$n" 1)
    b=$(snapshot "heap-${n}mb-b" "$n" 2)
    echo "measuring $n MB..." >&2
    cat "$a" "$b" >/dev/null
    measure --stdin "$a" json_verify json_verify -q
    measure --rm "$WORK/a.db" import "$HEAPSNAP" import -q --no-rows "$a" -o "$WORK/a.db"
    "$HEAPSNAP" import -q --no-rows "$b" -o "$WORK/b.db"
    measure diff_raw "$HEAPDIFF" --no-cache "$a" "$b"
    measure diff_db "$HEAPDIFF" "$WORK/a.db" "$WORK/b.db"
    ROWS+=("$n|$(stat -c %s "$a")|${WALL[json_verify]}|${WALL[import]}|${RSS[import]}|${WALL[diff_raw]}|${RSS[diff_raw]}|${WALL[diff_db]}|${RSS[diff_db]}")
    rm -f "$WORK/a.db" "$WORK/b.db"
done

echo
echo "v8a heapdiff benchmark  ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, REPEAT=$REPEAT, best wall time)"
printf '%-8s %8s %8s %9s %9s %9s %9s %9s %9s %7s %8s\n' size file_MiB jv_s import_s imp_MiB \
    diff_s diff_MiB db_diff_s db_MiB ratio rss/file
for r in "${ROWS[@]}"; do
    IFS='|' read -r n sz jw iw ir dw dr bw br <<<"$r"
    fm=$(mib "$sz")
    printf '%-8s %8s %8s %9s %9s %9s %9s %9s %9s %7s %8s\n' "${n}MB" "$fm" "$jw" "$iw" "$ir" "$dw" "$dr" \
        "$bw" "$br" "$(awk -v a="$dw" -v b="$iw" 'BEGIN { printf "%.2f", a / b }')" \
        "$(awk -v a="$dr" -v b="$fm" 'BEGIN { printf "%.2f", a / b }')"
done
echo
echo "targets: raw heapdiff <= 1.3x one import (ratio); peak RSS below one file (rss/file < 1)"
