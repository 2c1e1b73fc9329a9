#!/usr/bin/env bash
# bench-render.sh: time `flame render` on a large synthetic CPU profile, to
# SVG, PNG and PDF, in graph and chart mode; print wall time, peak RSS and
# output size, and the SVG writing rate (bytes written over the time beyond
# reading the profile, which `flame info` measures).
#
# usage: tests/bench/bench-render.sh [NODES [SAMPLES]]   (default: 120000 1000000)
#
# Then issue 5's case: a ~60 MB .cpuprofile (ISSUE_NODES x ISSUE_SAMPLES,
# default 250000 x 2000000: a call tree 70 deep and wide) rendered to SVG and
# PNG, against json_verify (yajl's own validator) reading the same file in the
# same run. Targets: under 1 s, SVG written faster than 38 MiB/s, the SVG a
# few MB at most by default. ISSUE=0 skips it.
#
# env:
#   FLAME      flame binary (default build/tools/flame; relative to the repository root)
#   BENCH_DIR  where the profile and outputs go (default ${TMPDIR:-/tmp}/v8a-bench);
#              never inside the repository
#   REPEAT     runs per measurement, the best wall time is kept (default 1)
#   NODE       node binary (default node)
#   ISSUE, ISSUE_NODES, ISSUE_SAMPLES   the issue-5 case (see above)
#
# The profile is generated once (tests/bench/gen-cpuprofile.js) and reused.
# For comparison: inferno's published SVG rate is 38 MiB/s (flamegraph.pl:
# 46.8 s and 1.31 GB RSS on a 91 MB folded file on this kind of machine).
# Exit status: 0, or 2 if a measured command fails or the setup is wrong.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
FLAME=${FLAME:-build/tools/flame}
[[ $FLAME == /* ]] || FLAME="$ROOT/$FLAME"
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/v8a-bench}
REPEAT=${REPEAT:-1}
NODE=${NODE:-node}
TIME=/usr/bin/time

die() { echo "bench-render: $*" >&2; exit 2; }
case ${1:-} in -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
NODES=${1:-120000}
SAMPLES=${2:-1000000}
[[ $NODES =~ ^[0-9]+$ && $SAMPLES =~ ^[0-9]+$ ]] || die "NODES and SAMPLES are whole numbers"
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a positive integer"
[[ -x $FLAME ]] || die "no flame binary at $FLAME (build first, or set FLAME)"
[[ -x $TIME ]] || die "$TIME not found (Debian package 'time')"
BENCH_DIR=$(realpath -m "$BENCH_DIR")
case "$BENCH_DIR/" in "$(realpath "$ROOT")/"*) die "BENCH_DIR $BENCH_DIR is inside the repository" ;; esac
mkdir -p "$BENCH_DIR"

PROFILE="$BENCH_DIR/render-$NODES-$SAMPLES.cpuprofile"
if [[ ! -s $PROFILE ]]; then
    command -v "$NODE" >/dev/null || die "node is needed to generate $PROFILE"
    "$NODE" "$SCRIPT_DIR/gen-cpuprofile.js" "$NODES" "$SAMPLES" "$PROFILE.tmp" && mv "$PROFILE.tmp" "$PROFILE"
fi

# measure OUT ARGS...: best wall time (s) and its peak RSS (KiB) of flame ARGS
# into $WALL $RSS; measure_cmd OUT CMD...: the same for any command
measure() {
    local out=$1
    shift
    measure_cmd "$out" "$FLAME" "$@"
}
measure_cmd() {
    local best="" rss="" i out=$1
    shift
    for ((i = 0; i < REPEAT; i++)); do
        "$TIME" -f '%e %M' -o "$BENCH_DIR/time" "$@" >"$out" </dev/null || die "failed: $*"
        read -r w m <"$BENCH_DIR/time"
        if [[ -z $best ]] || awk "BEGIN{exit !($w < $best)}"; then best=$w rss=$m; fi
    done
    WALL=$best RSS=$rss
}

mib() { awk -v b="$1" 'BEGIN{printf "%.1f", b / 1048576}'; }
printf 'profile: %s (%s MiB, %s nodes, %s samples)\n' "$PROFILE" "$(mib "$(stat -c %s "$PROFILE")")" "$NODES" "$SAMPLES"
measure /dev/null info "$PROFILE"
PARSE=$WALL
printf '%-34s %8s %10s %10s %8s %10s\n' "run" "wall s" "RSS MiB" "out MiB" "frames" "SVG MiB/s"
printf '%-34s %8s %10s %10s %8s %10s\n' "flame info (reading only)" "$WALL" "$(mib $((RSS * 1024)))" "-" "-" "-"
run() {
    local name=$1 out=$2
    shift 2
    measure /dev/null render "$@" -o "$out" "$PROFILE"
    local size frames rate="-"
    size=$(stat -c %s "$out")
    frames="-"
    if [[ $out == *.svg ]]; then
        frames=$(grep -c '<g fg:x' "$out" || true)
        rate=$(awk -v s="$size" -v w="$WALL" -v p="$PARSE" 'BEGIN{d = w - p; if (d < 0.01) d = 0.01; printf "%.0f", s / 1048576 / d}')
    fi
    printf '%-34s %8s %10s %10s %8s %10s\n' "$name" "$WALL" "$(mib $((RSS * 1024)))" "$(mib "$size")" "$frames" "$rate"
}
run "graph -> svg" "$BENCH_DIR/graph.svg"
run "graph -> png" "$BENCH_DIR/graph.png"
run "graph -> pdf" "$BENCH_DIR/graph.pdf"
run "chart -> svg" "$BENCH_DIR/chart.svg" -m chart
run "chart -> png" "$BENCH_DIR/chart.png" -m chart
run "graph --sort weight -> svg" "$BENCH_DIR/heavy.svg" -s weight
run "graph --min-width 0 -> svg" "$BENCH_DIR/graph0.svg" --min-width 0
run "chart --min-width 0.001 -> svg" "$BENCH_DIR/chart0.svg" -m chart --min-width 0.001
rm -f "$BENCH_DIR"/graph0.svg "$BENCH_DIR"/chart0.svg "$BENCH_DIR/time"
echo "(SVG MiB/s: output size over wall time minus the reading time; inferno publishes 38 MiB/s)"

[[ ${ISSUE:-1} != 0 ]] || exit 0
ISSUE_NODES=${ISSUE_NODES:-250000}
ISSUE_SAMPLES=${ISSUE_SAMPLES:-2000000}
command -v json_verify >/dev/null || die "json_verify not found (Debian package yajl-tools)"
PROFILE="$BENCH_DIR/render-$ISSUE_NODES-$ISSUE_SAMPLES.cpuprofile"
if [[ ! -s $PROFILE ]]; then
    command -v "$NODE" >/dev/null || die "node is needed to generate $PROFILE"
    "$NODE" "$SCRIPT_DIR/gen-cpuprofile.js" "$ISSUE_NODES" "$ISSUE_SAMPLES" "$PROFILE.tmp" && mv "$PROFILE.tmp" "$PROFILE"
fi
SIZE=$(stat -c %s "$PROFILE")
echo
printf 'issue 5: %s (%s MiB, %s nodes, %s samples)\n' "$PROFILE" "$(mib "$SIZE")" "$ISSUE_NODES" "$ISSUE_SAMPLES"
printf '%-34s %8s %10s %10s %8s %10s\n' "run" "wall s" "RSS MiB" "out MiB" "frames" "MiB/s"
measure_cmd /dev/null sh -c 'exec json_verify -q <"$1"' json_verify "$PROFILE"
JV=$WALL
printf '%-34s %8s %10s %10s %8s %10s\n' "json_verify (validation only)" "$WALL" "$(mib $((RSS * 1024)))" "-" "-" \
    "$(awk -v s="$SIZE" -v w="$WALL" 'BEGIN{if (w < 0.01) w = 0.01; printf "%.0f", s / 1048576 / w}')"
measure /dev/null info "$PROFILE"
PARSE=$WALL
printf '%-34s %8s %10s %10s %8s %10s\n' "flame info (reading only)" "$WALL" "$(mib $((RSS * 1024)))" "-" "-" \
    "$(awk -v s="$SIZE" -v w="$WALL" 'BEGIN{if (w < 0.01) w = 0.01; printf "%.0f", s / 1048576 / w}')"
run "render -> svg" "$BENCH_DIR/issue.svg"
run "render -> png" "$BENCH_DIR/issue.png"
echo "(MiB/s: input read per second for json_verify and flame info; SVG written per second beyond reading for the SVG; json_verify took $JV s)"
rm -f "$BENCH_DIR/time"
