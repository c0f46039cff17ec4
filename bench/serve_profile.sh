#!/usr/bin/env bash
# bench/serve_profile.sh: where a request's time goes, bannerd against nginx `return 200`.
# Run `bench/serve_profile.sh --help` for the options; bench/README.md explains the output.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/serve_profile.sh [--duration S] [--out DIR] [--bin-dir DIR] [--build-dir DIR]
                              [--data DIR] [--no-callgrind]

Pinned as in bench/serve.sh (server on CPU 0 with one I/O thread or worker, wrk -t1 on CPU 1,
GET /campaigns/{random id}, keep-alive), for bannerd and nginx `return 200` (same-size body), at
1 and 64 connections and 64 connections pipelined 16 deep:
  - syscalls per request: `strace -c -f` attached to the server (nginx: its worker) for one wrk
    run, divided by the requests wrk counted in it;
  - user and kernel CPU microseconds per request of the server (utime and stime of
    /proc/PID/stat over another run, without strace), and wrk's own (getrusage, /usr/bin/time);
  - bannerd's instructions per request and its top functions (callgrind, instrumentation on
    only while wrk runs, 8 connections), unless --no-callgrind.
CPU times move with whatever else runs on the machine (the load average is printed per row);
syscall and instruction counts barely do. Writes serve_profile.md into the results dir.

Options:
  --duration S     seconds per wrk run (default 5)
  --out DIR        results folder (default bench/results)
  --bin-dir DIR    use bannerc and bannerd from DIR (no build); they may also sit in DIR/bin
  --build-dir DIR  CMake build folder (default build-bench, Release)
  --data DIR       CSV input folder (default ../shared/datasets/datachef/csv, else bannergen output)
  --no-callgrind   skip the callgrind profile
  -h, --help       this text

Exit status: 0 done, 1 a server or a tool failed, 2 usage. Installs wrk, nginx-light, curl,
strace, valgrind and time when missing (tools/install-deps.sh).
EOF
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=5 out="$repo/bench/results" bin_dir="" build_dir="$repo/build-bench" data="" callgrind=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="${2:?--duration needs a value}"; shift ;;
    --out) out="${2:?--out needs a value}"; shift ;;
    --bin-dir) bin_dir="${2:?--bin-dir needs a value}"; shift ;;
    --build-dir) build_dir="${2:?--build-dir needs a value}"; shift ;;
    --data) data="${2:?--data needs a value}"; shift ;;
    --no-callgrind) callgrind=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "serve_profile.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || { echo "serve_profile.sh: --duration is a positive integer" >&2; exit 2; }
pipeline_depth=16

log() { printf '[profile %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'serve_profile.sh: FAILED: %s\n' "$*" >&2; exit 1; }

# shellcheck source=serve_common.sh
. "$repo/bench/serve_common.sh"
install_tools strace:strace valgrind:valgrind /usr/bin/time:time
find_binaries

mkdir -p "$out"
out="$(cd "$out" && pwd)"
make_tmp bench-profile

make_index
write_wrk_script
choose_pinning
start_bannerd 1 "${pin_server[@]}"
bd_pid=$started_pid bd_port=$started_port
measure_body_size "$bd_port"
start_nginx return 1 "${pin_server[@]}"
ng_pid=$started_worker ng_port=$started_port
clk_tck=$(getconf CLK_TCK)

wrk_requests() { grep -o '^ *[0-9]* requests in' <<<"$1" | grep -o '[0-9]*'; }
pinned_wrk() { wrk_pin="$pin_wrk" wrk_threads=1 run_wrk "$@"; }

# syscalls PID PORT CONNECTIONS -> "total/request | top syscalls per request"
syscalls() {
  local s res reqs
  strace -c -f -p "$1" -o "$tmp/strace.txt" 2>/dev/null &
  s=$!
  sleep 0.5
  res=$(pinned_wrk "$2" "$3" "$duration") || die "wrk failed"
  kill -INT "$s"
  wait "$s" 2>/dev/null || true
  reqs=$(wrk_requests "$res")
  awk -v r="$reqs" '$1 ~ /^[0-9.]+$/ && $NF != "total" {
      calls = ($4 ~ /^[0-9]+$/) ? $4 : 0; errs = ($5 ~ /^[0-9]+$/) ? $5 : 0; total += calls
      if (calls / r >= 0.01) list = list sprintf("%s%s %.2f%s", list == "" ? "" : ", ", $NF, calls / r,
                                                 errs / r >= 0.01 ? sprintf(" (%.2f failed)", errs / r) : "") }
    END { printf "%.2f | %s", total / r, list }' "$tmp/strace.txt"
}

# cpu PID PORT CONNECTIONS -> "user µs | kernel µs | wrk µs" per request
cpu() {
  local u0 s0 u1 s1 res reqs wu ws
  read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$1/stat")
  res=$(wrk_pin="/usr/bin/time -f WRKCPU=%U,%S $pin_wrk" wrk_threads=1 run_wrk "$2" "$3" "$duration") || die "wrk failed"
  read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$1/stat")
  reqs=$(wrk_requests "$res")
  IFS=, read -r wu ws < <(grep -o 'WRKCPU=.*' <<<"$res" | cut -d= -f2)
  awk -v r="$reqs" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v t="$clk_tck" -v wu="$wu" -v ws="$ws" \
    'BEGIN { printf "%.0f | %.2f | %.2f | %.2f", r / '"$duration"', u / t * 1e6 / r, s / t * 1e6 / r, (wu + ws) * 1e6 / r }'
}

rows=()
for run in "1 1" "64 1" "64 $pipeline_depth"; do
  read -r c depth <<<"$run"
  for s in bannerd nginx; do
    if [ "$s" = bannerd ]; then p=$bd_pid port=$bd_port; else p=$ng_pid port=$ng_port; fi
    log "$s: $c connection(s), $depth per write"
    sc=$(WRK_PIPELINE=$depth syscalls "$p" "$port" "$c")
    load=$(cut -d' ' -f1 /proc/loadavg)
    cp=$(WRK_PIPELINE=$depth cpu "$p" "$port" "$c")
    rows+=("| $s | $c | $depth | $cp | ${sc%% |*} | ${sc#*| } | $load |")
  done
done

ir_line="" top=""
if [ "$callgrind" = 1 ]; then
  log "callgrind: bannerd, 8 connections, ${duration}s"
  valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind.out" --instr-atstart=no \
    "$BANNERD" --index "$index" --listen 127.0.0.1:0 --threads 1 --quarter 1 --no-watch 2>"$tmp/callgrind.log" &
  vg=$!
  pids+=("$vg")
  cg_port=""
  for _ in $(seq 200); do
    cg_port=$(grep -o 'event=start .* port=[0-9]*' "$tmp/callgrind.log" | grep -o 'port=[0-9]*$' | cut -d= -f2 || true)
    [ -n "$cg_port" ] && break
    sleep 0.1
  done
  [ -n "$cg_port" ] && wait_http "http://127.0.0.1:$cg_port/healthz" "$vg" || die "bannerd under callgrind did not start"
  run_wrk "$cg_port" 8 1 >/dev/null
  callgrind_control --instr=on "$vg" >/dev/null
  res=$(wrk_threads=1 run_wrk "$cg_port" 8 "$duration")
  callgrind_control --instr=off "$vg" >/dev/null
  kill -TERM "$vg"
  wait "$vg" 2>/dev/null || true
  reqs=$(wrk_requests "$res")
  total=$(callgrind_annotate "$tmp/callgrind.out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
  ir_line="bannerd under callgrind (8 connections, $reqs requests): **$((total / reqs)) instructions per request**."
  # "12,345 ( 1.23%)  file:function [object]" -> per function (inlined code is listed under
  # several files): "instructions/request  function"
  top=$(callgrind_annotate --threshold=90 "$tmp/callgrind.out" 2>/dev/null |
    awk -v r="$reqs" '/^ *[0-9,]+ \( *[0-9.]+%\)  / && !/PROGRAM TOTALS/ {
        ir = $1; gsub(",", "", ir); sub(/^ *[0-9,]+ \( *[0-9.]+%\)  [^:]*:/, ""); sub(/ \[[^]]*\]$/, "")
        cost[$0] += ir }
      END { for (f in cost) printf "%8.0f  %s\n", cost[f] / r, substr(f, 1, 120) }' | sort -rn | awk 'NR <= 25')
fi

{
  echo "# Where a request's time goes ($(date -u +'%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Server on CPU 0 (bannerd --threads 1, nginx \`return 200\` worker_processes 1), wrk -t1 on CPU 1,"
  echo "GET /campaigns/{random id}, keep-alive, ${duration}s per run, $body_size-byte bodies. Syscalls: strace -c"
  echo "over one run; CPU: /proc/PID/stat over another run (tick-sampled, ±10%); wrk: its getrusage."
  echo
  echo "| server | connections | requests per write | requests/s | user µs/req | kernel µs/req | wrk µs/req | syscalls/req | syscalls per request | load |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"
  printf '%s\n' "${rows[@]}"
  if [ -n "$ir_line" ]; then
    echo
    echo "$ir_line Self cost per request of the top functions:"
    echo
    echo '```'
    echo "$top"
    echo '```'
  fi
} >"$out/serve_profile.md"
cat "$out/serve_profile.md"
