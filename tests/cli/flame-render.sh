#!/usr/bin/env bash
# flame-render.sh - CLI tests for flame render: exact exit codes, output
# formats, and that a failed run leaves nothing behind.
# Usage: flame-render.sh PATH/TO/flame PATH/TO/tests/fixtures
set -u
FL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FX=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
P=$FX/busy.cpuprofile.gz

fail() {
    echo "FAIL $1"
    fails=$((fails + 1))
}
magic() { # magic NAME FILE HEX
    [ "$(head -c $((${#3} / 2)) "$2" | od -An -tx1 | tr -d ' \n')" = "$3" ] || fail "$1: bad magic in $2"
}
empty_dir() { # nothing but what we expect in DIR
    local left
    left=$(ls -A "$2")
    [ -z "$left" ] || fail "$1: left behind: $left"
}

# ---- usage ----
run help 0 "$FL" render --help && has help "$T/out" "Usage: flame render" &&
    has help-options "$T/out" "--min-width PX|PCT%"
run help-via-flame 0 "$FL" help render && has help-via-flame "$T/out" "Usage: flame render"
run missing-operand 2 "$FL" render &&
    same missing-operand "$T/err" "flame render: missing PROFILE
Try 'flame render --help'."
run two-operands 2 "$FL" render "$P" "$P"
run bad-mode 2 "$FL" render -m pie "$P" &&
    same bad-mode "$T/err" "flame render: --mode: 'pie' is not graph, icicle or chart
Try 'flame render --help'."
run bad-format 2 "$FL" render -f gif "$P"
run bad-weight 2 "$FL" render -w cycles "$P"
run bad-sort 2 "$FL" render -s size "$P"
run bad-palette 2 "$FL" render --palette neon "$P"
run bad-truncate 2 "$FL" render --truncate middle "$P"
run bad-min-width 2 "$FL" render --min-width 5px "$P"
run bad-min-width-pct 2 "$FL" render --min-width 101% "$P"
run bad-width 2 "$FL" render --width 50 "$P"
run bad-max-depth 2 "$FL" render --max-depth 0 "$P"
run static-png 2 "$FL" render --static -o "$T/x.png" "$P"
run unknown-ext 2 "$FL" render -o "$T/x.txt" "$P" &&
    same unknown-ext "$T/err" "flame render: $T/x.txt: cannot tell the format from the name (use --format)
Try 'flame render --help'."
[ -e "$T/x.txt" ] && fail "unknown-ext: file created"
run no-such-file 2 "$FL" render -o "$T/x.svg" "$T/nope.cpuprofile"
[ -e "$T/x.svg" ] && fail "no-such-file: output created"

# ---- outputs ----
run svg-stdout 0 "$FL" render "$P" && head -c 5 "$T/out" | grep -q '<?xml' || fail "svg-stdout: not XML"
tail -c 7 "$T/out" | grep -q '</svg>' || fail "svg-stdout: not closed"
has svg-script "$T/out" "<script><!\[CDATA\["
has svg-ints "$T/out" 'fg:x="0" fg:w="'
for m in graph icicle chart; do
    run "svg-$m" 0 "$FL" render -m "$m" -o "$T/$m.svg" "$P"
    run "png-$m" 0 "$FL" render -m "$m" -o "$T/$m.png" "$P" && magic "png-$m" "$T/$m.png" 89504e470d0a1a0a
    run "pdf-$m" 0 "$FL" render -m "$m" -o "$T/$m.pdf" "$P" && magic "pdf-$m" "$T/$m.pdf" 255044462d
done
has chart-title "$T/chart.svg" ">Flame Chart<"
has icicle-title "$T/icicle.svg" ">Icicle Graph<"
run format-flag 0 "$FL" render --format png -o "$T/noext" "$P" && magic format-flag "$T/noext" 89504e47
run format-upper 0 "$FL" render -o "$T/UP.PNG" "$P" && magic format-upper "$T/UP.PNG" 89504e47
run png-stdout 0 "$FL" render -f png "$P" && magic png-stdout "$T/out" 89504e47
run static 0 "$FL" render --static -o "$T/static.svg" "$P"
grep -q "<script" "$T/static.svg" && fail "static: has a script"
has static-title "$T/static.svg" "total .* (.*%), self"
# a url too long for the tooltip keeps its end and the line, after an ellipsis
url="file:///$(printf 'd/%.0s' $(seq 3000))app.js"
printf '{"nodes":[{"id":1,"callFrame":{"functionName":"(root)","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"children":[2]},{"id":2,"callFrame":{"functionName":"work","scriptId":"1","url":"%s","lineNumber":12,"columnNumber":4}}],"startTime":0,"endTime":3000,"samples":[2,2,2],"timeDeltas":[1000,1000,1000]}' "$url" >"$T/long.cpuprofile"
run long-url 0 "$FL" render -o "$T/long.svg" "$T/long.cpuprofile" &&
    has long-url "$T/long.svg" '<title>work&#10;…/d/d/d/.*/d/app.js:13:5</title>'
run options 0 "$FL" render -w samples -s weight --palette package --truncate left --min-width 1% \
    --max-depth 6 --show-idle --title 'T <&> "q"' --width 800 -o "$T/opts.svg" "$P"
has options-title "$T/opts.svg" 'T &lt;&amp;&gt; &quot;q&quot;'
has options-unit "$T/opts.svg" 'fg:unit="samples"'
has options-width "$T/opts.svg" 'width="800"'
run hot 0 "$FL" render --palette hot -o "$T/hot.png" "$P"
run hitcount 0 "$FL" render -w hitcount -o "$T/hit.svg" "$P"
run include 0 "$FL" render --include '^fib$' -o "$T/include.svg" "$P" && has include "$T/include.svg" "include /\^fib\$/"
grep -q '<title>checksumLoop' "$T/include.svg" && fail "include: checksumLoop still drawn"
has include-main "$T/include.svg" '<title>main&#10;'
# --focus re-roots: fib sits on the root, main is gone, the weight is --include's
run focus 0 "$FL" render --focus '^fib$' -o "$T/focus.svg" "$P" && has focus "$T/focus.svg" "focus /\^fib\$/"
grep -q '<title>main&#10;' "$T/focus.svg" && fail "focus: main still drawn"
[ "$(grep -o 'fg:total="[0-9]*"' "$T/focus.svg")" = "$(grep -o 'fg:total="[0-9]*"' "$T/include.svg")" ] ||
    fail "focus: total differs from --include's"
run hide 0 "$FL" render --hide '^main$' -o "$T/hide.svg" "$P" && has hide "$T/hide.svg" "hide /\^main\$/"
grep -q '<title>main&#10;' "$T/hide.svg" && fail "hide: main still drawn"
run recursion 0 "$FL" render --collapse-recursion -o "$T/rec.svg" "$P" && has recursion "$T/rec.svg" "recursion collapsed"
[ "$(grep -c '<title>fib&#10;' "$T/rec.svg")" -lt "$(grep -c '<title>fib&#10;' "$T/graph.svg")" ] ||
    fail "recursion: as many fib frames as without"
run recursion-all 0 "$FL" render --collapse-all-recursion -m chart -o "$T/rec-all.svg" "$P"
run dark 0 "$FL" render --theme dark -o "$T/dark.svg" "$P" && has dark "$T/dark.svg" 'stop-color="#202124"'
run dark-png 0 "$FL" render --theme dark -o "$T/dark.png" "$P" && magic dark-png "$T/dark.png" 89504e47
run dark-pdf 0 "$FL" render --theme dark -o "$T/dark.pdf" "$P" && magic dark-pdf "$T/dark.pdf" 255044462d
run bad-theme 2 "$FL" render --theme neon "$P" && has bad-theme "$T/err" "'neon' is not light or dark"
run minwidth-alias 0 "$FL" render --minwidth 2% -o "$T/mw.svg" "$P" && has minwidth-alias "$T/mw.svg" "narrower than 2%"
run bad-minwidth 2 "$FL" render --minwidth 5px "$P"
run exclude 0 "$FL" render --exclude fib -o "$T/excl.svg" "$P"
grep -q '<title>fib' "$T/excl.svg" && fail "exclude: fib still drawn"
run heap 0 "$FL" render "$FX/busy.heapprofile.gz" -o "$T/heap.svg" && has heap "$T/heap.svg" 'fg:unit="bytes"'
if command -v xmllint >/dev/null; then
    for f in "$T"/*.svg; do
        xmllint --noout "$f" 2>"$T/xml" || { fail "xmllint $f"; head -3 "$T/xml"; }
    done
else
    echo "skip: xmllint not installed"
fi
if command -v node >/dev/null; then
    node "$HERE/svg-dom.js" "$T/graph.svg" 'fib|main' >"$T/js" || { fail "svg script (graph)"; cat "$T/js"; }
    node "$HERE/svg-dom.js" "$T/chart.svg" 'parse' >"$T/js" || { fail "svg script (chart)"; cat "$T/js"; }
else
    echo "skip: node not installed"
fi

# ---- flame fold, and folded stacks read back ----
sum() { awk '{ s += $NF } END { print s }' "$1"; }
run fold-help 0 "$FL" fold --help && has fold-help "$T/out" "Usage: flame fold"
run fold-bad-weight 2 "$FL" fold -w hitcount "$P" &&
    same fold-bad-weight "$T/err" "flame fold: --weight: 'hitcount' is not samples or time
Try 'flame fold --help'."
run fold-missing 2 "$FL" fold
run fold 0 "$FL" fold -o "$T/busy.folded" "$P" && same fold-sum <(sum "$T/busy.folded") 3943
head -1 "$T/busy.folded" | grep -q '^(anonymous) \[node:internal/main/run_main_module:1\] 1$' || fail "fold: first line"
LC_ALL=C sort -c "$T/busy.folded" 2>/dev/null || fail "fold: not sorted"
run fold-time 0 "$FL" fold -w time "$P" && same fold-time <(sum "$T/out") 1322044
run fold-include 0 "$FL" fold --include '^fib$' "$P" && { grep -qv 'fib \[' "$T/out" && fail "fold-include: a line without fib"; }
run fold-hide-idle 0 "$FL" fold --hide-idle "$P" && { grep -q '^(idle)' "$T/out" && fail "fold-hide-idle: (idle) written"; }
run fold-again 0 "$FL" fold "$T/busy.folded" && same fold-again "$T/out" "$(cat "$T/busy.folded")"
gzip -c "$T/busy.folded" >"$T/busy.folded.gz"
run fold-gz 0 "$FL" fold "$T/busy.folded.gz" && same fold-gz "$T/out" "$(cat "$T/busy.folded")"
run fold-stdin 0 sh -c "'$FL' fold - <'$T/busy.folded'" && same fold-stdin "$T/out" "$(cat "$T/busy.folded")"
run folded-info 0 "$FL" info -f csv "$T/busy.folded" && has folded-info "$T/out" "^format,folded" &&
    has folded-info "$T/out" "^duration_us,3943"
run folded-render 0 "$FL" render --show-idle -o "$T/folded.svg" "$T/busy.folded" &&
    has folded-render "$T/folded.svg" 'fg:total="3943" fg:unit="samples"'
run folded-png 0 "$FL" render -o "$T/folded.png" "$T/busy.folded.gz" && magic folded-png "$T/folded.png" 89504e47
printf 'flamegraph;style 3\ninferno;style\t2\n\nspeedscope;a;b 1\r\n' >"$T/other.folded"
run folded-variants 0 "$FL" fold "$T/other.folded" && same folded-variants "$T/out" "flamegraph;style 3
inferno;style 2
speedscope;a;b 1"
mkdir "$T/f"
printf 'a;b 3\nnot a stack\n' >"$T/bad.folded"
run folded-bad 2 "$FL" render -o "$T/f/x.svg" "$T/bad.folded" &&
    same folded-bad "$T/err" "flame render: $T/bad.folded:2: expected 'frame;frame;... COUNT' (a stack, blanks, a whole number)"
printf 'a;;b 3\n' >"$T/bad2.folded"
run folded-bad-empty 2 "$FL" fold -o "$T/f/x.folded" "$T/bad2.folded" &&
    same folded-bad-empty "$T/err" "flame fold: $T/bad2.folded:1: an empty frame name (';;' or a ';' at an end)"
empty_dir folded-bad "$T/f"
run fold-bad-regex 2 "$FL" fold --focus '(' -o "$T/f/x.folded" "$P" && has fold-bad-regex "$T/err" "--focus: regex error"
empty_dir fold-bad-regex "$T/f"
run fold-disk-full 2 "$FL" fold -o /dev/full "$P" && has fold-disk-full "$T/err" "write error"

# ---- failures leave nothing behind ----
mkdir "$T/d"
for opt in include exclude focus hide; do
    run "bad-regex-$opt" 2 "$FL" render "--$opt" '(' -o "$T/d/x.svg" "$P" &&
        has "bad-regex-$opt" "$T/err" "flame render: .*--$opt: regex error"
    empty_dir "bad-regex-$opt" "$T/d"
done
echo old >"$T/d/keep.svg"
run keep-old 2 "$FL" render --exclude '[' -o "$T/d/keep.svg" "$P"
same keep-old "$T/d/keep.svg" "old"
rm "$T/d/keep.svg"
run unwritable-dir 2 "$FL" render -o "$T/missing/x.svg" "$P"
run disk-full 2 "$FL" render -f svg -o /dev/full "$P" && has disk-full "$T/err" "write error"
run disk-full-png 2 "$FL" render -f png -o /dev/full "$P"
printf '{"nodes":[' | gzip >"$T/trunc.cpuprofile.gz"
run truncated-input 2 "$FL" render -o "$T/d/x.svg" "$T/trunc.cpuprofile.gz"
empty_dir truncated-input "$T/d"
if [ "$(id -u)" != 0 ]; then
    mkdir "$T/ro" && chmod 555 "$T/ro"
    run read-only-dir 2 "$FL" render -o "$T/ro/x.svg" "$P"
    chmod 755 "$T/ro"
fi

# ---- memory flame graphs from heap snapshots ----
run mem 0 "$FL" render "$FX/app-after.heapsnapshot.gz" -o "$T/mem.svg" &&
    has mem "$T/mem.svg" "Memory: the dominator tree by retained size" &&
    has mem-map "$T/mem.svg" ">Map<" && has mem-legend "$T/mem.svg" "arrays, strings, numbers"
run mem-png 0 "$FL" render "$FX/app-after.heapsnapshot.gz" -o "$T/mem.png" --max-depth 12
run mem-chart 2 "$FL" render --mode chart "$FX/app-after.heapsnapshot.gz" -o "$T/no.svg" &&
    has mem-chart "$T/err" "a heap snapshot has no timeline"
[ -e "$T/no.svg" ] && { echo "FAIL mem-chart: output left"; fails=$((fails + 1)); }
run alloc 0 "$FL" render --allocations "$FX/tracked.heapsnapshot.gz" -o "$T/alloc.svg" &&
    has alloc "$T/alloc.svg" "allocWidgets" && has alloc-title "$T/alloc.svg" "Allocations: live bytes"
run alloc-untracked 2 "$FL" render --allocations "$FX/app-before.heapsnapshot.gz" -o "$T/no.svg" &&
    has alloc-untracked "$T/err" "no allocation stacks"
run alloc-profile 2 "$FL" render --allocations "$P" -o "$T/no.svg" &&
    has alloc-profile "$T/err" "applies to heap snapshots"

# ---- chart annotations from flame insights ----
run annotate 0 "$FL" render --mode chart --annotate "$FX/blocking.cpuprofile.gz" -o "$T/ann.svg" &&
    has annotate "$T/ann.svg" 'class="mk"' && has annotate-label "$T/ann.svg" "plateau: parsePayload"
run annotate-png 0 "$FL" render --mode chart --annotate "$FX/blocking.cpuprofile.gz" -o "$T/ann.png"
run annotate-graph 2 "$FL" render --annotate "$FX/blocking.cpuprofile.gz" -o "$T/no.svg" &&
    has annotate-graph "$T/err" "use it with --mode chart"

finish
