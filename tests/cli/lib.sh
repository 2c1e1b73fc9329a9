# lib.sh - what the CLI test scripts share: a scratch directory (with its own
# XDG cache), and run / same / has, which count checks and failures.
# Source it after setting nothing; call finish at the end.
T=$(mktemp -d "${TMPDIR:-/tmp}/v8a-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
export XDG_CACHE_HOME=$T/cache
fails=0 count=0

# run NAME WANT_RC CMD...: runs CMD, keeps stdout in $T/out, stderr in $T/err
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

# same NAME FILE EXPECTED-TEXT: FILE holds exactly the expected text
same() {
    if ! diff -u <(printf '%s\n' "$3") "$2" >"$T/diff"; then
        echo "FAIL $1: output differs"
        sed 's/^/  /' "$T/diff" | head -20
        fails=$((fails + 1))
    fi
}

# has NAME FILE PATTERN: grep -q
has() {
    if ! grep -q -- "$3" "$2"; then
        echo "FAIL $1: no '$3' in output"
        head -5 "$2" | sed 's/^/  /'
        fails=$((fails + 1))
    fi
}

# finish: prints the tally; the script's exit status
finish() {
    echo "$((count - fails)) of $count checks passed"
    [ "$fails" = 0 ]
}

# need_browser: sets BROWSER to a headless-capable Chromium, or exits 77
# (skipped) when there is none (.ci/run installs it)
need_browser() {
    BROWSER=""
    for b in chromium chromium-browser google-chrome; do
        if command -v "$b" >/dev/null 2>&1; then BROWSER=$b; break; fi
    done
    if [ -z "$BROWSER" ]; then
        echo "skip: no chromium installed"
        exit 77
    fi
}
