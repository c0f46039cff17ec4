# tests/fleet/lib.sh: a fleet on loopback, for the fleet tests and bench/fleet.sh. Sourced, not
# run. bannerd nodes each in a deploy folder (DIR/releases, DIR/current, as tools/rollout makes
# them), nginx or HAProxy in front rendered from deploy/balancer, wrk. Every process started here
# is stopped when the sourcing script exits; FLEET_KEEP=1 keeps the temp folder for a post-mortem.
#
# The sourcing script sets BANNERD (the binary) and may set FLEET_NAME (log prefix); it gets
# REPO, FLEET_TMP, and the functions below. Nodes are numbered from 1.
# shellcheck shell=bash disable=SC2034  # the variables set here are read by the sourcing script

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FLEET_TMP="$(mktemp -d /tmp/fleet.XXXXXX)"
chmod 755 "$FLEET_TMP"  # nodes run as nobody in one rollout test
fleet_pids=()
node_pid=() node_port=()
balancer_pid="" balancer_port="" balancer_kind="" balancer_dir=""
declare -A wrk_pids
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)

log() { printf '[%s %s] %s\n' "${FLEET_NAME:-fleet}" "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '%s: FAILED: %s\n' "${FLEET_NAME:-fleet}" "$*" >&2; exit 1; }

fleet_cleanup() {
  local rc=$? p
  for p in "${fleet_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${fleet_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ "${FLEET_KEEP:-0}" = 1 ] || { [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ "${FLEET_KEEP_ON_FAILURE:-0}" = 1 ]; }; then
    log "kept $FLEET_TMP"
  else
    rm -rf "$FLEET_TMP"
  fi
  exit "$rc"
}
trap fleet_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port free now on 127.0.0.1 (the kernel picks it; a node restarted later reuses its own).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL PID [SECONDS]: 0 once URL answers 200, 1 if PID exits or time runs out.
wait_http() {
  local deadline=$((SECONDS + ${3:-20}))
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$2" 2>/dev/null || return 1
    [ "$(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "$1")" = 200 ] && return 0
    sleep 0.05
  done
  return 1
}

node_dir() { echo "$FLEET_TMP/node$1"; }
node_url() { echo "http://127.0.0.1:${node_port[$1]}"; }

# fleet_nodes N [REMOTE_I]: nodes=(DIR=URL ...), tools/rollout's node arguments, for nodes 1..N on
# free ports; node REMOTE_I, if given, as HOST:DIR (reached through local-rsh and rsync).
fleet_nodes() {
  local i location
  nodes=()
  for i in $(seq "$1"); do
    node_port[i]=$(free_port)
    location=$(node_dir "$i")
    [ "$i" = "${2:-0}" ] && location="node$i.example:$location"
    nodes+=("$location=$(node_url "$i")")
  done
}

# start_node I [BANNERD FLAGS...]: bannerd --index DIR/current on node I's port (a free one the
# first time), one I/O thread, quarter 1. NODE_PREFIX (a command prefix, e.g. setpriv ...) may
# be set for one call. Returns once /healthz answers.
start_node() {
  local i=$1 dir
  shift
  dir=$(node_dir "$i")
  [ -n "${node_port[$i]:-}" ] || node_port[i]=$(free_port)
  # shellcheck disable=SC2086
  ${NODE_PREFIX:-} "$BANNERD" --index "$dir/current" --listen "127.0.0.1:${node_port[$i]}" --threads 1 \
    --quarter 1 "$@" 2>>"$dir/bannerd.log" &
  node_pid[i]=$!
  fleet_pids+=("${node_pid[$i]}")
  wait_http "$(node_url "$i")/healthz" "${node_pid[$i]}" ||
    { tail -5 "$dir/bannerd.log" >&2; die "node $i did not start"; }
  log "node $i: bannerd pid ${node_pid[$i]} on 127.0.0.1:${node_port[$i]}"
}

# stop_node I SIGNAL: sends SIGNAL and waits; sets node_status to bannerd's exit status.
stop_node() {
  kill -"$2" "${node_pid[$1]}"
  node_status=0
  wait "${node_pid[$1]}" || node_status=$?
}

# The balancer's config from its deploy/balancer template, for nodes 1..N, then started in the
# foreground (as its own child, so that it is stopped with the rest). KIND: nginx or haproxy.
# BALANCER_WORKERS: nginx worker processes or HAProxy threads (default 1).
start_balancer() {
  local kind=$1 n=$2 dir="$FLEET_TMP/$1-$2" nodes=() i workers=${BALANCER_WORKERS:-1}
  mkdir -p "$dir"
  for i in $(seq "$n"); do nodes+=("127.0.0.1:${node_port[$i]}"); done
  balancer_port=$(free_port) balancer_kind=$kind
  case $kind in
    nginx)
      "$REPO/deploy/balancer/render" "$REPO/deploy/balancer/nginx.conf" "127.0.0.1:$balancer_port" "${nodes[@]}" \
        >"$dir/banner.conf"
      # What Debian's /etc/nginx/nginx.conf provides around conf.d/*.conf, in a private prefix.
      cat >"$dir/nginx.conf" <<EOF
daemon off;
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log notice;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  include $dir/banner.conf;
}
EOF
      "$NGINX" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" 2>>"$dir/stderr.log" &
      ;;
    haproxy)
      "$REPO/deploy/balancer/render" "$REPO/deploy/balancer/haproxy.cfg" "127.0.0.1:$balancer_port" "${nodes[@]}" \
        >"$dir/banner.cfg"
      # What Debian's /etc/haproxy/haproxy.cfg provides before it: a global section (its log
      # goes to stderr here, events only: servers going down and up).
      printf 'global\n    maxconn 4000\n    nbthread %s\n    log stderr format raw local0 notice\n' "$workers" \
        >"$dir/global.cfg"
      "$HAPROXY" -db -f "$dir/global.cfg" -f "$dir/banner.cfg" 2>>"$dir/stderr.log" &
      ;;
    *) die "unknown balancer $kind" ;;
  esac
  balancer_pid=$! balancer_dir=$dir
  fleet_pids+=("$balancer_pid")
  wait_http "http://127.0.0.1:$balancer_port/healthz" "$balancer_pid" ||
    { cat "$dir"/*.log >&2; die "$kind did not start"; }
  log "$kind: pid $balancer_pid on 127.0.0.1:$balancer_port in front of $n node(s)"
}

# The balancer's own log: nginx's error.log (a line per request it retried or failed), HAProxy's
# stderr (a line per node going down or up).
balancer_log() {
  case $balancer_kind in nginx) echo "$balancer_dir/error.log" ;; haproxy) echo "$balancer_dir/stderr.log" ;; esac
}
balancer_log_mark() { wc -l <"$(balancer_log)"; }
# balancer_events_since MARK: what the balancer logged about the nodes since MARK, one line per
# kind of event with its count.
balancer_events_since() {
  tail -n +$(($1 + 1)) "$(balancer_log)" |
    sed -n -E 's/^.*\[(error|warn)\] [0-9#]+: \*[0-9]+ ([^,]*upstream[^,]*),.*$/\1: \2/p; s/^(Server [^ ]+ is (DOWN|UP)[^.]*).*$/\1/p' |
    sort | uniq -c | sed 's/^ */  /'
}

stop_balancer() {
  kill -TERM "$balancer_pid" 2>/dev/null || true
  wait "$balancer_pid" 2>/dev/null || true
}

# metric_sum URL PREFIX: the sum of every sample whose name starts with PREFIX, e.g.
# 'banner_http_requests_total{route="campaign"'.
metric_sum() {
  curl -fsS --max-time 2 "$1/metrics" | awk -v p="$2" 'index($1, p) == 1 { s += $2 } END { print s + 0 }'
}
served_checksum() {
  curl -fsS --max-time 2 "$1/metrics" | sed -n 's/^banner_index_info{checksum="\([0-9a-f]*\)"} 1$/\1/p'
}
# Campaign requests node I answered (routes campaign_page and campaign_api), any status.
node_requests() { metric_sum "$(node_url "$1")" 'banner_http_requests_total{route="campaign_'; }

# checksum_of INDEX: as bannerc inspect verifies and prints it.
checksum_of() {
  "$BANNERC" inspect "$1" --campaign 0 --quarter 1 | sed -n '1s/.*, checksum \([0-9a-f]*\),.*/\1/p'
}

# wrk_start NAME URL CONNECTIONS SECONDS IDS_FILE: wrk (1 thread) in the background (WRK_PREFIX,
# a command prefix such as taskset -c 1, may be set for one call); wrk_finish NAME waits for it
# and sets wrk_line (its FLEET line) and the fields below.
wrk_start() {
  # shellcheck disable=SC2086
  timeout $(($4 + 30)) ${WRK_PREFIX:-} wrk -t1 -c"$3" -d"$4s" --timeout 2s --latency -s "$REPO/tests/fleet/random_ids.lua" \
    "$2" -- "$5" >"$FLEET_TMP/wrk-$1.out" 2>&1 &
  wrk_pids[$1]=$!
  fleet_pids+=("$!")
}
wrk_finish() {
  wait "${wrk_pids[$1]}" || { cat "$FLEET_TMP/wrk-$1.out" >&2; die "wrk ($1) failed"; }
  wrk_line=$(grep '^FLEET ' "$FLEET_TMP/wrk-$1.out") || { cat "$FLEET_TMP/wrk-$1.out" >&2; die "no FLEET line from wrk ($1)"; }
  wrk_requests=$(wrk_field requests) wrk_non2xx=$(wrk_field non2xx) wrk_rps=$(wrk_field rps)
  wrk_socket_errors=$(($(wrk_field connect) + $(wrk_field read) + $(wrk_field write) + $(wrk_field timeout)))
}
wrk_field() { grep -o " $1=[^ ]*" <<<"$wrk_line" | cut -d= -f2; }
