#!/usr/bin/env bash
# bench-import.sh: time the heap snapshot work against yajl's bare parse
# (`json_verify`) on node-generated heap snapshots of the given sizes:
#   analyse  parse + analysis in memory, nothing stored (tests/bench/analyse.c:
#            the work of DESIGN.md's first budget)
#   lean     heapsnap import --no-rows: the same, stored (what a command given
#            the raw snapshot writes to the cache)
#   import   heapsnap import: with the row tables for SQL
#   summary  heapsnap summary --no-cache: a user's first command on the file
#
# usage: tests/bench/bench-import.sh [--gen-only] [SIZE_MB ...]   (default: 100 500)
#
# env:
#   HEAPSNAP   heapsnap binary (default build/tools/heapsnap; a relative path
#              is taken relative to the repository root)
#   ANALYSE    bench_analyse binary (default: beside it, build/tests/bench_analyse)
#   BENCH_DIR  where snapshots and databases go (default ${TMPDIR:-/tmp}/v8a-bench);
#              never inside the repository
#   REPEAT     runs per measurement, the best wall time is kept (default 1)
#   NODE       node binary (default node)
#
# Snapshots are generated once (tests/bench/gen-heap.js) and reused.
# Exit status: 0 (targets are informational), 2 if a measured command fails
# or the setup is wrong.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)

HEAPSNAP=${HEAPSNAP:-build/tools/heapsnap}
[[ $HEAPSNAP == /* ]] || HEAPSNAP="$ROOT/$HEAPSNAP"
ANALYSE=${ANALYSE:-$(dirname "$(dirname "$HEAPSNAP")")/tests/bench_analyse}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/v8a-bench}
REPEAT=${REPEAT:-1}
NODE=${NODE:-node}
TIME=/usr/bin/time

die() { echo "bench-import: $*" >&2; exit 2; }

GEN_ONLY=0
SIZES=()
for a in "$@"; do
    case $a in
        --gen-only) GEN_ONLY=1 ;;
        -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        ''|*[!0-9]*) die "bad argument '$a' (sizes are whole MB)" ;;
        *) SIZES+=("$a") ;;
    esac
done
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(100 500)
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a positive integer"

BENCH_DIR=$(realpath -m "$BENCH_DIR")
case "$BENCH_DIR/" in
    "$(realpath "$ROOT")/"*) die "BENCH_DIR $BENCH_DIR is inside the repository" ;;
esac
mkdir -p "$BENCH_DIR"

command -v "$NODE" >/dev/null || die "node not found"
[[ -x $TIME ]] || die "$TIME not found (apt-get install time)"
if [[ $GEN_ONLY -eq 0 ]]; then
    command -v json_verify >/dev/null || die "json_verify not found (apt-get install yajl-tools)"
    [[ -x $HEAPSNAP ]] || die "$HEAPSNAP not built; build it or use --gen-only"
    [[ -x $ANALYSE ]] || die "$ANALYSE not built (the bench_analyse target)"
fi

WORK=$(mktemp -d "$BENCH_DIR/.run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- helpers -----------------------------------------------------------------

. "$SCRIPT_DIR/lib.sh"

# --- generate ----------------------------------------------------------------

FILES=()
for n in "${SIZES[@]}"; do
    FILES+=("$(snapshot "heap-${n}mb" "$n")")
done

if [[ $GEN_ONLY -eq 1 ]]; then
    printf '%-26s %9s %10s %11s %9s %10s\n' file MiB nodes edges nodes/KB edges/node
    for f in "${FILES[@]}"; do
        sz=$(stat -c %s "$f")
        nc=$(header_count "$f" node_count) ec=$(header_count "$f" edge_count)
        printf '%-26s %9s %10s %11s %9s %10s\n' "$(basename "$f")" "$(mib "$sz")" "$nc" "$ec" \
            "$(awk -v n="$nc" -v s="$sz" 'BEGIN { printf "%.2f", n / (s / 1024) }')" \
            "$(awk -v n="$nc" -v e="$ec" 'BEGIN { printf "%.2f", e / n }')"
    done
    exit 0
fi

# --- measure -----------------------------------------------------------------

ROWS=()
CMD_ROWS=()
DT_ROWS=()
HST_DIR=${V8A_HST_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/v8a/conformance/hst-1.1.3}
for f in "${FILES[@]}"; do
    base=$(basename "$f" .heapsnapshot)
    db="$BENCH_DIR/$base.db"
    echo "measuring $base..." >&2
    cat "$f" >/dev/null                      # warm the page cache once

    # Measured commands: one line each.
    measure --stdin "$f" json_verify json_verify -q
    measure analyse "$ANALYSE" "$f"
    measure --rm "$db" lean "$HEAPSNAP" import -q --no-rows "$f" -o "$db"
    measure summary env XDG_CACHE_HOME="$WORK/cache" "$HEAPSNAP" summary --no-cache --top 5 "$f"
    measure --rm "$db" import "$HEAPSNAP" import -q "$f" -o "$db"
    # DevTools' own worker (heap-snapshot-toolkit), when the conformance test
    # has installed it: the same file parsed and analysed, side by side
    if [[ -d $HST_DIR/node_modules/heap-snapshot-toolkit ]]; then
        measure devtools env V8A_HST_DIR="$HST_DIR" "$NODE" --max-old-space-size=16000 \
            "$ROOT/tests/conformance/devtools-dump.js" "$f" "$WORK/devtools"
        DT_ROWS+=("$(basename "$f")|${WALL[devtools]}|${RSS[devtools]}|${WALL[import]}|${RSS[import]}")
        rm -rf "$WORK/devtools"
    fi

    sz=$(stat -c %s "$f")
    dbsz=$(stat -c %s "$db" 2>/dev/null || echo 0)
    ROWS+=("$(basename "$f")|$sz|$(header_count "$f" node_count)|$(header_count "$f" edge_count)|${WALL[json_verify]}|${RSS[json_verify]}|${WALL[import]}|${RSS[import]}|$dbsz")
    for m in analyse lean summary import; do
        CMD_ROWS+=("$(basename "$f")|$m|${WALL[$m]}|${RSS[$m]}|${WALL[json_verify]}|$sz")
    done
done

# --- report ------------------------------------------------------------------

echo
echo "v8a import benchmark  ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, REPEAT=$REPEAT, best wall time)"
echo "heapsnap: $HEAPSNAP"
echo
printf '%-26s %-8s %8s %9s %7s %9s\n' file work wall_s peak_MiB x_jv rss/file
for r in "${CMD_ROWS[@]}"; do
    IFS='|' read -r name m w rss jw sz <<<"$r"
    fm=$(mib "$sz")
    printf '%-26s %-8s %8s %9s %7s %9s\n' "$name" "$m" "$w" "$rss" \
        "$(awk -v a="$w" -v b="$jw" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
        "$(awk -v a="$rss" -v b="$fm" 'BEGIN { printf "%.2f", a / b }')"
done
echo
for r in "${ROWS[@]}"; do
    IFS='|' read -r name sz nc ec jw jr iw ir dbsz <<<"$r"
    echo "  $name: $(mib "$sz") MiB, $nc nodes, $ec edges; json_verify $jw s; database $(mib "$dbsz") MiB"
done
echo
echo "targets (DESIGN.md, Budgets): parse + dominators + retained sizes (analyse) <= 2x json_verify;"
echo "peak RSS below the file size"
for r in "${CMD_ROWS[@]}"; do
    IFS='|' read -r name m w rss jw sz <<<"$r"
    [[ $m == analyse || $m == lean ]] || continue
    fm=$(mib "$sz")
    t=$(awk -v a="$w" -v b="$jw" 'BEGIN { print (a <= 2 * b ? "PASS" : "OVER") }')
    k=$(awk -v a="$rss" -v b="$fm" 'BEGIN { print (a < b ? "PASS" : "OVER") }')
    printf '  %-26s %-8s time %s (%.2fx json_verify)   rss %s (%s of %s MiB)\n' "$name" "$m" "$t" \
        "$(awk -v a="$w" -v b="$jw" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "$k" "$rss" "$fm"
done
if [[ ${#DT_ROWS[@]} -gt 0 ]]; then
    echo
    echo "side by side with DevTools' own worker (heap-snapshot-toolkit: parse, analyse, dump TSV):"
    for r in "${DT_ROWS[@]}"; do
        IFS='|' read -r name dw dr iw ir <<<"$r"
        printf '  %-26s devtools %6.2f s %8s MiB   v8a import %6.2f s %8s MiB   (%.1fx faster)\n' \
            "$name" "$dw" "$dr" "$iw" "$ir" "$(awk -v a="$dw" -v b="$iw" 'BEGIN { print (b > 0 ? a / b : 0) }')"
    done
else
    echo
    echo "(DevTools side by side skipped: run the conformance test once to install heap-snapshot-toolkit)"
fi
exit 0
