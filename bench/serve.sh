#!/usr/bin/env bash
# bench/serve.sh: bannerd against nginx serving a static page of the same size (SPEC section 6).
# Run `bench/serve.sh --help` for the options; bench/README.md explains the output.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/serve.sh [--smoke] [--duration S] [--rounds N] [--out DIR] [--bin-dir DIR]
                      [--build-dir DIR] [--data DIR] [--connections N]

Measures bannerd (GET /campaigns/{random id}, two I/O threads, --quarter 1) against nginx
(worker_processes 2, access_log off) serving a static page of the same byte size as bannerd's
response body, both on 127.0.0.1, driven by wrk (2 threads) in alternating rounds:
  1. keep-alive, --connections (64) connections: requests/s, p50/p99/p99.9 latency, per round,
     and the median ratio bannerd/nginx over the rounds;
  2. one connection per request (Connection: close), same connection count;
  3. keep-alive sweep over 1, 8, 64, 256 connections, charted with gnuplot (serve_sweep.png);
  4. split cores: a second bannerd (1 thread) and nginx (1 worker) pinned to CPU 0, wrk (1 thread)
     pinned to CPU 1, --connections connections, alternating rounds. On two cores the runs above
     put four busy threads on two CPUs, so their p99 is mostly scheduler wait; this run shows the
     server's latency without that (skipped with fewer than 2 CPUs).
Writes serve_results.md, serve_rounds.tsv, serve_sweep.tsv, serve_sweep.png into the results dir.

Options:
  --smoke          CI mode: 1 round of 2 s, close and split-cores runs 2 s, sweep over 1 and 64
                   connections for 1 s;
                   results go to bench/.cache/smoke-results unless --out is given
  --duration S     seconds per wrk run (default 10)
  --rounds N       keep-alive rounds per server (default 3)
  --out DIR        results folder (default bench/results)
  --bin-dir DIR    use bannerc and bannerd from DIR (no build); they may also sit in DIR/tools, DIR/server
  --build-dir DIR  CMake build folder (default build-bench, Release)
  --data DIR       CSV input folder (default ../shared/datasets/datachef/csv, else bannergen output)
  --connections N  connections of the keep-alive and close runs (default 64)
  -h, --help       this text

Exit status: 0 done (whatever the figures), 1 a server failed to start or a tool failed, 2 usage.
It installs wrk, nginx-light, gnuplot-nox and curl when missing (tools/install-deps.sh).
EOF
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
smoke=0 duration="" rounds="" out="" bin_dir="" build_dir="$repo/build-bench" data="" conns=64
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --duration) duration="${2:?--duration needs a value}"; shift ;;
    --rounds) rounds="${2:?--rounds needs a value}"; shift ;;
    --out) out="${2:?--out needs a value}"; shift ;;
    --bin-dir) bin_dir="${2:?--bin-dir needs a value}"; shift ;;
    --build-dir) build_dir="${2:?--build-dir needs a value}"; shift ;;
    --data) data="${2:?--data needs a value}"; shift ;;
    --connections) conns="${2:?--connections needs a value}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "serve.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$smoke" = 1 ]; then
  : "${duration:=2}" "${rounds:=1}" "${out:=$repo/bench/.cache/smoke-results}"
  sweep_conns=(1 64) sweep_duration=1
else
  : "${duration:=10}" "${rounds:=3}" "${out:=$repo/bench/results}"
  sweep_conns=(1 8 64 256) sweep_duration="$duration"
fi
for v in "$duration" "$rounds" "$conns" "$sweep_duration"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "serve.sh: durations, rounds and connections are positive integers" >&2; exit 2; }
done

log() { printf '[serve %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'serve.sh: FAILED: %s\n' "$*" >&2; exit 1; }

# --- tools -----------------------------------------------------------------------------------
need=()
for t in wrk:wrk nginx:nginx-light gnuplot:gnuplot-nox curl:curl; do
  command -v "${t%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${t%%:*}" ] || need+=("${t#*:}")
done
if [ -z "$bin_dir" ] || [ ${#need[@]} -gt 0 ]; then
  # The build's own packages plus ours; install-deps.sh installs only what is missing.
  "$repo/tools/install-deps.sh" wrk nginx-light gnuplot-nox curl
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

if [ -n "$bin_dir" ]; then
  find_bin() { for p in "$bin_dir/$1" "$bin_dir/bin/$1"; do [ -x "$p" ] && { echo "$p"; return; }; done; die "no $1 in $bin_dir"; }
  BANNERC="$(find_bin bannerc)" BANNERD="$(find_bin bannerd)" BANNERGEN="$(find_bin bannergen 2>/dev/null || true)"
else
  log "building bannerc, bannergen, bannerd (Release) in $build_dir"
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build_dir" -j2 --target bannerc bannergen bannerd >/dev/null
  BANNERC="$build_dir/bin/bannerc" BANNERD="$build_dir/bin/bannerd" BANNERGEN="$build_dir/bin/bannergen"
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
tmp="$(mktemp -d /tmp/bench-serve.XXXXXX)"
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- index -----------------------------------------------------------------------------------
if [ -z "$data" ]; then
  if [ -d "$repo/../shared/datasets/datachef/csv" ]; then
    data="$repo/../shared/datasets/datachef/csv"
  else
    [ -n "${BANNERGEN:-}" ] || die "no public dataset and no bannergen"
    log "public dataset absent: generating data with bannergen"
    "$BANNERGEN" --out "$tmp/gen" --size-mb 5 >/dev/null
    data="$tmp/gen/csv"
  fi
fi
index="$tmp/bench.idx"
log "compiling $data"
"$BANNERC" build "$data" -o "$index" -q || die "bannerc build $data failed"
"$BANNERC" inspect "$index" --json --quarter 1 >"$tmp/inspect.json" || die "bannerc inspect failed"
# Ids stay strings: they may exceed a double's 53 bits.
grep -o '"campaign_id": *[0-9]*' "$tmp/inspect.json" | grep -o '[0-9]*$' | sort -u >"$tmp/ids.txt"
n_ids=$(wc -l <"$tmp/ids.txt")
[ "$n_ids" -gt 0 ] || die "no campaign of quarter 1 in the index"
log "$n_ids campaigns in quarter 1"

# --- servers ---------------------------------------------------------------------------------
wait_http() {  # url pid name
  local deadline=$((SECONDS + 20))
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$2" 2>/dev/null || return 1
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.1
  done
  return 1
}

# start_bannerd THREADS [PIN...]: starts bannerd on a free port (PIN: a command prefix such as
# `taskset -c 0`); sets started_pid and started_port.
start_bannerd() {
  local threads=$1 log="$tmp/bannerd-$1${2:+-pinned}.log" port=""
  shift
  "$@" "$BANNERD" --index "$index" --listen 127.0.0.1:0 --threads "$threads" --quarter 1 --no-watch 2>"$log" &
  started_pid=$!
  pids+=("$started_pid")
  for _ in $(seq 100); do
    port=$(grep -o 'event=start .* port=[0-9]*' "$log" 2>/dev/null | grep -o 'port=[0-9]*$' | cut -d= -f2 || true)
    [ -n "$port" ] && break
    kill -0 "$started_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ] || ! wait_http "http://127.0.0.1:$port/healthz" "$started_pid"; then
    cat "$log" >&2
    die "bannerd did not start"
  fi
  started_port=$port
  log "bannerd ($threads thread(s)${1:+, $*}) pid $started_pid on 127.0.0.1:$port"
}
start_bannerd 2
bd_pid=$started_pid bd_port=$started_port

# Body size of /campaigns/{id}: it varies a little with the ids, so take the median of a sample.
sizes=()
while read -r id; do
  code_size=$(curl -s -o /dev/null --max-time 5 -w '%{http_code} %{size_download}' "http://127.0.0.1:$bd_port/campaigns/$id")
  [ "${code_size%% *}" = 200 ] || die "bannerd answered ${code_size%% *} to /campaigns/$id"
  sizes+=("${code_size#* }")
done < <(shuf -n 50 --random-source=<(yes) "$tmp/ids.txt" 2>/dev/null || head -50 "$tmp/ids.txt")
body_size=$(printf '%s\n' "${sizes[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
size_range=$(printf '%s\n' "${sizes[@]}" | sort -n | sed -n '1p;$p' | paste -sd- -)
curl -s -D "$tmp/bd_headers.txt" -o /dev/null --max-time 5 "http://127.0.0.1:$bd_port/campaigns/$(head -1 "$tmp/ids.txt")"
log "bannerd /campaigns/{id} body: median $body_size bytes (range $size_range over ${#sizes[@]} ids)"

mkdir -p "$tmp/www"
chmod 755 "$tmp" "$tmp/www"
{ printf '<!doctype html><html><head><title>static</title></head><body>'; head -c "$body_size" /dev/zero | tr '\0' 'x'; } |
  head -c "$body_size" >"$tmp/www/page.html"
chmod 644 "$tmp/www/page.html"

# start_nginx WORKERS [PIN...]: like start_bannerd; each instance has its own prefix folder.
start_nginx() {
  local workers=$1 dir="$tmp/nginx-$1${2:+-pinned}" port
  shift
  mkdir -p "$dir"
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 30000))
    cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 4096; }
http {
  access_log off;
  default_type text/html;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port;
    root $tmp/www;
    location / { try_files /page.html =404; }
  }
}
EOF
    "$@" "$NGINX" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" 2>>"$dir/stderr.log" &
    started_pid=$!
    if wait_http "http://127.0.0.1:$port/campaigns/1" "$started_pid"; then
      started_port=$port
      pids+=("$started_pid")
      log "nginx ($workers worker(s)${1:+, $*}) pid $started_pid on 127.0.0.1:$port"
      return 0
    fi
    kill -TERM "$started_pid" 2>/dev/null || true
    wait "$started_pid" 2>/dev/null || true
  done
  cat "$dir/error.log" "$dir/stderr.log" >&2 2>/dev/null || true
  die "nginx did not start"
}
start_nginx 2
ng_pid=$started_pid ng_port=$started_port
ng_size=$(curl -s -o /dev/null --max-time 5 -w '%{size_download}' "http://127.0.0.1:$ng_port/campaigns/$(head -1 "$tmp/ids.txt")")
[ "$ng_size" = "$body_size" ] || die "nginx page is $ng_size bytes, wanted $body_size"
log "nginx serves a $ng_size-byte page"

# --- wrk -------------------------------------------------------------------------------------
{
  echo '-- generated by bench/serve.sh: GET /campaigns/{random id of quarter 1}'
  echo 'local ids = {'
  sed 's/.*/"&",/' "$tmp/ids.txt"
  echo '}'
  cat <<'EOF'
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
end
function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end
function request()
  return wrk.format("GET", "/campaigns/" .. ids[math.random(#ids)])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d rps=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration, summary.bytes, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
EOF
} >"$tmp/random_ids.lua"

# run_wrk NAME PORT CONNECTIONS SECONDS [header] -> prints the BENCH line; full output kept in
# $out/wrk.log. wrk_pin (a command prefix) and wrk_threads may be set for one call.
run_wrk() {
  local name=$1 port=$2 c=$3 d=$4 hdr=${5:-} t=${wrk_threads:-2} res p
  [ "$c" -lt 2 ] && t=1
  local args=(-t"$t" -c"$c" -d"${d}s" --latency --timeout 5s -s "$tmp/random_ids.lua")
  [ -n "$hdr" ] && args+=(-H "$hdr")
  for p in "${pids[@]}"; do
    kill -0 "$p" 2>/dev/null || die "a server died (pid $p; logs: $tmp)"
  done
  # shellcheck disable=SC2086
  res=$(timeout $((d + 30)) ${wrk_pin:-} wrk "${args[@]}" "http://127.0.0.1:$port/" 2>&1) || {
    printf '%s\n' "$res" >&2; die "wrk against $name failed"; }
  { echo "=== $(date -u +%H:%M:%S) $name c=$c t=$t d=${d}s ${wrk_pin:+pin=\"$wrk_pin\"} ${hdr:+header=\"$hdr\"} load=$(cut -d' ' -f1-3 /proc/loadavg)"; printf '%s\n' "$res"; } >>"$out/wrk.log"
  if grep -q 'Non-2xx' <<<"$res"; then log "WARNING: $name: $(grep 'Non-2xx' <<<"$res" | xargs)"; fi
  if grep -q 'Socket errors' <<<"$res"; then log "WARNING: $name: $(grep 'Socket errors' <<<"$res" | xargs)"; fi
  grep '^BENCH ' <<<"$res" || die "no result line from wrk against $name"
}
field() { grep -o " $1=[^ ]*" <<<"$2" | cut -d= -f2; }
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
median() { sort -g | awk '{a[NR]=$1} END { if (NR == 0) exit; if (NR % 2) print a[(NR+1)/2]; else printf "%.6g\n", (a[NR/2] + a[NR/2+1]) / 2 }'; }

: >"$out/wrk.log"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average at start: $load_start (nproc $(nproc))"
printf 'mode\tround\tserver\tconnections\trps\tp50_ms\tp99_ms\tp999_ms\tmax_ms\tnon2xx\tsocket_errors\n' >"$out/serve_rounds.tsv"
record() {  # mode round server connections BENCHLINE
  local l=$5
  printf '%s\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$(field rps "$l")" \
    "$(ms "$(field p50_us "$l")")" "$(ms "$(field p99_us "$l")")" "$(ms "$(field p999_us "$l")")" \
    "$(ms "$(field max_us "$l")")" "$(field err_status "$l")" \
    "$(( $(field err_connect "$l") + $(field err_read "$l") + $(field err_write "$l") + $(field err_timeout "$l") ))" \
    >>"$out/serve_rounds.tsv"
  printf '  %-10s %-7s c=%-3s %9.0f req/s  p50 %s ms  p99 %s ms  p99.9 %s ms  non-2xx %s\n' "$1" "$3" "$4" \
    "$(field rps "$l")" "$(ms "$(field p50_us "$l")")" "$(ms "$(field p99_us "$l")")" "$(ms "$(field p999_us "$l")")" \
    "$(field err_status "$l")" >&2
}

# measure MODE ROUND SERVER PORT CONNECTIONS SECONDS [HEADER]: one wrk run, recorded (a failure
# inside the command substitution must stop the script, hence the explicit exit).
measure() {
  local line
  line=$(run_wrk "$3" "$4" "$5" "$6" "${7:-}") || exit 1
  record "$1" "$2" "$3" "$5" "$line"
}

# Warm-up (not recorded): page cache, TCP, both servers' first requests.
run_wrk bannerd "$bd_port" "$conns" 1 >/dev/null || exit 1
run_wrk nginx "$ng_port" "$conns" 1 >/dev/null || exit 1

log "keep-alive: $rounds round(s) x ${duration}s per server, $conns connections, alternating"
for r in $(seq "$rounds"); do
  measure keepalive "$r" bannerd "$bd_port" "$conns" "$duration"
  measure keepalive "$r" nginx "$ng_port" "$conns" "$duration"
done

log "connection per request (Connection: close): ${duration}s per server, $conns connections"
measure close 1 bannerd "$bd_port" "$conns" "$duration" "Connection: close"
measure close 1 nginx "$ng_port" "$conns" "$duration" "Connection: close"

log "keep-alive sweep over ${sweep_conns[*]} connections, ${sweep_duration}s each"
for c in "${sweep_conns[@]}"; do
  measure sweep 1 bannerd "$bd_port" "$c" "$sweep_duration"
  measure sweep 1 nginx "$ng_port" "$c" "$sweep_duration"
done

split=0
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  split=1
  log "split cores: bannerd 1 thread and nginx 1 worker on CPU 0, wrk 1 thread on CPU 1"
  start_bannerd 1 taskset -c 0
  bd1_port=$started_port
  start_nginx 1 taskset -c 0
  ng1_port=$started_port
  wrk_pin="taskset -c 1" wrk_threads=1 run_wrk bannerd "$bd1_port" "$conns" 1 >/dev/null || exit 1
  wrk_pin="taskset -c 1" wrk_threads=1 run_wrk nginx "$ng1_port" "$conns" 1 >/dev/null || exit 1
  for r in $(seq "$rounds"); do
    wrk_pin="taskset -c 1" wrk_threads=1 measure split "$r" bannerd "$bd1_port" "$conns" "$duration"
    wrk_pin="taskset -c 1" wrk_threads=1 measure split "$r" nginx "$ng1_port" "$conns" "$duration"
  done
else
  log "split cores: skipped (needs 2 CPUs and taskset)"
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
bd_rss=$(awk '/VmHWM/ {print $2 " " $3}' "/proc/$bd_pid/status" 2>/dev/null || echo "?")

# --- summary ---------------------------------------------------------------------------------
printf 'connections\tbannerd_rps\tnginx_rps\tbannerd_p99_ms\tnginx_p99_ms\n' >"$out/serve_sweep.tsv"
for c in "${sweep_conns[@]}"; do
  b=$(awk -F'\t' -v c="$c" '$1 == "sweep" && $3 == "bannerd" && $4 == c' "$out/serve_rounds.tsv")
  n=$(awk -F'\t' -v c="$c" '$1 == "sweep" && $3 == "nginx" && $4 == c' "$out/serve_rounds.tsv")
  printf '%s\t%s\t%s\t%s\t%s\n' "$c" "$(cut -f5 <<<"$b")" "$(cut -f5 <<<"$n")" "$(cut -f7 <<<"$b")" "$(cut -f7 <<<"$n")"
done >>"$out/serve_sweep.tsv"
col() {  # mode server column -> values
  awk -F'\t' -v m="$1" -v s="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
    $1 == m && $3 == s { print $k }' "$out/serve_rounds.tsv"
}
sumcol() { col "$@" | awk '{s += $1} END {print s + 0}'; }
summary_row() {  # mode server
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(col "$1" "$2" rps | median | xargs printf '%.0f')" \
    "$(col "$1" "$2" p50_ms | median)" "$(col "$1" "$2" p99_ms | median)" "$(col "$1" "$2" p999_ms | median)" \
    "$(sumcol "$1" "$2" non2xx)" "$(sumcol "$1" "$2" socket_errors)"
}
ratio() {  # mode: median over rounds of bannerd rps / nginx rps of the same round
  paste <(col "$1" bannerd rps) <(col "$1" nginx rps) | awk '{printf "%.4f\n", $1 / $2}' | median | xargs printf '%.2f'
}
ka_ratio=$(ratio keepalive) close_ratio=$(ratio close)
[ "$split" = 1 ] && split_ratio=$(ratio split) split_p99=$(col split bannerd p99_ms | median)
ka_p99=$(col keepalive bannerd p99_ms | median)
verdict_rps=$(awk -v r="$ka_ratio" 'BEGIN { print (r >= 1 ? "met" : "NOT met") }')
verdict_p99=$(awk -v p="$ka_p99" 'BEGIN { print (p < 2 ? "met" : "NOT met") }')
{
  echo "# bannerd vs nginx ($(date -u +'%Y-%m-%d %H:%M UTC'))"
  echo
  echo "wrk 2 threads, keep-alive unless noted, GET /campaigns/{random id of $n_ids}, ${duration}s per run,"
  echo "$rounds alternating round(s); bannerd --threads 2 --quarter 1; nginx worker_processes 2, static"
  echo "page of $body_size bytes (bannerd's median body, range $size_range). Input: ${data#"$repo/"}."
  echo "Load average: $load_start at start, $load_end at end, $(nproc) cores. Medians over rounds; non-2xx and"
  echo "socket errors are totals. bannerd peak RSS: $bd_rss."
  echo
  echo "| run | server | requests/s | p50 ms | p99 ms | p99.9 ms | non-2xx | socket errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  for m in keepalive close; do for s in bannerd nginx; do summary_row "$m" "$s"; done; done
  if [ "$split" = 1 ]; then for s in bannerd nginx; do summary_row split "$s"; done; fi
  echo
  echo "Ratio bannerd/nginx requests/s (median over rounds): keep-alive **$ka_ratio**, connection per request **$close_ratio**."
  echo "SPEC 6 target: bannerd >= nginx with keep-alive ($verdict_rps), p99 < 2 ms ($verdict_p99: $ka_p99 ms)."
  if [ "$split" = 1 ]; then
    echo
    echo "Split cores (\`split\` rows): bannerd --threads 1 and nginx worker_processes 1 pinned to CPU 0, wrk -t1"
    echo "pinned to CPU 1, $conns connections, $rounds alternating round(s): ratio **$split_ratio**, bannerd p99"
    echo "**$split_p99 ms**. In the rows above wrk's two threads and the server's two share both CPUs, so"
    echo "a request also waits while its server thread is descheduled: their p99 measures the scheduler."
  fi
  echo
  echo "Keep-alive sweep (${sweep_duration}s per point), chart: serve_sweep.png"
  echo
  echo "| connections | bannerd req/s | nginx req/s | ratio | bannerd p99 ms | nginx p99 ms |"
  echo "|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %.2f | %s | %s |\n", $1, $2, $3, $2 / $3, $4, $5 }' "$out/serve_sweep.tsv"
  echo
  echo "Per run: serve_rounds.tsv; wrk's own output: wrk.log."
} >"$out/serve_results.md"

term="pngcairo size 1100,450 font ',10'"
gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1 || term="png size 1100,450"
gnuplot <<EOF || log "WARNING: gnuplot failed, no chart"
set terminal $term
set output '$out/serve_sweep.png'
set datafile separator '\t'
set key autotitle columnhead top left
set logscale x 2
set xtics ($(IFS=,; echo "${sweep_conns[*]}"))
set xrange [0.8:${sweep_conns[-1]}*1.25]
set grid
set multiplot layout 1,2 title "bannerd vs nginx, keep-alive, wrk 2 threads, ${sweep_duration}s per point, ${body_size}-byte body (load $load_start)"
set title 'requests per second'
set xlabel 'connections'
set yrange [0:*]
plot '$out/serve_sweep.tsv' using 1:2 with linespoints lw 2 pt 7 title 'bannerd', \
     '' using 1:3 with linespoints lw 2 pt 5 title 'nginx'
set title 'p99 latency (ms, log scale)'
set logscale y 10
set yrange [*:*]
plot '$out/serve_sweep.tsv' using 1:4 with linespoints lw 2 pt 7 title 'bannerd', \
     '' using 1:5 with linespoints lw 2 pt 5 title 'nginx'
unset multiplot
EOF

echo
cat "$out/serve_results.md"
echo
echo "results: $out/serve_results.md, chart: $out/serve_sweep.png"
