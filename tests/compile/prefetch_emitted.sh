#!/usr/bin/env bash
# The merge loop's prefetches must be in the compiled code: GCC once removed
# every one of them without a warning (see core/compile/prefetch.h), and no
# result changes when they are gone, only the speed. Disassembles
# banner::MergeChunk in LIBRARY and fails unless it holds a prefetch for each
# kind of row (impressions, clicks: two tables, conversions: two).
# Usage: prefetch_emitted.sh LIBRARY   (exit 77, skipped, off x86-64)
set -euo pipefail
library=$1
case "$(uname -m)" in x86_64) ;; *) echo "SKIPPED: prefetch check is for x86-64"; exit 77 ;; esac
command -v objdump >/dev/null || { echo "SKIPPED: objdump (binutils) not installed"; exit 77; }
count=$(objdump -d --no-show-raw-insn -C "$library" |
        awk '/^[0-9a-f]+ <banner::MergeChunk\(/ {inside=1; next} /^[0-9a-f]+ </ {inside=0} inside && /prefetcht0/ {n++} END {print n+0}')
echo "prefetch instructions in banner::MergeChunk: $count"
if [ "$count" -lt 5 ]; then
  echo "FAIL: expected at least 5 (impressions 1, clicks 2, conversions 2); the compiler dropped them" >&2
  exit 1
fi
