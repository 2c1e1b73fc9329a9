#!/usr/bin/env bash
# demo.sh - the main job on the sample artifacts in tests/fixtures: install
# dependencies, build, then analyse the shipped snapshots into out/.
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
echo "== the classes that grew between the two snapshots (by count)"
"$HS" sql out/app-after.v8adb "ATTACH 'out/app-before.v8adb' AS b;
  SELECT a.name AS class, a.n AS after, coalesce(bb.n, 0) AS before, a.n - coalesce(bb.n, 0) AS delta
  FROM (SELECT name, count(*) n FROM nodes WHERE type = 'object' GROUP BY name) a
  LEFT JOIN (SELECT s.value AS name, count(*) n FROM b.node_rows r
             JOIN b.strings s ON s.sid = r.name_sid WHERE r.type_code = 3 GROUP BY s.value) bb
  ON bb.name = a.name ORDER BY delta DESC LIMIT 8"
echo
echo "== heapsnap summary out/app-after.v8adb --top 10 (DevTools' Summary view)"
"$HS" summary out/app-after.v8adb --top 10
echo
echo "== what keeps the LeakRecord objects alive"
"$HS" retainers out/app-after.v8adb --class '^LeakRecord$'
echo
echo "Databases written to out/; try: $HS dominators out/app-after.v8adb"
