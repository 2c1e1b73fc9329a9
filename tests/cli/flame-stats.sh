#!/usr/bin/env bash
# flame-stats.sh - CLI tests for flame top, flame blocking and flame diff:
# exact exit codes and outputs, gates, and the acceptance checks on real
# node --cpu-prof output.
# Usage: flame-stats.sh PATH/TO/flame PATH/TO/tests/fixtures
set -u
FL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FX=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"

# unix: drops the CRs of CSV output in $T/out
unix() { tr -d '\r' <"$T/out" >"$T/out.lf" && mv "$T/out.lf" "$T/out"; }
cd "$FX" || exit 2
B=hand/diff-base.cpuprofile
N=hand/diff-new.cpuprofile

# ---- usage ----
run top-help 0 "$FL" top --help && has top-help "$T/out" "Usage: flame top" && has top-help "$T/out" "--by"
run help-lists 0 "$FL" --help && has help-lists "$T/out" "  blocking" && has help-lists "$T/out" "  diff"
run top-missing 2 "$FL" top && same top-missing "$T/err" "flame top: missing PROFILE
Try 'flame top --help'."
run top-bad-by 2 "$FL" top --by module "$B" &&
    same top-bad-by "$T/err" "flame top: --by: 'module' is not function, url, package or line
Try 'flame top --help'."
run top-bad-regex 2 "$FL" top --include '(' "$B" && has top-bad-regex "$T/err" "^flame top: --include: "
run top-heap 2 "$FL" top hand/small.heapprofile &&
    same top-heap "$T/err" "flame top: hand/small.heapprofile: a heap profile has no times: use a CPU profile"
run top-bad-file 2 "$FL" top bad/p-truncated.cpuprofile && has top-bad-file "$T/err" "^flame top: bad/p-truncated.cpuprofile: "
run diff-missing 2 "$FL" diff "$B" && same diff-missing "$T/err" "flame diff: missing NEW
Try 'flame diff --help'."
run diff-bad-min 2 "$FL" diff --min-delta lots "$B" "$N" &&
    has diff-bad-min "$T/err" "'lots' is not a share (1%) or a time (5ms)"
run blocking-bad-threshold 2 "$FL" blocking --threshold 5parsecs blocking.cpuprofile.gz &&
    has blocking-bad-threshold "$T/err" "^flame blocking: --threshold: '5parsecs' is not a time"

# ---- gates that do not parse or name nothing are usage errors, before any work ----
gate_error() { # NAME CMD EXPR MESSAGE
    run "gate:$1" 2 "$FL" "$2" --fail-on "$3" nonexistent nonexistent2 &&
        same "gate:$1" "$T/err" "flame $2: --fail-on $4
Try 'flame $2 --help'."
}
gate_error diff-column diff 'self:/x/>+1x' "'self:/x/>+1x': column 12: unknown unit (B, KB, MB, GB, KiB, MiB, GiB, us, ms, s or %)"
gate_error diff-subject diff 'heap>+1%' "'heap>+1%': column 1: unknown measure 'heap' (self:NAME, total:NAME, cpu)"
gate_error diff-no-name diff 'self>+1%' "'self>+1%': self needs a function: self:NAME or self:/REGEX/"
gate_error diff-bytes diff 'cpu>+1MB' "'cpu>+1MB': cpu is a time: write a change (+10%, +5ms) or a time (200ms)"
run gate:blocking-change 2 "$FL" blocking --fail-on 'max>+10%' nonexistent &&
    has gate:blocking-change "$T/err" "one profile has no change to compare: write max>100ms"
run gate:blocking-subject 2 "$FL" blocking --fail-on 'mean>1ms' nonexistent &&
    has gate:blocking-subject "$T/err" "column 1: unknown measure 'mean' (max, total, count)"
run gate:blocking-count 2 "$FL" blocking --fail-on 'count>1s' nonexistent &&
    has gate:blocking-count "$T/err" "count is a number of stretches"
run gate:blocking-time 2 "$FL" blocking --fail-on 'max>100' nonexistent &&
    has gate:blocking-time "$T/err" "max is a time: write max>100ms"

# ---- top ----
run top-text 0 "$FL" top "$B" &&
    same top-text "$T/out" "$B: 5.00 ms sampled (5 samples, 1.00 ms idle); by function, 3 of 3 rows

   self  self%    total  total%  samples  function  location
2.00 ms    40%  2.00 ms     40%        2  f         /app/d.js:1:1
2.00 ms    40%  2.00 ms     40%        2  g         /app/d.js:5:1
1.00 ms    20%  1.00 ms     20%        1  (idle)    "
run top-csv 0 "$FL" top -f csv "$N" &&
    unix && same top-csv "$T/out" "function,url,line,column,package,category,self_samples,total_samples,self_ms,total_ms,self_pct,total_pct
f,file:///app/d.js,1,1,,app,3,3,3,3,33.333333333333336,33.333333333333336
h,file:///app/d.js,9,1,,app,3,3,3,3,33.333333333333336,33.333333333333336
g,file:///app/d.js,5,1,,app,2,2,2,2,22.22222222222222,22.22222222222222
(idle),,,,,idle,1,1,1,1,11.11111111111111,11.11111111111111"
run top-exclude 0 "$FL" top -f csv --exclude '^[fh]$' --top 1 "$N" &&
    unix && same top-exclude "$T/out" "function,url,line,column,package,category,self_samples,total_samples,self_ms,total_ms,self_pct,total_pct
g,file:///app/d.js,5,1,,app,2,2,2,2,66.66666666666667,66.66666666666667"
run top-real-json 0 "$FL" top -f json --top 0 busy.cpuprofile.gz -o "$T/top.json"
run top-by-line 0 "$FL" top --by line -f markdown busy.cpuprofile.gz &&
    has top-by-line "$T/out" "| parseBody | .*busy-cpu.js:18:19 |$"
# a name is text in Markdown too: no link, emphasis, code or strikethrough
printf 'main;[click](javascript:alert(1)) 3\nmain;*bold*_u_`code`~s~\\x 2\n' >"$T/md.folded"
run top-md-escaped 0 "$FL" top -f markdown "$T/md.folded" &&
    has top-md-escaped "$T/out" '^| 3 us | 60% | 3 us | 60% | 1 | \\\[click\\\](javascript:alert(1)) |  |$' &&
    has top-md-escaped "$T/out" '| \\\*bold\\\*\\_u\\_\\`code\\`\\~s\\~\\\\x |'
run top-by-url 0 "$FL" top --by url -f csv busy.cpuprofile.gz &&
    has top-by-url "$T/out" "^,file:///.*busy-cpu.js,,,,app,"
run top-by-package 0 "$FL" top --by package -f csv hand/legacy.cpuprofile &&
    has top-by-package "$T/out" "^,,,,@scope/pkg,package,1,1,"
# Acceptance: self and total sample counts equal a direct count over `samples`
if command -v node >/dev/null 2>&1; then
    run top-counts-busy 0 node "$HERE/count-top.js" busy.cpuprofile.gz "$T/top.json" &&
        has top-counts-busy "$T/out" "^ok: "
    "$FL" top -f json --top 0 blocking.cpuprofile.gz >"$T/top2.json"
    run top-counts-blocking 0 node "$HERE/count-top.js" blocking.cpuprofile.gz "$T/top2.json"
    "$FL" top -f json --top 0 hand/negative-delta.cpuprofile >"$T/top3.json"
    run top-counts-hand 0 node "$HERE/count-top.js" hand/negative-delta.cpuprofile "$T/top3.json"
else
    echo "skip: node not found (top-counts)"
fi

# ---- blocking ----
# Acceptance: the JSON.parse of a ~10 MB payload in a timer is one stretch whose
# heaviest stack has parsePayload on top, at the line of the JSON.parse call
# (V8 records no frame for the builtin itself).
line=$(grep -n 'JSON.parse(payload)' gen/blocking.js | cut -d: -f1)
run blocking-json 0 "$FL" blocking -f json blocking.cpuprofile.gz -o "$T/bl.json"
if command -v node >/dev/null 2>&1; then
    run blocking-parse 0 node -e '
const s = JSON.parse(require("fs").readFileSync(process.argv[1]));
const p = s.filter((x) => x.task.function === "processTimers");
if (p.length !== 1) throw new Error("want one timer stretch, got " + p.length);
const t = p[0];
if (t.stack[0].function !== "parsePayload" || !/blocking\.js$/.test(t.stack[0].url)) throw new Error("top " + t.stack[0].function);
if (t.hot_line !== Number(process.argv[2])) throw new Error("hot line " + t.hot_line);
if (!(t.duration_ms > 50 && t.gc_ms >= 0 && t.gc_ms <= t.duration_ms && t.start_ms > 0)) throw new Error("times");
if (!s.every((x, i) => i === 0 || s[i - 1].duration_ms >= x.duration_ms)) throw new Error("not longest first");
console.log("ok", t.duration_ms);' "$T/bl.json" "$line"
fi
run blocking-text 0 "$FL" blocking blocking.cpuprofile.gz &&
    has blocking-text "$T/out" "^blocking.cpuprofile.gz: 2 stretches longer than 50.0 ms; blocked " &&
    has blocking-text "$T/out" "processTimers  parsePayload (.*/blocking.js:$line) < onTimer ("
run blocking-gates 1 "$FL" blocking --fail-on 'max>100ms' --fail-on 'count>5' --fail-on 'total>10s' blocking.cpuprofile.gz &&
    has blocking-gates "$T/out" "^FAIL  max>100ms: measured " && has blocking-gates "$T/out" "^pass  count>5: measured 2$" &&
    has blocking-gates "$T/err" "^flame blocking: gate tripped: max>100ms (measured " &&
    [ "$(wc -l <"$T/err")" = 1 ] || { echo "FAIL blocking-gates: stderr lines"; fails=$((fails + 1)); }
run blocking-pass 0 "$FL" blocking --threshold 1s --fail-on 'count>0' -f markdown blocking.cpuprofile.gz &&
    has blocking-pass "$T/out" "0 stretches longer than 1.00 s" && has blocking-pass "$T/out" "^Verdict: pass"
run blocking-csv 0 "$FL" blocking -f csv --threshold 20ms busy.cpuprofile.gz &&
    has blocking-csv "$T/out" "^start_ms,duration_ms,gc_ms,gc_pct,samples,task,stack"

# ---- diff ----
run diff-text 1 "$FL" diff "$B" "$N" --fail-on 'self:/^f$/>+10%' --fail-on 'cpu>+15%' --fail-on 'total:h>1ms' &&
    same diff-text "$T/out" "base  $B (5.00 ms sampled, 4.00 ms busy, 5 samples)
new   $N (9.00 ms sampled, 8.00 ms busy, 9 samples)

Busy time: 4.00 ms -> 8.00 ms (+100.0%).
Deltas are normalised: base scaled by 2.000 to new's busy time; changes under 1% of busy time are left out.

Regressions (by self delta): 1 of 1
  self Δ   total Δ  self% base  self% new  total% base  total% new  function  location
+3.00 ms  +3.00 ms          0%      37.5%           0%       37.5%  h (new)   /app/d.js:9:1

Improvements (by self delta): 2 of 2
  self Δ   total Δ  self% base  self% new  total% base  total% new  function  location
-2.00 ms  -2.00 ms         50%        25%          50%         25%  g         /app/d.js:5:1
-1.00 ms  -1.00 ms         50%      37.5%          50%       37.5%  f         /app/d.js:1:1

Gates
pass  self:/^f$/>+10%: measured -25.0%
FAIL  cpu>+15%: measured +100.0%
FAIL  total:h>1ms: measured 3.00 ms

Verdict: FAIL (2 of 3 gates tripped)" &&
    same diff-text-err "$T/err" "flame diff: gate tripped: cpu>+15% (measured +100.0%)
flame diff: gate tripped: total:h>1ms (measured 3.00 ms)"
run diff-threshold 0 "$FL" diff -f csv --min-delta 20% "$B" "$N" &&
    unix && same diff-threshold "$T/out" "kind,function,url,line,column,status,self_delta_ms,total_delta_ms,base_self_ms,new_self_ms,base_total_ms,new_total_ms,base_self_pct,new_self_pct,base_total_pct,new_total_pct
regression,h,file:///app/d.js,9,1,new,3,3,0,3,0,3,0,37.5,0,37.5
improvement,g,file:///app/d.js,5,1,changed,-2,-2,2,2,2,2,50,25,50,25"
run diff-absolute 0 "$FL" diff -f csv --absolute --min-delta 1ms "$B" "$N" &&
    unix && same diff-absolute "$T/out" "kind,function,url,line,column,status,self_delta_ms,total_delta_ms,base_self_ms,new_self_ms,base_total_ms,new_total_ms,base_self_pct,new_self_pct,base_total_pct,new_total_pct
regression,h,file:///app/d.js,9,1,new,3,3,0,3,0,3,0,37.5,0,37.5
regression,f,file:///app/d.js,1,1,changed,1,1,2,3,2,3,50,37.5,50,37.5"
run diff-json 0 "$FL" diff -f json "$B" "$N" -o "$T/diff.json" &&
    has diff-json "$T/diff.json" '"schema_version": 1' && has diff-json "$T/diff.json" '"self_delta_ms": -2,' &&
    has diff-json "$T/diff.json" '"verdict": "pass"'
run diff-md 0 "$FL" diff -f markdown "$B" "$N" &&
    has diff-md "$T/out" "^## flame diff" && has diff-md "$T/out" "^| +3.00 ms | +3.00 ms | 0% | 37.5% |"
run diff-same 0 "$FL" diff --fail-on 'cpu>+1%' --fail-on 'self:/parseBody/>+1%' busy.cpuprofile.gz busy.cpuprofile.gz &&
    has diff-same "$T/out" "^Regressions (by self delta): 0 of 0" && has diff-same "$T/out" "^Verdict: pass"
run diff-real 0 "$FL" diff -f json busy.cpuprofile.gz blocking.cpuprofile.gz &&
    has diff-real "$T/out" '"status": "gone"' && has diff-real "$T/out" '"status": "new"'
run diff-heap 2 "$FL" diff hand/small.heapprofile "$N" &&
    same diff-heap "$T/err" "flame diff: hand/small.heapprofile: a heap profile has no times: use a CPU profile"
run diff-output-kept 1 "$FL" diff --fail-on 'cpu>+1%' -o "$T/d.txt" "$B" "$N" &&
    has diff-output-kept "$T/d.txt" "^Verdict: FAIL"
run diff-bad-input 2 "$FL" diff -o "$T/none.txt" "$B" bad/p-truncated.cpuprofile
[ -e "$T/none.txt" ] && { echo "FAIL diff-bad-input: left output behind"; fails=$((fails + 1)); }

# the differential flame graph
run diff-graph 0 "$FL" diff --graph "$T/diff.svg" -o "$T/d2.txt" "$B" "$N" &&
    has diff-graph "$T/diff.svg" "<svg" && has diff-graph-title "$T/diff.svg" "Differential flame graph"
run diff-graph-png 0 "$FL" diff --graph "$T/diff.png" -o "$T/d3.txt" "$B" "$N" &&
    [ "$(head -c 4 "$T/diff.png" | od -An -c | tr -d ' ')" = "211PNG" ] ||
    { echo "FAIL diff-graph-png: not a PNG"; fails=$((fails + 1)); }
run diff-graph-ext 2 "$FL" diff --graph "$T/diff.txt" "$B" "$N" &&
    has diff-graph-ext "$T/err" "does not end in .svg, .png or .pdf"

# ---- real profiles: a function made 3x slower, and a timed synchronous parse ----
run regress-rank 0 "$FL" diff -f json --top 1 regress-base.cpuprofile.gz regress-new.cpuprofile.gz &&
    has regress-rank "$T/out" '"function": "slowPath"'
run regress-gate 1 "$FL" diff --fail-on 'self:slowPath>+50%' --fail-on 'self:fastPath>+50%' \
    regress-base.cpuprofile.gz regress-new.cpuprofile.gz &&
    same regress-gate-stderr "$T/err" "$(grep -o 'flame diff: gate tripped: self:slowPath>+50% (measured [^)]*)' "$T/err")"
grep -q "fastPath" "$T/err" && { echo "FAIL regress-gate: fastPath tripped"; fails=$((fails + 1)); }
# the stall of the timed JSON.parse: within one sampling interval of the
# timer callback timed from inside (stall-truth.js says how)
run regress-stall 0 "$FL" blocking -f json regress-new.cpuprofile.gz &&
    node "$HERE/stall-truth.js" "$T/out" regress-new.cpuprofile.gz regress-new.truth.json ||
    fails=$((fails + 1))

finish
