#!/usr/bin/env bash
# bench/serve.sh: bannerd per core against nginx's fastest path (SPEC section 6).
# Run `bench/serve.sh --help` for the options; bench/README.md explains the output.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/serve.sh [--smoke] [--duration S] [--rounds N] [--out DIR] [--bin-dir DIR]
                      [--build-dir DIR] [--data DIR]

Measures bannerd (GET /campaigns/{random id}, --quarter 1, keep-alive) against two nginx peers
answering every path with a body of the same byte size: `return 200 "<body>"` from memory (its
fastest path, the SPEC 6 peer) and a static file (open, stat and sendfile per request). All on
127.0.0.1, driven by wrk, alternating servers run by run:
  1. pinned, the headline: each server with one I/O thread (bannerd --threads 1, nginx
     worker_processes 1) under `taskset -c 0`, `wrk -t1` under `taskset -c 1`; --rounds rounds
     of a sweep over 1, 8, 64 and 256 connections: requests/s and p50/p99/p99.9 latency;
  2. pipelined, pinned: 64 connections, 16 requests per write (wrk Lua pipeline), --rounds rounds;
     then bannerd with --events-dir (every page view an impression written to a temp folder)
     against bannerd without, pinned, keep-alive and pipelined, --rounds alternating rounds;
  3. connection per request (Connection: close), pinned, 64 connections, one run each;
  4. unpinned: bannerd --threads 2, nginx worker_processes 2 and wrk -t2 sharing both cores,
     one sweep over the same connection counts.
The ratio bannerd/nginx is the median over rounds of the per-round ratios; the SPEC 6 targets
(pinned: >= 1.5x nginx `return 200`, p99 no higher than its at every connection count) are
checked and printed. Needs 2 CPUs and taskset for the pinned runs (else they run unpinned).
Writes serve_results.md, serve_rounds.tsv, serve_sweep.tsv, serve_sweep.png and wrk.log into the
results dir.

Options:
  --smoke          CI mode: 1 round of 2 s, sweeps over 1 and 64 connections;
                   results go to bench/.cache/smoke-results unless --out is given
  --duration S     seconds per wrk run (default 10)
  --rounds N       rounds of the pinned sweep and the pipelined run (default 3)
  --out DIR        results folder (default bench/results)
  --bin-dir DIR    use bannerc and bannerd from DIR (no build); they may also sit in DIR/bin
  --build-dir DIR  CMake build folder (default build-bench, Release)
  --data DIR       CSV input folder (default ../shared/datasets/datachef/csv, else bannergen output)
  -h, --help       this text

Exit status: 0 done (whatever the figures), 1 a server failed to start or a tool failed, 2 usage.
It installs wrk, nginx-light, gnuplot-nox and curl when missing (tools/install-deps.sh).
EOF
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
smoke=0 duration="" rounds="" out="" bin_dir="" build_dir="$repo/build-bench" data=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --duration) duration="${2:?--duration needs a value}"; shift ;;
    --rounds) rounds="${2:?--rounds needs a value}"; shift ;;
    --out) out="${2:?--out needs a value}"; shift ;;
    --bin-dir) bin_dir="${2:?--bin-dir needs a value}"; shift ;;
    --build-dir) build_dir="${2:?--build-dir needs a value}"; shift ;;
    --data) data="${2:?--data needs a value}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "serve.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$smoke" = 1 ]; then
  : "${duration:=2}" "${rounds:=1}" "${out:=$repo/bench/.cache/smoke-results}"
  sweep_conns=(1 64)
else
  : "${duration:=10}" "${rounds:=3}" "${out:=$repo/bench/results}"
  sweep_conns=(1 8 64 256)
fi
for v in "$duration" "$rounds"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "serve.sh: durations and rounds are positive integers" >&2; exit 2; }
done
headline_conns=64 pipeline_depth=16

log() { printf '[serve %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'serve.sh: FAILED: %s\n' "$*" >&2; exit 1; }

# shellcheck source=serve_common.sh
. "$repo/bench/serve_common.sh"
install_tools gnuplot:gnuplot-nox
find_binaries

mkdir -p "$out"
out="$(cd "$out" && pwd)"
make_tmp bench-serve

make_index
write_wrk_script

# --- servers: one set pinned to CPU 0, one set unpinned ----------------------------------------
choose_pinning
if [ -z "$pin_wrk" ]; then log "WARNING: fewer than 2 CPUs or no taskset: the pinned runs run unpinned"; fi
servers=(bannerd nginx nginx-static)
declare -A port
start_bannerd 1 "${pin_server[@]}"
port[pinned/bannerd]=$started_port
measure_body_size "$started_port"
log "bannerd /campaigns/{id} body: median $body_size bytes (range $size_range)"
start_nginx return 1 "${pin_server[@]}"
port[pinned/nginx]=$started_port
start_nginx static 1 "${pin_server[@]}"
port[pinned/nginx-static]=$started_port
bannerd_args=(--events-dir "$tmp/events")
start_bannerd 1 "${pin_server[@]}"
port[pinned/bannerd-events]=$started_port
bannerd_args=()
start_bannerd 2
port[unpinned/bannerd]=$started_port
bd_pid=$started_pid
start_nginx return 2
port[unpinned/nginx]=$started_port
start_nginx static 2
port[unpinned/nginx-static]=$started_port

# --- runs ------------------------------------------------------------------------------------
field() { grep -o " $1=[^ ]*" <<<"$2" | cut -d= -f2; }
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
median() { sort -g | awk '{a[NR]=$1} END { if (NR == 0) exit; if (NR % 2) print a[(NR+1)/2]; else printf "%.6g\n", (a[NR/2] + a[NR/2+1]) / 2 }'; }

: >"$out/wrk.log"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average at start: $load_start (nproc $(nproc))"
printf 'mode\tround\tserver\tconnections\trps\tp50_ms\tp99_ms\tp999_ms\tmax_ms\tnon2xx\tsocket_errors\tload\n' \
  >"$out/serve_rounds.tsv"

# measure MODE ROUND SERVER CONNECTIONS: one wrk run against SERVER of MODE's set (pinned modes:
# pinned, pipelined, close), recorded. A failure inside the command substitution must stop the
# script, hence the explicit exits.
measure() {
  local mode=$1 round=$2 server=$3 c=$4 set=pinned res line p load
  [ "$mode" = unpinned ] && set=unpinned
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || die "a server died (pid $p; logs: $tmp)"; done
  load=$(cut -d' ' -f1 /proc/loadavg)
  if [ "$set" = pinned ]; then
    res=$(wrk_pin="$pin_wrk" wrk_threads=1 run_wrk "${port[$set/$server]}" "$c" "$duration") || {
      printf '%s\n' "$res" >&2; die "wrk against $server failed"; }
  else
    res=$(run_wrk "${port[$set/$server]}" "$c" "$duration") || { printf '%s\n' "$res" >&2; die "wrk against $server failed"; }
  fi
  { echo "=== $(date -u +%H:%M:%S) $mode round $round $server c=$c d=${duration}s" \
      "${WRK_PIPELINE:+pipeline=$WRK_PIPELINE} ${wrk_header:+header=\"$wrk_header\"} load=$(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%s\n' "$res"; } >>"$out/wrk.log"
  if grep -q 'Non-2xx' <<<"$res"; then log "WARNING: $server: $(grep 'Non-2xx' <<<"$res" | xargs)"; fi
  if grep -q 'Socket errors' <<<"$res"; then log "WARNING: $server: $(grep 'Socket errors' <<<"$res" | xargs)"; fi
  line=$(grep '^BENCH ' <<<"$res") || die "no result line from wrk against $server"
  printf '%s\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$round" "$server" "$c" "$(field rps "$line")" \
    "$(ms "$(field p50_us "$line")")" "$(ms "$(field p99_us "$line")")" "$(ms "$(field p999_us "$line")")" \
    "$(ms "$(field max_us "$line")")" "$(field err_status "$line")" \
    "$(( $(field err_connect "$line") + $(field err_read "$line") + $(field err_write "$line") + $(field err_timeout "$line") ))" \
    "$load" >>"$out/serve_rounds.tsv"
  printf '  %-9s %-12s c=%-3s %9.0f req/s  p50 %s ms  p99 %s ms  p99.9 %s ms  load %s\n' "$mode" "$server" "$c" \
    "$(field rps "$line")" "$(ms "$(field p50_us "$line")")" "$(ms "$(field p99_us "$line")")" \
    "$(ms "$(field p999_us "$line")")" "$load" >&2
}

# Warm-up (not recorded): TCP, page cache, each server's first requests.
for key in "${!port[@]}"; do
  if [[ $key == pinned/* ]]; then
    wrk_pin="$pin_wrk" wrk_threads=1 run_wrk "${port[$key]}" "$headline_conns" 1 >/dev/null || die "warm-up of $key failed"
  else
    run_wrk "${port[$key]}" "$headline_conns" 1 >/dev/null || die "warm-up of $key failed"
  fi
done

log "pinned: $rounds round(s) of a sweep over ${sweep_conns[*]} connections, ${duration}s per run"
for r in $(seq "$rounds"); do
  for c in "${sweep_conns[@]}"; do
    for s in "${servers[@]}"; do measure pinned "$r" "$s" "$c"; done
  done
done
log "pipelined ($pipeline_depth per write), pinned: $rounds round(s), $headline_conns connections"
for r in $(seq "$rounds"); do
  for s in "${servers[@]}"; do WRK_PIPELINE=$pipeline_depth measure pipelined "$r" "$s" "$headline_conns"; done
done
log "events on against off, pinned: $rounds round(s), $headline_conns connections, keep-alive and pipelined"
for r in $(seq "$rounds"); do
  for s in bannerd bannerd-events; do measure events "$r" "$s" "$headline_conns"; done
  for s in bannerd bannerd-events; do WRK_PIPELINE=$pipeline_depth measure events-pipelined "$r" "$s" "$headline_conns"; done
done
events_metrics=$(curl -s "http://127.0.0.1:${port[pinned/bannerd-events]}/metrics")
events_recorded=$(awk '/^banner_events_recorded_total/ { s += $2 } END { print s + 0 }' <<<"$events_metrics")
events_dropped=$(awk '/^banner_events_dropped_total/ { s += $2 } END { print s + 0 }' <<<"$events_metrics")
log "connection per request (Connection: close), pinned, $headline_conns connections"
for s in "${servers[@]}"; do wrk_header="Connection: close" measure close 1 "$s" "$headline_conns"; done
log "unpinned (2 server threads, wrk -t2, both cores): a sweep over ${sweep_conns[*]} connections"
for c in "${sweep_conns[@]}"; do
  for s in "${servers[@]}"; do measure unpinned 1 "$s" "$c"; done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
bd_rss=$(awk '/VmHWM/ {print $2 " " $3}' "/proc/$bd_pid/status" 2>/dev/null || echo "?")

# --- summary ---------------------------------------------------------------------------------
col() {  # mode server connections column -> one value per round
  awk -F'\t' -v m="$1" -v s="$2" -v n="$3" -v c="$4" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
    $1 == m && $3 == s && $4 == n { print $k }' "$out/serve_rounds.tsv"
}
med() { col "$@" | median; }
sumcol() { col "$@" | awk '{s += $1} END {print s + 0}'; }
ratio() {  # mode connections [peer]: median over rounds of bannerd rps / peer rps of the same round
  paste <(col "$1" bannerd "$2" rps) <(col "$1" "${3:-nginx}" "$2" rps) | awk '{printf "%.4f\n", $1 / $2}' |
    median | xargs printf '%.2f'
}
printf 'mode\tconnections\tbannerd_rps\tnginx_rps\tstatic_rps\tbannerd_p99_ms\tnginx_p99_ms\tstatic_p99_ms\n' \
  >"$out/serve_sweep.tsv"
for m in pinned unpinned; do
  for c in "${sweep_conns[@]}"; do
    printf '%s\t%s\t%.0f\t%.0f\t%.0f\t%s\t%s\t%s\n' "$m" "$c" "$(med "$m" bannerd "$c" rps)" "$(med "$m" nginx "$c" rps)" \
      "$(med "$m" nginx-static "$c" rps)" "$(med "$m" bannerd "$c" p99_ms)" "$(med "$m" nginx "$c" p99_ms)" \
      "$(med "$m" nginx-static "$c" p99_ms)"
  done
done >>"$out/serve_sweep.tsv"

sweep_table() {  # mode -> markdown rows with the per-connection-count verdict
  local m=$1 c r p99_ok
  for c in "${sweep_conns[@]}"; do
    r=$(ratio "$m" "$c")
    p99_ok=$(awk -v b="$(med "$m" bannerd "$c" p99_ms)" -v n="$(med "$m" nginx "$c" p99_ms)" 'BEGIN { print (b <= n ? "yes" : "no") }')
    printf '| %s | %.0f | %.0f | **%s** | %.0f | %s | %s | %s | %s |\n' "$c" "$(med "$m" bannerd "$c" rps)" \
      "$(med "$m" nginx "$c" rps)" "$r" "$(med "$m" nginx-static "$c" rps)" "$(med "$m" bannerd "$c" p99_ms)" \
      "$(med "$m" nginx "$c" p99_ms)" "$(med "$m" nginx-static "$c" p99_ms)" "$p99_ok"
  done
}
# lat MODE SERVER CONNECTIONS FIELD: a latency median, or n/a for a pipelined run, whose wrk
# percentiles are wrong (p99 comes back as 0 ms; bench/README.md, "serve.sh", says why).
lat() { case $1 in *pipelined) echo "n/a" ;; *) med "$@" ;; esac; }
one_row() {  # mode connections -> markdown row per server
  local s
  for s in "${servers[@]}"; do
    printf '| %s | %.0f | %s | %s | %s | %s | %s |\n' "$s" "$(med "$1" "$s" "$2" rps)" "$(lat "$1" "$s" "$2" p50_ms)" \
      "$(lat "$1" "$s" "$2" p99_ms)" "$(lat "$1" "$s" "$2" p999_ms)" "$(sumcol "$1" "$s" "$2" non2xx)" \
      "$(sumcol "$1" "$s" "$2" socket_errors)"
  done
}
events_cost() {  # mode -> the median over rounds of 1 - events-on rps / events-off rps, in %
  paste <(col "$1" bannerd "$headline_conns" rps) <(col "$1" bannerd-events "$headline_conns" rps) |
    awk '{printf "%.4f\n", 100 * (1 - $2 / $1)}' | median | xargs printf '%.1f'
}
events_rows() {
  local m label
  for m in events events-pipelined; do
    label="keep-alive"; [ "$m" = events-pipelined ] && label="pipelined $pipeline_depth"
    printf '| %s | %.0f | %.0f | %s %% | %s | %s |\n' "$label" "$(med "$m" bannerd "$headline_conns" rps)" \
      "$(med "$m" bannerd-events "$headline_conns" rps)" "$(events_cost "$m")" \
      "$(lat "$m" bannerd "$headline_conns" p99_ms)" "$(lat "$m" bannerd-events "$headline_conns" p99_ms)"
  done
}
head_ratio=$(ratio pinned "$headline_conns")
static_ratio=$(ratio pinned "$headline_conns" nginx-static)
rps_ok=1 p99_ok=1
for c in "${sweep_conns[@]}"; do
  awk -v r="$(ratio pinned "$c")" 'BEGIN { exit !(r >= 1.5) }' || rps_ok=0
  awk -v b="$(med pinned bannerd "$c" p99_ms)" -v n="$(med pinned nginx "$c" p99_ms)" 'BEGIN { exit !(b <= n) }' || p99_ok=0
done
verdict() { [ "$1" = 1 ] && echo "met" || echo "NOT met"; }
errors=$(awk -F'\t' '$3 ~ /^bannerd/ { s += $10 + $11 } END { print s + 0 }' "$out/serve_rounds.tsv")
{
  echo "# bannerd per core vs nginx ($(date -u +'%Y-%m-%d %H:%M UTC'))"
  echo
  echo "**Per core: bannerd serves $head_ratio× the requests/s of nginx \`return 200\`** (pinned, $headline_conns"
  echo "connections, median over $rounds round(s); $static_ratio× nginx serving a static file)."
  echo "SPEC 6 target, pinned, at ${sweep_conns[*]} connections: requests/s >= 1.5× nginx \`return 200\` ($(verdict $rps_ok)),"
  echo "p99 no higher than nginx's ($(verdict $p99_ok))."
  echo
  echo "GET /campaigns/{random id of $n_ids}, keep-alive, ${duration}s per run, servers alternating run by run. Peers:"
  echo "nginx answering every path with $body_size bytes (bannerd's median body, range $size_range), from memory"
  echo "(\`return 200\`, nginx) or from a file (nginx-static). Input: ${data#"$repo/"}. Load average: $load_start"
  echo "at start, $load_end at end, $(nproc) cores (each row of serve_rounds.tsv has the load when it ran)."
  echo "Medians over rounds; non-2xx and socket errors of bannerd, all runs: $errors. bannerd (2 threads) peak RSS: $bd_rss."
  echo
  echo "## Pinned: one server thread on CPU 0, wrk -t1 on CPU 1 ($rounds round(s))"
  echo
  echo "| connections | bannerd req/s | nginx req/s | ratio | nginx-static req/s | bannerd p99 ms | nginx p99 ms | nginx-static p99 ms | p99 <= nginx |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  sweep_table pinned
  echo
  echo "## Pipelined, pinned: $pipeline_depth requests per write, $headline_conns connections ($rounds round(s))"
  echo
  echo "Without the per-request syscalls, this shows the user-space cost of a request. Ratio"
  echo "bannerd/nginx: **$(ratio pipelined "$headline_conns")**. Latency: n/a, wrk's percentiles are wrong for"
  echo "pipelined runs (its coordinated-omission correction adds samples below the recorded minimum;"
  echo "serve_rounds.tsv keeps what wrk printed)."
  echo
  echo "| server | requests/s | p50 ms | p99 ms | p99.9 ms | non-2xx | socket errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  one_row pipelined "$headline_conns"
  echo
  echo "## Events on, pinned: bannerd --events-dir against bannerd without ($rounds alternating round(s))"
  echo
  echo "Every page view records an impression (server/event_log.h) into a folder under /tmp; the"
  echo "writer thread shares CPU 0 with the I/O thread. Cost: the median over rounds of the drop in"
  echo "requests/s (target: within 10 %). Events recorded over the whole run: $events_recorded,"
  echo "dropped: $events_dropped."
  echo
  echo "| run, $headline_conns connections | events off req/s | events on req/s | cost | off p99 ms | on p99 ms |"
  echo "|---|---:|---:|---:|---:|---:|"
  events_rows
  echo
  echo "## Connection per request (Connection: close), pinned, $headline_conns connections (1 run)"
  echo
  echo "Ratio bannerd/nginx: **$(ratio close "$headline_conns")**."
  echo
  echo "| server | requests/s | p50 ms | p99 ms | p99.9 ms | non-2xx | socket errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  one_row close "$headline_conns"
  echo
  echo "## Unpinned: 2 server threads and wrk -t2 sharing both cores (1 round)"
  echo
  echo "Four busy threads on two CPUs: a request also waits while its server thread is descheduled,"
  echo "so p99 here measures the scheduler as much as the server."
  echo
  echo "| connections | bannerd req/s | nginx req/s | ratio | nginx-static req/s | bannerd p99 ms | nginx p99 ms | nginx-static p99 ms | p99 <= nginx |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  sweep_table unpinned
  echo
  echo "Chart: serve_sweep.png. Per run: serve_rounds.tsv; wrk's own output: wrk.log."
} >"$out/serve_results.md"

term="pngcairo size 1100,800 font ',10'"
gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1 || term="png size 1100,800"
plot_series() {  # mode column(s) -> a gnuplot plot command over serve_sweep.tsv
  echo "plot '$out/serve_sweep.tsv' using (strcol(1) eq '$1' ? \$2 : NaN):$2 with linespoints lw 2 pt 7 title 'bannerd', \\"
  echo "     '' using (strcol(1) eq '$1' ? \$2 : NaN):$3 with linespoints lw 2 pt 5 title 'nginx return 200', \\"
  echo "     '' using (strcol(1) eq '$1' ? \$2 : NaN):$4 with linespoints lw 2 pt 9 dt 2 title 'nginx static file'"
}
gnuplot <<EOF || log "WARNING: gnuplot failed, no chart"
set terminal $term
set output '$out/serve_sweep.png'
set datafile separator '\t'
set logscale x 2
set xtics ($(IFS=,; echo "${sweep_conns[*]}"))
set xrange [0.8:${sweep_conns[-1]}*1.25]
set grid
set xlabel 'connections'
set multiplot layout 2,2 title "bannerd vs nginx, keep-alive, ${duration}s per point, ${body_size}-byte body (load $load_start)"
set title 'pinned (1 server thread on CPU 0, wrk -t1 on CPU 1): requests per second'
set key bottom right
set yrange [0:*]
$(plot_series pinned 3 4 5)
set title 'pinned: p99 latency (ms, log scale)'
set key top left
set logscale y 10
set yrange [*:*]
$(plot_series pinned 6 7 8)
set title 'unpinned (2 server threads, wrk -t2, 2 cores): requests per second'
set key bottom right
unset logscale y
set yrange [0:*]
$(plot_series unpinned 3 4 5)
set title 'unpinned: p99 latency (ms, log scale)'
set key top left
set logscale y 10
set yrange [*:*]
$(plot_series unpinned 6 7 8)
unset multiplot
EOF

echo
cat "$out/serve_results.md"
echo
echo "results: $out/serve_results.md, chart: $out/serve_sweep.png"
