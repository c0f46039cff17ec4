#!/usr/bin/env bash
# The pages in a real browser: Debian's chromium, headless, driven by
# pages_test.mjs through puppeteer-core (installed here into a cache folder,
# as bench/compile.sh installs DuckDB). Run by ctest (tests/browser) and so
# by CI.
#
#   tests/browser/run.sh --bin-dir build/bin --out build/tests/browser/out [--docs docs/why-page.png]
#
# Exit status: 0 every check passed; 1 a check failed or the test could not
# run; 77 (ctest's skip) only when Chromium (or Node.js) is not installed and
# cannot be installed here — never under CI=true, where that is a failure.
set -euo pipefail

PUPPETEER_PKG="puppeteer-core@24.43.1"  # the last major that runs on Debian's Node.js 18 as well as 20
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="" out="" docs="" cache="${BROWSER_TEST_CACHE:-$repo/tests/browser/.cache}"
while [ $# -gt 0 ]; do
  case "$1" in
    --bin-dir) bin_dir="${2:?--bin-dir needs a value}"; shift ;;
    --out) out="${2:?--out needs a value}"; shift ;;
    --docs) docs="${2:?--docs needs a value}"; shift ;;
    --cache) cache="${2:?--cache needs a value}"; shift ;;
    *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$bin_dir" ] && [ -n "$out" ] || { echo "run.sh: --bin-dir and --out are required" >&2; exit 2; }

chromium=/usr/bin/chromium
# Debian's packages, when missing (bounded: a stalled mirror must not hang the suite).
want=()
[ -x "$chromium" ] || want+=(chromium)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || want+=(nodejs npm)
if [ ${#want[@]} -gt 0 ]; then
  echo "installing ${want[*]} with tools/install-deps.sh" >&2
  timeout 900 "$repo/tools/install-deps.sh" "${want[@]}" </dev/null >&2 || true
fi
if [ ! -x "$chromium" ] || ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "${CI:-}" = true ]; then
    echo "FAILED: CI must run the browser test, but $chromium, node or npm is missing" >&2
    exit 1
  fi
  echo "SKIPPED: the browser test needs $chromium, node and npm, and they could not be installed" \
       "(run tools/install-deps.sh chromium nodejs npm as root, then rerun)" >&2
  exit 77
fi

# puppeteer-core, installed once into the cache; a lock keeps two test runs
# (a normal and a sanitizer build) from installing into it at the same time.
mkdir -p "$cache"
npm_dir="$cache/npm"
want_version="${PUPPETEER_PKG##*@}"
(
  flock 9
  have=$(node -e "console.log(require(process.argv[1]).version)" "$npm_dir/node_modules/puppeteer-core/package.json" \
           2>/dev/null || true)
  if [ "$have" != "$want_version" ]; then
    echo "installing $PUPPETEER_PKG into $npm_dir" >&2
    if ! timeout 600 npm install --prefix "$npm_dir" --no-audit --no-fund --no-save --loglevel=error \
           "$PUPPETEER_PKG" >"$cache/npm-install.log" 2>&1; then
      echo "FAILED: npm install $PUPPETEER_PKG: $(tail -5 "$cache/npm-install.log" | tr '\n' ' ')" >&2
      exit 1
    fi
  fi
) 9>"$cache/.lock"

mkdir -p "$out"
args=(--bannerc "$bin_dir/bannerc" --bannerd "$bin_dir/bannerd" --chromium "$chromium"
      --puppeteer "$npm_dir" --sample "$repo/data/sample/csv" --out "$out")
dataset="$repo/../shared/datasets/datachef"
[ -d "$dataset/csv" ] && args+=(--dataset "$dataset")
[ -n "$docs" ] && args+=(--docs "$docs")
exec timeout 300 node "$repo/tests/browser/pages_test.mjs" "${args[@]}"
