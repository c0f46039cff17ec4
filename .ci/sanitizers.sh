#!/usr/bin/env bash
# CI: the test suite under sanitizers.
#  1. ASan + UBSan (any error aborts): the whole project, every ctest test.
#  2. ThreadSanitizer: the concurrency and hot-swap tests (ctest label
#     "concurrency"): tests/server's hot swap under load, corrupt replacements,
#     deleted index, Reload(), many connections, SIGHUP/SIGTERM, and the
#     reliability soak and hostile-client tests, whose bannerd is built with
#     TSan too (a report in its log fails the test), and bannerc watch
#     rebuilding under load (tests/operate).
# Build folders: build-asan and build-tsan (BUILD_DIR_ASAN / BUILD_DIR_TSAN).
# SANITIZERS=address or =thread runs only one of the two.
set -euo pipefail
cd "$(dirname "$0")/.."

which=${SANITIZERS:-address thread}
# Reports go to stderr and fail the process: ctest shows them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

# The concurrency and hot-swap tests carry the ctest label "concurrency"
# (doctest TEST_SUITE("concurrency") with ADD_LABELS): tests/server's hot swap,
# corrupt replacement, deleted index, Reload(), many connections, SIGHUP and
# SIGTERM, and the reliability soak and hostile-client tests.
tsan_ctest_args=${TSAN_CTEST_ARGS:--L concurrency}

for s in $which; do
  case $s in
    address)
      echo "== ASan + UBSan: every test"
      BUILD_DIR=${BUILD_DIR_ASAN:-build-asan} tools/test.sh -DBANNER_SANITIZE=address
      ;;
    thread)
      echo "== TSan: concurrency and hot-swap tests"
      BUILD_DIR=${BUILD_DIR_TSAN:-build-tsan} CTEST_ARGS="$tsan_ctest_args" tools/test.sh -DBANNER_SANITIZE=thread
      ;;
    *)
      echo "unknown sanitizer '$s' (address or thread)" >&2
      exit 2
      ;;
  esac
done
echo "== sanitizers: all passed"
