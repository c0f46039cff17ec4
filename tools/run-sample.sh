#!/usr/bin/env bash
# The main job on the embedded sample: build, compile data/sample/csv into an
# index, and serve it with bannerd at http://127.0.0.1:8080/ (Ctrl-C stops).
# Usage: tools/run-sample.sh [bannerd options, e.g. --listen 127.0.0.1:9090]
#   BUILD_DIR picks the build folder (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target bannerc bannerd
"$build/bin/bannerc" build data/sample/csv -o "$build/sample.idx" --rejects "$build/sample-rejects.csv"
listen=127.0.0.1:8080
for ((i = 1; i <= $#; i++)); do
  [ "${!i}" = --listen ] && { j=$((i + 1)); listen=${!j}; }
done
images=()
[ -d ../shared/datasets/datachef/images ] && images=(--images ../shared/datasets/datachef/images)
echo
echo "Serving the sample: open http://$listen/ (it lists the current quarter's campaigns)."
echo "Rebuild the index into $build/sample.idx at any time: bannerd picks it up without dropping a request."
exec "$build/bin/bannerd" --index "$build/sample.idx" "${images[@]}" "$@"  # listens on 127.0.0.1:8080 unless told
