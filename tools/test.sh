#!/usr/bin/env bash
# Builds everything and runs every test with ctest.
# Usage: tools/test.sh [extra cmake arguments]   (BUILD_DIR picks the build folder, default build)
#   e.g. BUILD_DIR=build-asan tools/test.sh -DBANNER_SANITIZE=address
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build" -j2
ctest --test-dir "$build" --output-on-failure -j2 ${CTEST_ARGS:-}
