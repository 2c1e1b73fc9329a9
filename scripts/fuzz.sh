#!/usr/bin/env bash
# fuzz.sh - builds the libFuzzer targets (tests/fuzz) in build-fuzz and runs
# each for a bounded time; fails on any finding (crash, leak, UBSan report,
# timeout, out-of-memory or an oversized allocation).
#
# Usage: scripts/fuzz.sh [SECONDS]   total budget, split over the targets
#                                    (default 60; CI uses the default)
# Environment: FUZZ_TARGETS="fuzz_heap_reader ..." to run only some;
#              FUZZ_BUILD (default build-fuzz).
# New inputs that reach new code are kept in FUZZ_BUILD/corpus/<target>
# between runs; a crashing input is written to FUZZ_BUILD/artifacts/. Inputs
# that once found a bug live in tests/fuzz/regressions/<target>/ and are run
# once each before the fuzzing.
# Reproduce one with: FUZZ_BUILD/tests/fuzz/<target> FILE
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-60}
build=${FUZZ_BUILD:-build-fuzz}

# clang 14 and its compiler-rt (libFuzzer, ASan, UBSan), from Debian
need=()
for p in clang libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "fuzz.sh: installing ${need[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

CC=clang cmake -S . -B "$build" -DV8A_FUZZ=ON -DV8A_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzzers heapsnap >/dev/null

targets=${FUZZ_TARGETS:-$(cd "$build/tests/fuzz" && ls fuzz_* | grep -v '\.' | tr '\n' ' ')}
ntargets=$(echo $targets | wc -w)
per=$((total / ntargets))
[ "$per" -ge 1 ] || per=1

seeds=$build/seeds
rm -rf "$seeds"
bash scripts/fuzz-corpus.sh "$seeds" "$build/tools/heapsnap"
mkdir -p "$build/artifacts"

# Per-target options: input size, dictionary.
opts_for() {
    case $1 in
    fuzz_heap_reader) echo "-max_len=4096 -dict=tests/fuzz/heap.dict" ;;
    fuzz_heap_faults) echo "-max_len=4096 -dict=tests/fuzz/heap.dict" ;;
    fuzz_store_load) echo "-max_len=32768" ;;
    fuzz_store_tables) echo "-max_len=256 -len_control=0" ;;
    fuzz_svg) echo "-max_len=4096 -len_control=0 -dict=tests/fuzz/svg.dict" ;;
    *) echo "-max_len=4096" ;;
    esac
}

status=0
for t in $targets; do
    corpus=$build/corpus/$t
    mkdir -p "$corpus" "$seeds/$t"
    # inputs that once found a bug run first, once each
    if [ -d "tests/fuzz/regressions/$t" ]; then
        if ! "$build/tests/fuzz/$t" tests/fuzz/regressions/"$t"/* >"$build/$t.regressions.log" 2>&1; then
            echo "fuzz.sh: $t fails on a regression input (tests/fuzz/regressions/$t):" >&2
            grep -E "ERROR|SUMMARY|Running:" "$build/$t.regressions.log" | head -10 >&2
            status=1
        fi
    fi
    echo "== fuzz $t for ${per}s"
    # shellcheck disable=SC2046
    if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$build/tests/fuzz/$t" $(opts_for "$t") -max_total_time="$per" -timeout=10 \
        -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" "$corpus" "$seeds/$t" >"$build/$t.log" 2>&1; then
        echo "fuzz.sh: $t found a problem; the input is in $build/artifacts/:" >&2
        grep -E "ERROR|SUMMARY|Test unit written|fuzz_[a-z_]+:" "$build/$t.log" | head -20 >&2
        status=1
    fi
    { grep -E "^#[0-9]+[[:space:]]+DONE" "$build/$t.log" | tail -1 | sed "s/^/  $t: /"; } || true
done
exit $status
