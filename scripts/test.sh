#!/usr/bin/env bash
# test.sh - the whole test suite: install dependencies, build, run ctest.
# Environment: BUILD (build directory, default build), V8A_CMAKE_ARGS (extra
# cmake arguments, e.g. -DV8A_WERROR=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
BUILD=${BUILD:-build}
# shellcheck disable=SC2086
cmake -S . -B "$BUILD" ${V8A_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure
