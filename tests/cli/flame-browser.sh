#!/usr/bin/env bash
# flame-browser.sh - the interactive SVG in a real browser: renders
# busy.cpuprofile.gz, inlines the SVG in an HTML page whose own script (run
# after the SVG's) searches through Ctrl-F with a known regex and clicks the
# widest match to zoom, then reads the page back with headless Chromium's
# --dump-dom. Checks the frames marked, "Matched" against the share that
# `flame fold --include` gives for the same regex, and that zooming stretches
# the frame to the full width and hides what is outside it.
# Usage: flame-browser.sh PATH/TO/flame PATH/TO/tests/fixtures
# Exit 77 (skipped) when no Chromium is installed (.ci/run installs it).
set -u
FL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FX=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
need_browser
P=$FX/busy.cpuprofile.gz
RE='^fib$'
fail() {
    echo "FAIL $1"
    fails=$((fails + 1))
}

# every frame drawn, idle included, so the SVG's total is fold's
run render 0 "$FL" render --show-idle --min-width 0 -o "$T/busy.svg" "$P" || { finish; exit; }
run fold-all 0 "$FL" fold -w time -o "$T/all.folded" "$P"
run fold-match 0 "$FL" fold -w time --include "$RE" -o "$T/match.folded" "$P"
want=$(awk 'NR == FNR { a += $NF; next } { b += $NF } END { printf "%.2f%%", 100 * a / b }' \
    "$T/match.folded" "$T/all.folded")
nfib=$(grep -c '<title>fib&#10;' "$T/busy.svg")

{
    printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>t</title>\n'
    printf '<script>window.prompt = function () { return %s; };</script></head><body>\n' "'$RE'"
    sed 1d "$T/busy.svg"
    cat <<'HTML'
<pre id="result"></pre>
<script>
(function () {
  var out = [], d = document;
  function cls(g) { return (g.getAttribute('class') || '').split(' '); }
  window.dispatchEvent(new KeyboardEvent('keydown', { key: 'f', ctrlKey: true }));
  out.push('matched=' + d.getElementById('matched').textContent);
  var gs = d.getElementById('frames').children, marked = 0, best = null, i;
  var total = +d.querySelector('svg').getAttribute('fg:total');
  for (i = 0; i < gs.length; i++) {
    if (cls(gs[i]).indexOf('m') < 0) continue;
    marked++;
    var w = +gs[i].getAttribute('fg:w');
    if (w < total && (!best || w > +best.getAttribute('fg:w'))) best = gs[i];
  }
  out.push('marked=' + marked);
  var r = best.getElementsByTagName('rect')[0];
  out.push('before=' + r.getAttribute('width'));
  r.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  out.push('after=' + r.getAttribute('width'));
  var hidden = 0;
  for (i = 0; i < gs.length; i++) if (cls(gs[i]).indexOf('h') >= 0) hidden++;
  out.push('hidden=' + hidden);
  out.push('zoomed=' + d.getElementById('matched').textContent);
  out.push('unzoom=' + d.getElementById('unzoom').getAttribute('class'));
  d.getElementById('result').textContent = out.join('\n');
})();
</script>
</body></html>
HTML
} >"$T/page.html"

count=$((count + 1))
timeout 60 "$BROWSER" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --user-data-dir="$T/profile" --dump-dom "file://$T/page.html" \
    >"$T/dom" 2>"$T/browser.err"
rc=$?
if [ "$rc" != 0 ]; then
    fail "chromium: exit $rc"
    head -5 "$T/browser.err"
fi
sed -n '/<pre id="result">/,/<\/pre>/p' "$T/dom" | sed 's/<[^>]*>//g' >"$T/result"
count=$((count + 7)) # the checks below
get() { sed -n "s/^$1=//p" "$T/result"; }
same matched <(get matched) "Matched: $want"
same marked <(get marked) "$nfib"
same zoom-width <(get after) "1180.00"
[ "$(get before)" != "1180.00" ] || fail "zoom: the frame was full width before"
[ "$(get hidden)" -gt 0 ] 2>/dev/null || fail "zoom: nothing hidden"
same zoom-matched <(get zoomed) "Matched: $want of all, 100.00% of zoom"
same unzoom-shown <(get unzoom) "b"
sed "s/^/  /" "$T/result"
echo "browser: $BROWSER; fib frames $nfib, Matched $want"
finish
