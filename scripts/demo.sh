#!/usr/bin/env bash
# demo.sh - the main job on the sample artifacts in tests/fixtures: install
# dependencies, build, then analyse the shipped snapshots into out/: the
# heapdiff report (text, Markdown, HTML), the Summary, the leak's retainers,
# and flame graphs of the sample CPU profile (SVG, PNG).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" >/dev/null
cmake --build "$BUILD" -j"$(nproc)" >/dev/null
HS=$BUILD/tools/heapsnap
mkdir -p out
FX=tests/fixtures
for s in app-before app-after; do
    "$HS" import "$FX/$s.heapsnapshot.gz" -o "out/$s.v8adb"
done
echo
echo "== heapsnap info out/app-after.v8adb"
"$HS" info out/app-after.v8adb
echo
echo "== heapdiff: what grew between the two snapshots, and what keeps it alive"
HD=$BUILD/tools/heapdiff
"$HD" out/app-before.v8adb out/app-after.v8adb --top 12 --growth 2 \
    --fail-on 'class:LeakRecord.count>+1000' --fail-on 'total>+50MB' || true
"$HD" out/app-before.v8adb out/app-after.v8adb -f markdown -o out/heapdiff.md
"$HD" out/app-before.v8adb out/app-after.v8adb -f html -o out/heapdiff.html
echo
echo "== heapsnap summary out/app-after.v8adb --top 10 (DevTools' Summary view)"
"$HS" summary out/app-after.v8adb --top 10
echo
echo "== what keeps the LeakRecord objects alive"
"$HS" retainers out/app-after.v8adb --class '^LeakRecord$'
echo
echo "== flame: the CPU profile of a busy node process, as a flame graph"
FL=$BUILD/tools/flame
"$FL" info "$FX/busy.cpuprofile.gz"
"$FL" render "$FX/busy.cpuprofile.gz" -o out/busy.svg
"$FL" render "$FX/busy.cpuprofile.gz" -o out/busy.png
"$FL" render "$FX/busy.cpuprofile.gz" --mode chart -o out/busy-chart.svg
echo
echo "Written to out/: the databases, heapdiff.md (a pull-request comment), heapdiff.html,"
echo "and the flame graphs busy.svg (interactive: open it in a browser), busy.png, busy-chart.svg."
echo "Try: $HS dominators out/app-after.v8adb"
