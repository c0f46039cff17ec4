#!/usr/bin/env bash
# bench/scale.sh: what grows with the data — index size, compile time and memory, verify, copy
# and rollout times — at a few sizes of generated data, for docs/scale.md. `--help` for options.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/scale.sh [--smoke] [--campaigns LIST] [--out DIR] [--bin-dir DIR] [--build-dir DIR]

For each number of campaigns per quarter in LIST (default 1000,10000,100000; bannergen --campaigns,
with the smallest --size-mb, so the data is what bannergen needs for that many campaigns):
  - bannergen writes the CSVs; their bytes and distinct click + conversion ids (rows kept, from
    the index's provenance) are counted;
  - bannerc build --threads 2: seconds and peak RSS (/usr/bin/time; it counts the mapped input
    pages too, so it is an upper bound of the memory the ids take), index bytes, lists (campaign x
    quarter) and bytes per list;
  - bannerc inspect (the whole file read and verified against its checksum): seconds, MB/s;
  - cp to a new file, and rsync through tests/fleet/local-rsh (the remote path of tools/rollout,
    over a pipe, no network): seconds, MB/s;
  - bannerd --threads 1 started on it: seconds to /healthz and RSS (its private copy of the index);
    then tools/rollout of a second index of the same size to that node: the rollout's seconds (copy,
    verify, flip, wait for /metrics) and bannerd's peak RSS (two indexes during the swap).
Writes scale_results.md and scale.tsv into the results folder.

Options:
  --smoke           CI mode: campaigns 100,1000; results in bench/.cache/smoke-results unless --out
  --campaigns LIST  comma-separated campaigns per quarter
  --out DIR         results folder (default bench/results)
  --bin-dir DIR     use bannerc, bannerd, bannergen from DIR (no build); also DIR/bin
  --build-dir DIR   CMake build folder (default build-bench, Release)
  -h, --help        this text

Exit status: 0 done, 1 a tool failed, 2 usage. Needs curl, rsync, python3 (tools/install-deps.sh).
EOF
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
smoke=0 campaigns="" out="" bin_dir="" build_dir="$repo/build-bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --campaigns) campaigns="${2:?--campaigns needs a value}"; shift ;;
    --out) out="${2:?--out needs a value}"; shift ;;
    --bin-dir) bin_dir="${2:?--bin-dir needs a value}"; shift ;;
    --build-dir) build_dir="${2:?--build-dir needs a value}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "scale.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$smoke" = 1 ]; then
  : "${campaigns:=100,1000}" "${out:=$repo/bench/.cache/smoke-results}"
else
  : "${campaigns:=1000,10000,100000}" "${out:=$repo/bench/results}"
fi
[[ "$campaigns" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "scale.sh: --campaigns is a list like 1000,10000" >&2; exit 2; }

"$repo/tools/install-deps.sh" curl rsync python3
FLEET_NAME=scale
# serve_common.sh for find_binaries and make_index (the same binaries and index as bench/serve.sh);
# lib.sh after it, so that lib.sh's wait_http (200 only) is the one in force.
# shellcheck source=bench/serve_common.sh
. "$repo/bench/serve_common.sh"
# shellcheck source=tests/fleet/lib.sh
source "$repo/tests/fleet/lib.sh"
find_binaries
[ -n "$BANNERGEN" ] || die "no bannergen in $bin_dir"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
mb_per_s() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? b / 1e6 / s : 0) }'; }
rss_kb() { awk -v f="$2" '$1 == f ":" { print $2 }' "/proc/$1/status"; }

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'campaigns\tcsv_bytes\tdistinct_ids\tbuild_s\tbuild_cpu_s\tbuild_peak_rss_kb\tindex_bytes\tlists\tbytes_per_list\tverify_s\tcp_s\trsync_s\tbannerd_start_s\tbannerd_rss_kb\trollout_s\tbannerd_peak_rss_kb\n' \
  >"$out/scale.tsv"
i=0
for c in ${campaigns//,/ }; do
  i=$((i + 1))
  d="$FLEET_TMP/c$c"
  log "$c campaigns per quarter: generating"
  "$BANNERGEN" --out "$d" --campaigns "$c" --size-mb 0.001 >/dev/null
  csv_bytes=$(du -sb "$d/csv" | cut -f1)
  log "  $csv_bytes bytes of CSV: compiling"
  /usr/bin/time -f '%e %U %S %M' -o "$d/time.txt" "$BANNERC" build "$d/csv" -o "$d/a.idx" --threads 2 -q 2>/dev/null
  read -r build_s build_user build_sys build_rss <"$d/time.txt"
  build_cpu=$(awk -v u="$build_user" -v s="$build_sys" 'BEGIN { print u + s }')
  "$BANNERC" build "$d/csv" -o "$d/b.idx" --threads 2 --seed 2 -q 2>/dev/null  # the same size, another checksum
  index_bytes=$(stat -c %s "$d/a.idx")
  # Lists from the header's per-quarter counts; ids from the provenance (no list printed).
  lists=$("$BANNERC" inspect "$d/a.idx" --campaign 0 --quarter 1 | awk '/^quarter [1-4]: / { s += $3 } END { print s }')
  ids=$("$BANNERC" inspect "$d/a.idx" --json --campaign 0 --quarter 1 | python3 -c '
import json, sys
print(sum(i["rows_kept"] for i in json.load(sys.stdin)["inputs"] if i["kind"] in ("clicks", "conversions")))')
  start=$(now); checksum_of "$d/a.idx" >/dev/null; verify_s=$(since "$start")
  start=$(now); cp "$d/a.idx" "$d/copy.idx"; cp_s=$(since "$start")
  start=$(now); rsync -e "$REPO/tests/fleet/local-rsh" --quiet "$d/a.idx" "localhost:$d/rsync.idx"; rsync_s=$(since "$start")
  rm -f "$d/copy.idx" "$d/rsync.idx"

  # One node on a.idx (placed by tools/rollout, a first install), then b.idx rolled out to it.
  node_port[i]=$(free_port)
  node="$(node_dir "$i")=$(node_url "$i")"
  "$REPO/tools/rollout" -q --bannerc "$BANNERC" "$d/a.idx" "$node"
  start=$(now); start_node "$i"; start_s=$(since "$start")
  start_rss=$(rss_kb "${node_pid[i]}" VmRSS)
  start=$(now)
  "$REPO/tools/rollout" -q --bannerc "$BANNERC" --timeout 120 "$d/b.idx" "$node" || die "the rollout of $c campaigns failed"
  rollout_s=$(since "$start")
  peak_rss=$(rss_kb "${node_pid[i]}" VmHWM)
  stop_node "$i" INT
  rm -rf "$(node_dir "$i")" "$d/csv"

  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$csv_bytes" "$ids" "$build_s" "$build_cpu" "$build_rss" \
    "$index_bytes" "$lists" "$(awk -v b="$index_bytes" -v l="$lists" 'BEGIN { print b / l }')" "$verify_s" "$cp_s" \
    "$rsync_s" "$start_s" "$start_rss" "$rollout_s" "$peak_rss" >>"$out/scale.tsv"
  log "  $(tail -1 "$out/scale.tsv")"
  rm -f "$d"/*.idx
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# What grows with the data ($(date -u +'%Y-%m-%d %H:%M UTC'))"
  echo
  echo "bannergen --campaigns N (per quarter, 4 quarters) with the least data it makes for them; bannerc build"
  echo "--threads 2; bannerd --threads 1. Load average $load_start at start, $load_end at end, $(nproc) cores."
  echo "Every file is in the page cache: the copy and verify speeds are memory and CPU speeds, not disk or"
  echo "network ones. Peak RSS of the build counts the mapped input pages as well as the tables. Build CPU"
  echo "is user + system time (both threads), which moves less with other load than the seconds."
  echo
  echo "| campaigns/quarter | CSV MB | distinct ids | build s | build CPU s | CPU µs/id | build peak RSS MB | RSS bytes/id | index MB | lists | bytes/list |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' 'NR > 1 { printf "| %d | %.1f | %d | %.2f | %.2f | %.2f | %.0f | %.0f | %.2f | %d | %d |\n",
    $1, $2 / 1e6, $3, $4, $5, $5 * 1e6 / $3, $6 / 1024, $6 * 1024 / $3, $7 / 1e6, $8, $9 }' "$out/scale.tsv"
  echo
  echo "| campaigns/quarter | index MB | verify s (MB/s) | cp s (MB/s) | rsync s (MB/s) | bannerd start s | bannerd RSS MB | rollout to 1 node s | bannerd peak RSS MB |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  while IFS=$'\t' read -r c _ _ _ _ _ ib _ _ vs cs rs ss sr ro pr; do
    printf '| %s | %.2f | %s (%s) | %s (%s) | %s (%s) | %s | %.0f | %s | %.0f |\n' "$c" "$(awk -v b="$ib" 'BEGIN { print b / 1e6 }')" \
      "$vs" "$(mb_per_s "$ib" "$vs")" "$cs" "$(mb_per_s "$ib" "$cs")" "$rs" "$(mb_per_s "$ib" "$rs")" "$ss" \
      "$(awk -v k="$sr" 'BEGIN { print k / 1024 }')" "$ro" "$(awk -v k="$pr" 'BEGIN { print k / 1024 }')"
  done < <(tail -n +2 "$out/scale.tsv")
  echo
  echo "Per size: scale.tsv. docs/scale.md reads these figures."
} >"$out/scale_results.md"
echo
cat "$out/scale_results.md"
