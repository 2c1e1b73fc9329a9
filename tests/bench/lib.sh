# lib.sh - what the benchmark scripts share: sizes in MiB, header counts, a
# measurement under /usr/bin/time -v, and generated snapshots (reused).
# The caller sets TIME, WORK, REPEAT, NODE, BENCH_DIR, SCRIPT_DIR and die().

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# header_count FILE KEY: a count from the snapshot header (before "nodes")
header_count() {
    head -c 65536 "$1" | tr -d '\n' | sed 's/"nodes".*//' |
        grep -o "\"$2\":[0-9]*" | head -1 | cut -d: -f2
}

# measure [--stdin FILE] [--rm PATH] NAME CMD...
#   Runs CMD REPEAT times under /usr/bin/time -v (stdout discarded), removing
#   PATH before each run. Sets WALL[NAME] (best wall seconds) and
#   RSS[NAME] (max RSS MiB of that run). If CMD fails: prints its stderr, exits 2.
declare -A WALL RSS
measure() {
    local stdin=/dev/null rmpath=''
    while :; do
        case $1 in
            --stdin) stdin=$2; shift 2 ;;
            --rm) rmpath=$2; shift 2 ;;
            *) break ;;
        esac
    done
    local name=$1; shift
    local i wall rss_kb best='' best_rss=''
    for ((i = 1; i <= REPEAT; i++)); do
        [[ -z $rmpath ]] || rm -f "$rmpath"
        if ! "$TIME" -v -o "$WORK/time" "$@" <"$stdin" >/dev/null 2>"$WORK/err"; then
            echo "bench: $name failed: $*" >&2
            cat "$WORK/err" >&2
            grep '^Command' "$WORK/time" >&2 || true
            exit 2
        fi
        # "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.35"
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
                   n = split($NF, p, ":"); s = 0
                   for (k = 1; k <= n; k++) s = s * 60 + p[k]
                   printf "%.2f", s }' "$WORK/time")
        rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $NF }' "$WORK/time")
        [[ -n $wall && -n $rss_kb ]] || die "cannot parse time -v output for $name"
        if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$wall best_rss=$rss_kb
        fi
    done
    WALL[$name]=$best
    RSS[$name]=$(awk -v k="$best_rss" 'BEGIN { printf "%.1f", k / 1024 }')
}

# snapshot NAME SIZE_MB [SEED]: prints the path of a generated snapshot,
# generating it (tests/bench/gen-heap.js) the first time.
snapshot() {
    local f="$BENCH_DIR/$1.heapsnapshot"
    if [[ ! -s $f ]]; then
        echo "generating $f (target $2 MB)..." >&2
        GEN_HEAP_SEED=${3:-1} "$NODE" --max-old-space-size=16000 --expose-gc \
            "$SCRIPT_DIR/gen-heap.js" "$f.tmp" "$2" >&2 ||
            { rm -f "$f.tmp"; die "gen-heap.js failed for $2 MB"; }
        mv "$f.tmp" "$f"
    fi
    echo "$f"
}
