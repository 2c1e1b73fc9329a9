# install-toolkit.sh - sourced by run.sh and diff.sh: installs DevTools' heap
# snapshot code (npm heap-snapshot-toolkit, pinned and verified) once into the
# cache and exports V8A_HST_DIR. Needs skip() and fail() from the caller.
HST_PKG=heap-snapshot-toolkit
HST_VERSION=1.1.3
HST_INTEGRITY='sha512-joThu2rEsDu8/l4arupRDI1qP4CZXNG+J6Wr348vnbLGSiBkwRdqZ6aOHl5BzEiC+Dc8OTbMlmWjD0lbXD5K2Q=='

# ---- the toolkit, installed once into the cache, pinned and verified ----------
CACHE=${V8A_CONFORMANCE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/v8a/conformance}
TK=$CACHE/hst-$HST_VERSION

# Prints the installed version and integrity of the toolkit under $1.
installed_id() {
    node -e '
        const fs = require("fs"), p = process.argv[1];
        const v = JSON.parse(fs.readFileSync(p + "/node_modules/'$HST_PKG'/package.json", "utf8")).version;
        const l = JSON.parse(fs.readFileSync(p + "/node_modules/.package-lock.json", "utf8"));
        console.log(v + " " + l.packages["node_modules/'$HST_PKG'"].integrity);
    ' "$1" 2>/dev/null
}
want_id="$HST_VERSION $HST_INTEGRITY"

if [ "$(installed_id "$TK")" != "$want_id" ]; then
    mkdir -p "$CACHE" || skip "cannot create the cache directory $CACHE"
    tmp=$(mktemp -d "$CACHE/.install.XXXXXX") || skip "cannot write to $CACHE"
    echo "run.sh: installing $HST_PKG@$HST_VERSION into $TK" >&2
    if ! npm install --prefix "$tmp" --no-audit --no-fund --ignore-scripts --prefer-offline \
            --fetch-retries=2 --fetch-timeout=30000 \
            "$HST_PKG@$HST_VERSION" >"$tmp.log" 2>&1; then
        tail -n 5 "$tmp.log" >&2
        rm -rf "$tmp" "$tmp.log"
        skip "npm install $HST_PKG@$HST_VERSION failed (no registry access?)"
    fi
    rm -f "$tmp.log"
    got=$(installed_id "$tmp")
    if [ "$got" != "$want_id" ]; then
        rm -rf "$tmp"
        fail "installed $HST_PKG is '$got', expected '$want_id'"
    fi
    rm -rf "$TK"
    mv "$tmp" "$TK" 2>/dev/null || rm -rf "$tmp"   # a concurrent run may have won
    [ "$(installed_id "$TK")" = "$want_id" ] || fail "cannot install into $TK"
fi
export V8A_HST_DIR=$TK

