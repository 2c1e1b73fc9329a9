#!/usr/bin/env bash
# hostile-browser.sh - no script from the input runs in what v8a writes for
# a browser: the interactive flame SVG and the heapdiff HTML report, made
# from names that are markup, "]]>", quotes, javascript: urls and
# pre-escaped entities (tests/fixtures/hostile-names.txt), opened in headless
# Chromium.
#
# Inputs, made here: a folded file and a .cpuprofile whose function names
# and urls are the hostile names, drawn by `flame render` (graph, and chart);
# three heap snapshots written by node (tests/fixtures/gen/hostile-heap.js)
# whose class names and global property names are the hostile names,
# compared by `heapdiff -f html` (two and three snapshots).
#
# Each payload sets document.title to "PWN"+"ED-n" if it ever runs; "PWNED"
# is in no input. Each output is opened three ways: on its own (file://...
# .svg or .html, dumped with --dump-dom), in an iframe of a page that then
# inspects it, and (the SVGs) inlined in an HTML page. The inspecting pages
# run tests/cli/hostile-page.js: nothing ran (no marker in any title, global
# or the DOM, also after a few seconds of virtual time for anything
# asynchronous); no element or attribute the writer does not make (no
# extra <script>, no on* handler, no href); every hostile name is shown as
# text where it belongs (a frame's title, a location, a table cell), so the
# test proves escaping, not dropping; the SVG's search is answered with
# markup, a bad regex and "]]>" (through window.prompt, as Ctrl-F asks),
# and hovering and zooming show the names as text; the report's tables are
# sorted by every column.
# Usage: hostile-browser.sh PATH/TO/flame PATH/TO/heapdiff PATH/TO/tests/fixtures
# Exit 77 (skipped) without Chromium or node (.ci/run installs Chromium).
set -u
FL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HD=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
FX=$(cd "$3" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
need_browser
if ! command -v node >/dev/null 2>&1; then
    echo "skip: no node to write the heap snapshots"
    exit 77
fi
fail() {
    echo "FAIL $1"
    fails=$((fails + 1))
}

mapfile -t NAMES <"$FX/hostile-names.txt"

# A JSON string, safe inside an inline <script> too ("</script>" cannot
# close it: every '<' is \u003c).
json() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; s/</\\u003c/g')"; }
json_array() { # json_array STRING...
    local sep="" s
    printf '['
    for s in "$@"; do
        printf '%s%s' "$sep" "$(json "$s")"
        sep=,
    done
    printf ']'
}

# ---- the inputs ----
# folded: ';' separates frames, so names holding one are left out there
F_NAMES=() F_URLS=()
: >"$T/hostile.folded"
for i in "${!NAMES[@]}"; do
    n=${NAMES[$i]}
    case $n in *';'*) continue ;; esac
    u="javascript:document.title='PWN'+'ED-U$i'"
    F_NAMES+=("$n")
    F_URLS+=("$u")
    printf 'main;%s [%s:%d] %d\n' "$n" "$u" $((i + 1)) $((10 * (i + 1))) >>"$T/hostile.folded"
done
# cpuprofile: every name, under a parent whose url is itself hostile
C_NAMES=("${NAMES[@]}") C_URLS=()
{
    printf '{"nodes":[{"id":1,"callFrame":{"functionName":"(root)","scriptId":"0","url":"",'
    printf '"lineNumber":-1,"columnNumber":-1},"children":[2]},'
    printf '{"id":2,"callFrame":{"functionName":"main","scriptId":"1","url":"file:///app/main.js",'
    printf '"lineNumber":0,"columnNumber":0},"children":['
    for i in "${!NAMES[@]}"; do printf '%s%d' "$([ "$i" = 0 ] || echo ,)" $((i + 3)); done
    printf ']}'
    samples="" deltas=""
    for i in "${!NAMES[@]}"; do
        u="\"><img src=x onerror=\"document.title='PWN'+'ED-C$i'\">/x$i.js"
        C_URLS+=("$u")
        printf ',{"id":%d,"callFrame":{"functionName":%s,"scriptId":"2","url":%s,' \
            $((i + 3)) "$(json "${NAMES[$i]}")" "$(json "$u")"
        printf '"lineNumber":%d,"columnNumber":4}}' "$i"
        for _ in $(seq 0 "$i"); do
            samples+="${samples:+,}$((i + 3))"
            deltas+="${deltas:+,}1000"
        done
    done
    printf '],"startTime":0,"endTime":%d,"samples":[%s],"timeDeltas":[%s]}\n' \
        $((1000 * $(echo "$samples" | tr ',' '\n' | wc -l))) "$samples" "$deltas"
} >"$T/hostile.cpuprofile"

run render-folded 0 "$FL" render --min-width 0 -o "$T/folded.svg" "$T/hostile.folded"
run render-cpu 0 "$FL" render --min-width 0 --mode chart -o "$T/cpu.svg" "$T/hostile.cpuprofile"
run heap 0 node --expose-gc "$FX/gen/hostile-heap.js" "$FX/hostile-names.txt" "$T"
H0=$T/hostile-0.heapsnapshot H1=$T/hostile-1.heapsnapshot H2=$T/hostile-2.heapsnapshot
G=(--top 0 --growth 20 --paths 3)
run report-2 0 "$HD" -f html "${G[@]}" -o "$T/report2.html" "$H0" "$H1"
run report-3 0 "$HD" -f html "${G[@]}" -o "$T/report3.html" "$H0" "$H1" "$H2"
run report-json 0 "$HD" -f json "${G[@]}" -o "$T/report.json" "$H0" "$H1"
# the hostile classes as heapdiff names them (DevTools shortens "<img src=x>" to "<img>")
mapfile -t CLASSES < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const c of r.classes) if (/ED-|^<[a-z]+>$/.test(c.class)) console.log(c.class);' \
    "$T/report.json")
count=$((count + 1))
[ "${#CLASSES[@]}" -ge "${#NAMES[@]}" ] ||
    fail "heapdiff json: ${#CLASSES[@]} hostile classes, want ${#NAMES[@]}"

# ---- Chromium ----
# dump NAME URL: the DOM of URL after load and 5 s of virtual time
dump() {
    count=$((count + 1))
    timeout 60 "$BROWSER" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --no-first-run --user-data-dir="$T/profile" --allow-file-access-from-files \
        --virtual-time-budget=5000 --dump-dom "$2" >"$T/$1.dom" 2>"$T/$1.err"
    local rc=$?
    if [ "$rc" != 0 ]; then
        fail "$1: chromium exit $rc"
        head -5 "$T/$1.err"
    fi
}
# nothing NAME: no marker in the dump
nothing() {
    count=$((count + 1))
    if grep -q PWNED "$T/$1.dom"; then fail "$1: a payload ran"; fi
}

# 1. each output on its own
for f in folded.svg cpu.svg report2.html report3.html; do
    dump "own-$f" "file://$T/$f"
    nothing "own-$f"
    count=$((count + 1))
    case $f in
    *.svg)
        if ! grep -q 'id="frames"' "$T/own-$f.dom" || grep -q 'following errors' "$T/own-$f.dom"; then
            fail "own-$f: not parsed as the SVG"
        fi
        ;;
    *) grep -q 'class="sortable"' "$T/own-$f.dom" || fail "own-$f: not the report" ;;
    esac
done

# the checks, as a script element's body; $1 is the code that calls them
checks() {
    printf '<script>\n'
    cat "$HERE/hostile-page.js"
    printf '\nvar F_NAMES=%s, F_URLS=%s, C_NAMES=%s, C_URLS=%s, NAMES=%s, CLASSES=%s;\n' \
        "$(json_array "${F_NAMES[@]}")" "$(json_array "${F_URLS[@]}")" \
        "$(json_array "${C_NAMES[@]}")" "$(json_array "${C_URLS[@]}")" \
        "$(json_array "${NAMES[@]}")" "$(json_array "${CLASSES[@]}")"
    printf '%s\n</script>\n' "$1"
}

# 2. in iframes of a page that inspects them once all are loaded, and again
# after the virtual time (anything asynchronous a payload started has run)
{
    printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>frames</title></head><body>\n'
    for f in folded.svg cpu.svg report2.html report3.html; do
        printf '<iframe id="%s" src="%s" width="1200" height="400"></iframe>\n' "${f%.*}" "$f"
    done
    printf '<pre id="result"></pre>\n'
    checks "
function fr(id) { var e = document.getElementById(id); return [e.contentDocument, e.contentWindow]; }
window.addEventListener('load', function () {
  var a = fr('folded'), b = fr('cpu'), c = fr('report2'), d = fr('report3');
  hpCheckSvg('iframe-folded', a[0], a[1], F_NAMES, F_URLS);
  hpCheckSvg('iframe-cpu', b[0], b[1], C_NAMES, C_URLS);
  hpCheckReport('iframe-report2', c[0], c[1], CLASSES, NAMES);
  hpCheckReport('iframe-report3', d[0], d[1], CLASSES, NAMES);
  setTimeout(function () {
    [a, b, c, d].forEach(function (x, i) { hpResult('iframe-' + i, 'nothing-ran-later', hpRan(x[0], x[1])); });
    hpResult('iframe-page', 'nothing-ran-later', hpRan(document, window));
    hpWriteResults();
  }, 3000);
});"
    printf '</body></html>\n'
} >"$T/frames.html"

# 3. each SVG inlined in an HTML page, the checks after the SVG's script
for f in folded cpu; do
    if [ $f = folded ]; then args="F_NAMES, F_URLS"; else args="C_NAMES, C_URLS"; fi
    {
        printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>inline</title></head><body>\n'
        sed 1d "$T/$f.svg"
        printf '<pre id="result"></pre>\n'
        checks "
hpCheckSvg('inline-$f', document, window, $args);
setTimeout(function () { hpResult('inline-$f', 'nothing-ran-later', hpRan(document, window)); hpWriteResults(); }, 3000);"
        printf '</body></html>\n'
    } >"$T/inline-$f.html"
done

: >"$T/results"
for p in frames inline-folded inline-cpu; do
    dump "$p" "file://$T/$p.html"
    nothing "$p"
    perl -0ne 'print $1 if /<pre id="result">(.*?)<\/pre>/s' "$T/$p.dom" >>"$T/results"
done
# what each page must have reported: svg checks x 4, report checks x 2, later checks
want=$((12 * 4 + 8 * 2 + 5 + 2))
got=$(grep -c '=ok$' "$T/results")
count=$((count + 1))
if [ "$got" != "$want" ]; then
    fail "checks in the browser: $got ok, want $want"
    grep -v '=ok$' "$T/results" | sed 's/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g; s/^/  /' | head -20
fi
echo "browser: $BROWSER; ${#NAMES[@]} hostile names, ${#CLASSES[@]} classes; $got checks in pages"
finish
