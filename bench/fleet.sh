#!/usr/bin/env bash
# bench/fleet.sh: throughput through nginx and HAProxy in front of 1, 2, 3 bannerd, against the
# same load straight to one bannerd. Run `bench/fleet.sh --help` for the options; bench/README.md
# explains the output.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/fleet.sh [--smoke] [--duration S] [--rounds N] [--connections N] [--out DIR]
                      [--bin-dir DIR] [--build-dir DIR] [--data DIR]

Starts three bannerd (--threads 1 --quarter 1, each in its own deploy folder, placed there by
tools/rollout), six balancers rendered from deploy/balancer (nginx with 1 worker and HAProxy with
1 thread, each in front of nodes 1..N for N = 1, 2, 3) and drives each target with wrk (1 thread,
keep-alive, GET /campaigns/{random id}) in alternating rounds:
  pinned     a fourth bannerd (--threads 1) alone on CPU 0, wrk alone on CPU 1 (as bench/serve.sh's
             split-cores run): what one core of bannerd serves, the unit of a fleet's capacity
             (left out with fewer than 2 CPUs)
  direct     the same load straight to node 1, everything sharing both CPUs: the baseline
  nginx-N    through nginx to N nodes
  haproxy-N  through HAProxy to N nodes
For every run it records requests/s, p50/p99 latency, failures, and the CPU time the balancer and
the nodes used (from /proc, utime + stime) per request: what a balancer costs per request.

On this project's two cores wrk, the balancer and the nodes share the same two CPUs, so requests/s
cannot grow with N here: the run shows what the balancer costs and that the fleet answers
correctly, not scaling. fleet_results.md gives the arithmetic for a real fleet.

Writes fleet_results.md, fleet_rounds.tsv and fleet_wrk.log into the results folder.

Options:
  --smoke          CI mode: 1 round of 1 s per target; results in bench/.cache/smoke-results
                   unless --out is given
  --duration S     seconds per wrk run (default 10)
  --rounds N       rounds over all targets (default 3)
  --connections N  wrk connections (default 64)
  --out DIR        results folder (default bench/results)
  --bin-dir DIR    use bannerc and bannerd from DIR (no build); also DIR/bin
  --build-dir DIR  CMake build folder (default build-bench, Release)
  --data DIR       CSV input folder (default ../shared/datasets/datachef/csv, else bannergen output)
  -h, --help       this text

Exit status: 0 done (whatever the figures), 1 a server failed to start or a tool failed, 2 usage.
It installs wrk, nginx-light, haproxy, curl and python3 when missing (tools/install-deps.sh).
EOF
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
smoke=0 duration="" rounds="" out="" bin_dir="" build_dir="$repo/build-bench" data="" conns=64
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --duration) duration="${2:?--duration needs a value}"; shift ;;
    --rounds) rounds="${2:?--rounds needs a value}"; shift ;;
    --connections) conns="${2:?--connections needs a value}"; shift ;;
    --out) out="${2:?--out needs a value}"; shift ;;
    --bin-dir) bin_dir="${2:?--bin-dir needs a value}"; shift ;;
    --build-dir) build_dir="${2:?--build-dir needs a value}"; shift ;;
    --data) data="${2:?--data needs a value}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fleet.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$smoke" = 1 ]; then
  : "${duration:=1}" "${rounds:=1}" "${out:=$repo/bench/.cache/smoke-results}"
else
  : "${duration:=10}" "${rounds:=3}" "${out:=$repo/bench/results}"
fi
for v in "$duration" "$rounds" "$conns"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "fleet.sh: durations, rounds and connections are positive integers" >&2; exit 2; }
done

"$repo/tools/install-deps.sh" wrk nginx-light haproxy curl python3
FLEET_NAME=fleet-bench
# serve_common.sh for find_binaries and make_index (the same binaries and index as bench/serve.sh);
# lib.sh after it, so that lib.sh's wait_http (200 only) is the one in force.
# shellcheck source=bench/serve_common.sh
. "$repo/bench/serve_common.sh"
# shellcheck source=tests/fleet/lib.sh
source "$repo/tests/fleet/lib.sh"
find_binaries
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# --- the index and the nodes -----------------------------------------------------------------
tmp=$FLEET_TMP
make_index
pinned=0
[ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null && pinned=1
fleet_nodes 4
"$REPO/tools/rollout" -q --bannerc "$BANNERC" "$index" "${nodes[@]}" || die "tools/rollout failed"
for i in 1 2 3; do start_node "$i"; done

# --- the targets: pinned, direct, and nginx-N and haproxy-N in front of nodes 1..N -----------
declare -A target_port target_pid target_nodes target_wrk_prefix
targets=()
if [ "$pinned" = 1 ]; then
  NODE_PREFIX="taskset -c 0" start_node 4
  targets+=(pinned)
  target_port[pinned]=${node_port[4]} target_nodes[pinned]=${node_pid[4]} target_wrk_prefix[pinned]="taskset -c 1"
fi
targets+=(direct)
target_port[direct]=${node_port[1]}
target_nodes[direct]="${node_pid[1]} ${node_pid[2]} ${node_pid[3]}"
for kind in nginx haproxy; do
  for n in 1 2 3; do
    start_balancer "$kind" "$n"
    target_port[$kind-$n]=$balancer_port target_pid[$kind-$n]=$balancer_pid
    target_nodes[$kind-$n]=${target_nodes[direct]}
    targets+=("$kind-$n")
  done
done

# cpu_ticks PID...: utime + stime of the processes and their children (nginx's workers), in
# clock ticks.
cpu_ticks() {
  local p all=() t=0
  for p in "$@"; do all+=("$p"); while read -r c; do all+=("$c"); done < <(pgrep -P "$p" || true); done
  for p in "${all[@]}"; do
    # Fields 14 and 15 after the ") " that ends the command name.
    t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$t"
}
hz=$(getconf CLK_TCK)
per_request_us() { awk -v t="$1" -v hz="$hz" -v n="$2" 'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }'; }

: >"$out/fleet_wrk.log"
printf 'round\ttarget\tnodes\trps\tp50_ms\tp99_ms\tnon2xx\tsocket_errors\tbalancer_us_per_req\tnodes_us_per_req\tnodes_cpu_share\n' \
  >"$out/fleet_rounds.tsv"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average at start: $load_start ($(nproc) cores); ${#targets[@]} targets x $rounds round(s) x ${duration}s"
measure() {  # ROUND TARGET
  local target=$2 n=1 lb_before=0 lb_after=0 nodes_before nodes_after
  case $target in *-*) n=${target##*-} ;; esac
  # shellcheck disable=SC2086  # a list of pids
  nodes_before=$(cpu_ticks ${target_nodes[$target]})
  [ -z "${target_pid[$target]:-}" ] || lb_before=$(cpu_ticks "${target_pid[$target]}")
  WRK_PREFIX=${target_wrk_prefix[$target]:-} \
    wrk_start "$target" "http://127.0.0.1:${target_port[$target]}" "$conns" "$duration" "$FLEET_TMP/ids.txt"
  wrk_finish "$target"
  # shellcheck disable=SC2086
  nodes_after=$(cpu_ticks ${target_nodes[$target]})
  [ -z "${target_pid[$target]:-}" ] || lb_after=$(cpu_ticks "${target_pid[$target]}")
  { echo "=== round $1 $target c=$conns d=${duration}s load=$(cut -d' ' -f1-3 /proc/loadavg)"; cat "$FLEET_TMP/wrk-$target.out"; } \
    >>"$out/fleet_wrk.log"
  printf '%s\t%s\t%s\t%.0f\t%.3f\t%.3f\t%s\t%s\t%s\t%s\t%s\n' "$1" "$target" "$n" "$wrk_rps" \
    "$(awk -v u="$(wrk_field p50_us)" 'BEGIN { print u / 1000 }')" "$(awk -v u="$(wrk_field p99_us)" 'BEGIN { print u / 1000 }')" \
    "$wrk_non2xx" "$wrk_socket_errors" "$(per_request_us $((lb_after - lb_before)) "$wrk_requests")" \
    "$(per_request_us $((nodes_after - nodes_before)) "$wrk_requests")" \
    "$(awk -v t=$((nodes_after - nodes_before)) -v hz="$hz" -v d="$duration" 'BEGIN { printf "%.2f", t / hz / d }')" \
    >>"$out/fleet_rounds.tsv"
  log "  $target: $(tail -1 "$out/fleet_rounds.tsv" | cut -f4-)"
}
for target in "${targets[@]}"; do  # warm-up, not recorded
  # shellcheck disable=SC2086  # a command prefix
  timeout 30 ${target_wrk_prefix[$target]:-} wrk -t1 -c"$conns" -d1s "http://127.0.0.1:${target_port[$target]}/healthz" >/dev/null
done
for r in $(seq "$rounds"); do
  for target in "${targets[@]}"; do measure "$r" "$target"; done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- summary ---------------------------------------------------------------------------------
median_of() {  # TARGET COLUMN
  awk -F'\t' -v t="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } $2 == t { print $k }' \
    "$out/fleet_rounds.tsv" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
total_of() {  # TARGET COLUMN
  awk -F'\t' -v t="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } $2 == t { s += $k } END { print s + 0 }' \
    "$out/fleet_rounds.tsv"
}
direct_rps=$(median_of direct rps)
{
  echo "# Throughput through a balancer, 1 to 3 bannerd ($(date -u +'%Y-%m-%d %H:%M UTC'))"
  echo
  echo "wrk 1 thread, $conns keep-alive connections, GET /campaigns/{random id of $(wc -l <"$FLEET_TMP/ids.txt")}, ${duration}s per run,"
  echo "$rounds round(s) over all targets in turn; every bannerd --threads 1 --quarter 1; nginx 1 worker, HAProxy"
  echo "1 thread, both from deploy/balancer. Input: ${data#"$repo/"}. Load average $load_start at start,"
  echo "$load_end at end, $(nproc) cores shared by wrk, the balancer and the nodes (but for \`pinned\`: bannerd"
  echo "alone on CPU 0, wrk on CPU 1). Medians over rounds; failures are totals. CPU: utime + stime from /proc"
  echo "over the run, per request, and for the nodes also as a share of one core (1.00 = a core busy)."
  echo
  echo "| target | nodes | requests/s | vs direct | p50 ms | p99 ms | balancer CPU µs/req | nodes CPU µs/req | nodes' cores busy | non-2xx | socket errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for t in "${targets[@]}"; do
    n=1
    case $t in *-*) n=${t##*-} ;; esac
    rps=$(median_of "$t" rps)
    printf '| %s | %s | %.0f | %.2f | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$n" "$rps" \
      "$(awk -v a="$rps" -v b="$direct_rps" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
      "$(median_of "$t" p50_ms)" "$(median_of "$t" p99_ms)" \
      "$(if [ -n "${target_pid[$t]:-}" ]; then median_of "$t" balancer_us_per_req; else echo -; fi)" \
      "$(median_of "$t" nodes_us_per_req)" "$(median_of "$t" nodes_cpu_share)" \
      "$(total_of "$t" non2xx)" "$(total_of "$t" socket_errors)"
  done
  echo
  echo "On $(nproc) cores more nodes cannot mean more requests/s: wrk, the balancer and every node share the same"
  echo "CPUs, so each µs the balancer spends on a request is a µs the nodes do not get. What carries over to a"
  echo "real fleet is what one core of bannerd serves and what the balancer costs per request:"
  echo
  per_core=""
  [ "$pinned" = 1 ] && per_core=$(median_of pinned rps)
  awk -v core="$per_core" -v share="$( [ "$pinned" = 1 ] && median_of pinned nodes_cpu_share)" \
      -v ng="$(median_of nginx-3 balancer_us_per_req)" -v hp="$(median_of haproxy-3 balancer_us_per_req)" \
      -v ng_rps="$(median_of nginx-1 rps)" -v hp_rps="$(median_of haproxy-1 rps)" -v direct="$direct_rps" 'BEGIN {
    if (core != "") {
      # The pinned node may not fill its core (wrk on the other core may be slower, or that core
      # busy with other work): its requests/s per busy core is its rate over its share of a core.
      per_core = share > 0 ? core / share : 0
      printf "- **One core of bannerd: %.0f requests/s** (`pinned`: %.0f requests/s with its core %.0f%% busy; the\n", per_core, core, share * 100
      print  "  rate over the share). bannerd is stateless (the cookie carries the visitor), so a fleet serves"
      printf "  requests/s per core × cores × instances: 3 instances of 8 cores, %.0f requests/s. The 5,000\n", per_core * 24
      printf "  requests per minute this project started from is %.4f of one core.\n", 5000 / 60 / per_core
      core = per_core
    }
    printf "- **The balancer: nginx %.1f µs, HAProxy %.1f µs of CPU per request** (in front of 3 nodes). To carry R\n", ng, hp
    print  "  requests/s it needs R × that of CPU time: 1,000 requests/s cost " sprintf("%.3f", ng / 1000) " (nginx) or " sprintf("%.3f", hp / 1000) " (HAProxy) of a core."
    if (core != "")
      printf "  At the 3 × 8-core fleet above that is %.0f (nginx) or %.0f (HAProxy) balancer cores: per request a\n", core * 24 * ng / 1e6, core * 24 * hp / 1e6
    if (core != "")
      print  "  balancer works harder than bannerd (it parses and copies the request and the response; bannerd answers"
    if (core != "")
      print  "  from memory), so the balancer tier, not bannerd, sets the cost of a large fleet. Both costs are"
    if (core != "")
      print  "  measured at these rates and fall somewhat as a process gets busier: read them as upper bounds."
    printf "- Through the balancer against straight to a node, on these shared cores: nginx %.2f×, HAProxy %.2f× the\n", ng_rps / direct, hp_rps / direct
    print  "  requests/s of the direct run, and its latency added, for one node behind each. The nodes also spend"
    print  "  more CPU per request behind a balancer than under the direct load: each gets fewer requests per"
    print  "  wake-up (a third of a smaller load), so less work is shared between them."
  }'
  echo
  echo "Per run: fleet_rounds.tsv; wrk's own output: fleet_wrk.log."
} >"$out/fleet_results.md"
echo
cat "$out/fleet_results.md"
echo
echo "results: $out/fleet_results.md"
