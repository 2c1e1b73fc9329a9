#!/usr/bin/env bash
# flame-insights.sh - CLI tests for flame insights: usage errors with exact
# messages, the four formats, and the acceptance checks: on real node
# --cpu-prof output of one workload per pattern (tests/fixtures/gen/insights.js)
# the planted pattern is the first finding and names the planted function.
# Usage: flame-insights.sh PATH/TO/flame PATH/TO/tests/fixtures
set -u
FL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FX=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
cd "$FX" || exit 2

# ---- usage ----
run help 0 "$FL" insights --help && has help "$T/out" "Usage: flame insights" && has help "$T/out" "--deep-depth"
run help-lists 0 "$FL" --help && has help-lists "$T/out" "  insights"
run missing 2 "$FL" insights && same missing "$T/err" "flame insights: missing PROFILE
Try 'flame insights --help'."
run bad-plateau 2 "$FL" insights --plateau soon insights-parse.cpuprofile.gz &&
    same bad-plateau "$T/err" "flame insights: --plateau: 'soon' is not a time such as 50ms, 1s or 500us
Try 'flame insights --help'."
run bad-share 2 "$FL" insights --gc-share 150% insights-parse.cpuprofile.gz &&
    has bad-share "$T/err" "^flame insights: --gc-share: '150%' is not a percentage such as 10%$"
run bad-depth 2 "$FL" insights --deep-depth 0 insights-parse.cpuprofile.gz &&
    has bad-depth "$T/err" "^flame insights: --deep-depth: '0' is not a positive count$"
run heap 2 "$FL" insights hand/small.heapprofile &&
    same heap "$T/err" "flame insights: hand/small.heapprofile: a heap profile has no times: use a CPU profile"
run bad-file 2 "$FL" insights -o "$T/none.txt" bad/p-truncated.cpuprofile &&
    has bad-file "$T/err" "^flame insights: bad/p-truncated.cpuprofile: "
[ -e "$T/none.txt" ] && { echo "FAIL bad-file: left output behind"; fails=$((fails + 1)); }

# ---- acceptance: the planted pattern first, naming the planted function ----
# first KIND FUNCTION FIXTURE: the first CSV row's kind and function
first() {
    run "first:$3" 0 "$FL" insights -f csv --top 1 "$3" &&
        { tr -d '\r' <"$T/out" | sed -n 2p | cut -d, -f2,5 >"$T/first"; } &&
        same "first:$3" "$T/first" "$1,$2"
}
first plateau parseConfig insights-parse.cpuprofile.gz
first deep walkTree insights-recursion.cpuprofile.gz
first repeated lookupPrice insights-calls.cpuprofile.gz
first gc buildRecords insights-alloc.cpuprofile.gz
first deopt scoreRecords insights-deopt.cpuprofile.gz
first plateau parsePayload blocking.cpuprofile.gz

# the plateau's evidence is the JSON.parse line (V8 records no frame for it)
line=$(grep -n 'return JSON.parse(text)' gen/insights.js | cut -d: -f1)
run parse-text 0 "$FL" insights insights-parse.cpuprofile.gz &&
    has parse-text "$T/out" "^1\. wide plateau  .* at stake (.*% of busy time)$" &&
    has parse-text "$T/out" "^   parseConfig (.*/insights.js:$line)$" &&
    has parse-text "$T/out" "^   stack: parseConfig (.*/insights.js:$line) < onReload (" &&
    has parse-text "$T/out" "^   suggestion: make it asynchronous or stream it" &&
    has parse-text "$T/out" "^insights-parse.cpuprofile.gz: .* sampled, .* busy; idle .*%; GC .*% of busy time; longest stall .* (task processTimers)$"
run deopt-reason 0 "$FL" insights insights-deopt.cpuprofile.gz &&
    has deopt-reason "$T/out" '^   V8: "Optimization is always disabled"; '
run gc-culprit 0 "$FL" insights -f markdown insights-alloc.cpuprofile.gz &&
    has gc-culprit "$T/out" '^## flame insights `insights-alloc.cpuprofile.gz`' &&
    has gc-culprit "$T/out" '^### 1\. GC pressure: `buildRecords`, ' &&
    has gc-culprit "$T/out" 'running before GC: buildRecords ('

# JSON: kind, score, evidence, suggestion and ranges for every finding
run json 0 "$FL" insights -f json --top 0 -o "$T/in.json" insights-calls.cpuprofile.gz
if command -v node >/dev/null 2>&1; then
    run json-shape 0 node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
if (r.schema_version !== 1 || !r.summary || !r.options || !Array.isArray(r.findings)) throw new Error("shape");
const f = r.findings[0];
if (f.kind !== "repeated" || f.function.function !== "lookupPrice") throw new Error("first " + f.kind);
if (!(f.evidence.bursts >= 20 && f.evidence.mean_burst_ms <= 2)) throw new Error("bursts");
for (const x of r.findings) {
  if (typeof x.score_ms !== "number" || !x.suggestion || !x.evidence || !Array.isArray(x.ranges)) throw new Error("finding");
  if (!x.ranges.every((g, i) => g.duration_ms >= 0 && (i === 0 || x.ranges[i - 1].start_ms <= g.start_ms))) throw new Error("ranges");
}
if (!r.findings.every((x, i) => i === 0 || r.findings[i - 1].score_ms >= x.score_ms)) throw new Error("not ranked");
if (r.options.deep_depth !== 64 || r.options.plateau_ms !== 50) throw new Error("options");
console.log("ok");' "$T/in.json"
else
    echo "skip: node not found (json-shape)"
fi

# thresholds: a higher plateau threshold leaves no plateau; --min-share drops small findings
run plateau-off 0 "$FL" insights -f csv --top 0 --plateau 10s insights-parse.cpuprofile.gz &&
    { ! grep -q ',plateau,' "$T/out" || { echo "FAIL plateau-off: a plateau"; fails=$((fails + 1)); }; }
run min-share 0 "$FL" insights --min-share 100 insights-parse.cpuprofile.gz &&
    has min-share "$T/out" "^0 findings, highest time at stake first$"
run deep-low 0 "$FL" insights -f csv --top 1 --deep-depth 200 insights-recursion.cpuprofile.gz &&
    { ! grep -q ',deep,' "$T/out" || { echo "FAIL deep-low: a deep finding"; fails=$((fails + 1)); }; }

finish
