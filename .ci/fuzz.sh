#!/usr/bin/env bash
# CI: builds the libFuzzer targets (tests/fuzz) with clang, replays their seed
# corpora and saved regressions, then fuzzes each one for a bounded time.
# Fails on any crash, sanitizer report, timeout or out-of-memory.
#
#   .ci/fuzz.sh                      # 30 s per fuzzer
#   FUZZ_SECONDS=600 .ci/fuzz.sh     # the long run (see tests/fuzz/README.md)
#   FUZZERS="fuzz_index fuzz_handler" .ci/fuzz.sh
#
# Builds in build-fuzz (BUILD_DIR). The corpus grows in a scratch copy
# (build-fuzz/fuzz-corpus/<fuzzer>), never in the committed seeds; crashing
# inputs land in build-fuzz/fuzz-artifacts/<fuzzer>/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${FUZZ_SECONDS:-30}
build=${BUILD_DIR:-build-fuzz}
fuzzers=${FUZZERS:-fuzz_csv fuzz_compile fuzz_index fuzz_handler}

# Debian's clang 14 and its libFuzzer runtime.
tools/install-deps.sh clang libclang-rt-14-dev

# RelWithDebInfo without -DNDEBUG: the code's own assert()s stay on.
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DBANNER_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g" >/dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j2 --target $fuzzers
# This is CI's clang build: banner_server (in fuzz_handler) was compiled with
# -Werror=thread-safety; the probe proves that check is on.
ctest --test-dir "$build" -R thread_safety --output-on-failure

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=()
for f in $fuzzers; do
  bin="$build/tests/fuzz/$f"
  seeds="$root/tests/fuzz/corpus/$f"
  regressions="$root/tests/fuzz/regressions/$f"
  corpus="$build/fuzz-corpus/$f"
  artifacts="$build/fuzz-artifacts/$f"
  mkdir -p "$corpus" "$artifacts"
  log="$build/fuzz-$f.log"

  echo "== $f: replaying seeds and regressions"
  inputs=("$seeds"/*)
  [ -d "$regressions" ] && inputs+=("$regressions"/*)
  if ! "$bin" -runs=0 "${inputs[@]}" >"$log.replay" 2>&1; then
    echo "!! $f: a seed or saved regression fails:"
    grep -aE "ERROR|invariant|runtime error|Running:" "$log.replay" | tail -20 || true
    failed+=("$f (replay)")
  fi

  echo "== $f: fuzzing for ${seconds} s"
  # New finds go to the first folder ($corpus); seeds and regressions are
  # only read.
  dirs=("$corpus" "$seeds")
  [ -d "$regressions" ] && dirs+=("$regressions")
  if "$bin" "${dirs[@]}" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=4096 \
      -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
    grep -aE "^#[0-9]+ +DONE|^Done [0-9]+ runs" "$log" | tail -2 || true
  else
    echo "!! $f: crash (log: $log; input in $artifacts/):"
    grep -aE "ERROR|invariant|runtime error|SUMMARY|Test unit written" "$log" | head -20 || true
    failed+=("$f")
  fi
  { grep -aE "stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$log" || true; } | tr '\n' ' '
  echo
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "== fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "== fuzz: no crash in $fuzzers (${seconds} s each)"
