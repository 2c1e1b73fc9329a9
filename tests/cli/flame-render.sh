#!/usr/bin/env bash
# flame-render.sh - CLI tests for flame render: exact exit codes, output
# formats, and that a failed run leaves nothing behind.
# Usage: flame-render.sh PATH/TO/flame PATH/TO/tests/fixtures
set -u
FL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FX=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/v8a-render-XXXXXX")
trap 'rm -rf "$T"' EXIT
P=$FX/busy.cpuprofile.gz
fails=0 count=0

# run NAME WANT_RC CMD...: stdout in $T/out, stderr in $T/err
run() {
    local name=$1 want=$2
    shift 2
    count=$((count + 1))
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" != "$want" ]; then
        echo "FAIL $name: exit $rc, wanted $want"
        sed 's/^/  stderr: /' "$T/err" | head -5
        fails=$((fails + 1))
        return 1
    fi
    return 0
}
fail() {
    echo "FAIL $1"
    fails=$((fails + 1))
}
has() {
    grep -q -- "$3" "$2" || fail "$1: no '$3' in $2"
}
same() {
    diff -u <(printf '%s\n' "$3") "$2" >"$T/diff" || {
        fail "$1: output differs"
        head -20 "$T/diff"
    }
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
run options 0 "$FL" render -w samples -s weight --palette package --truncate left --min-width 1% \
    --max-depth 6 --show-idle --title 'T <&> "q"' --width 800 -o "$T/opts.svg" "$P"
has options-title "$T/opts.svg" 'T &lt;&amp;&gt; &quot;q&quot;'
has options-unit "$T/opts.svg" 'fg:unit="samples"'
has options-width "$T/opts.svg" 'width="800"'
run hot 0 "$FL" render --palette hot -o "$T/hot.png" "$P"
run hitcount 0 "$FL" render -w hitcount -o "$T/hit.svg" "$P"
run focus 0 "$FL" render --focus '^fib$' -o "$T/focus.svg" "$P" && has focus "$T/focus.svg" "focus /\^fib\$/"
grep -q '<title>checksumLoop' "$T/focus.svg" && fail "focus: checksumLoop still drawn"
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

# ---- failures leave nothing behind ----
mkdir "$T/d"
run bad-regex 2 "$FL" render --focus '(' -o "$T/d/x.svg" "$P" && has bad-regex "$T/err" "flame render: .*--focus: regex error"
empty_dir bad-regex "$T/d"
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

echo "$count runs, $fails failures"
[ "$fails" = 0 ]
