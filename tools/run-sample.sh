#!/usr/bin/env bash
# The main job on the embedded sample: build, compile data/sample/csv into an
# index, and show what it will serve.
# Usage: tools/run-sample.sh   (BUILD_DIR picks the build folder, default build)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target bannerc
"$build/tools/bannerc" build data/sample/csv -o "$build/sample.idx" --rejects "$build/sample-rejects.csv"
echo
"$build/tools/bannerc" inspect "$build/sample.idx" --quarter 1 | head -40
