# bench/serve_common.sh: what bench/serve.sh and bench/serve_profile.sh share, sourced by both:
# tools, binaries, the index, starting bannerd and nginx, the wrk script. Not run on its own.
# bench/fleet.sh and bench/scale.sh take find_binaries (and fleet.sh make_index) from here too.
#
# The caller sets repo, bin_dir, build_dir and data, calls make_tmp (serve.sh, serve_profile.sh)
# or sets tmp itself, and defines log() and die().

pids=()
# Stops every server started here; the callers call it from their EXIT trap.
stop_servers() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}

# make_tmp NAME: a fresh temp folder in tmp; on exit or interrupt the servers are stopped and the
# folder removed, keeping the exit status.
make_tmp() {
  tmp="$(mktemp -d "/tmp/$1.XXXXXX")"
  trap 'rc=$?; stop_servers; rm -rf "$tmp"; exit "$rc"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# choose_pinning: pin_server (a command prefix, CPU 0) and pin_wrk (CPU 1) for the pinned runs;
# both empty with fewer than 2 CPUs or without taskset.
choose_pinning() {
  pin_server=() pin_wrk=""
  if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    pin_server=(taskset -c 0) pin_wrk="taskset -c 1"
  fi
}

# install_tools EXTRA_PACKAGES...: wrk, nginx-light, curl (and the extras) when missing.
install_tools() {
  local need=() t
  for t in wrk:wrk nginx:nginx-light curl:curl "$@"; do
    command -v "${t%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${t%%:*}" ] || need+=("${t#*:}")
  done
  if [ -z "$bin_dir" ] || [ ${#need[@]} -gt 0 ]; then
    # The build's own packages plus ours; install-deps.sh installs only what is missing.
    "$repo/tools/install-deps.sh" wrk nginx-light curl "${@#*:}"
  fi
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
}

# find_binaries: BANNERC, BANNERD, BANNERGEN from --bin-dir, else a Release build in $build_dir.
find_binaries() {
  if [ -n "$bin_dir" ]; then
    find_bin() { for p in "$bin_dir/$1" "$bin_dir/bin/$1"; do [ -x "$p" ] && { echo "$p"; return 0; }; done; return 1; }
    BANNERC="$(find_bin bannerc)" || die "no bannerc in $bin_dir"
    BANNERD="$(find_bin bannerd)" || die "no bannerd in $bin_dir"
    BANNERGEN="$(find_bin bannergen)" || BANNERGEN=""
  else
    log "building bannerc, bannergen, bannerd (Release) in $build_dir"
    cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build_dir" -j2 --target bannerc bannergen bannerd >/dev/null
    BANNERC="$build_dir/bin/bannerc" BANNERD="$build_dir/bin/bannerd" BANNERGEN="$build_dir/bin/bannergen"
  fi
}

# make_index: compiles $data (default: the public dataset, else bannergen output) into
# $tmp/bench.idx; $tmp/ids.txt gets the campaign ids of quarter 1, n_ids their count.
make_index() {
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
}

wait_http() {  # url pid
  local deadline=$((SECONDS + 20))
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$2" 2>/dev/null || return 1
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.1
  done
  return 1
}

bannerd_args=()  # extra bannerd options for the next start_bannerd
# start_bannerd THREADS [PIN...]: starts bannerd on a free port (PIN: a command prefix such as
# `taskset -c 0`); sets started_pid and started_port.
start_bannerd() {
  local threads=$1 log="$tmp/bannerd-$1-${#pids[@]}.log" port=""
  shift
  "$@" "$BANNERD" --index "$index" --listen 127.0.0.1:0 --threads "$threads" --quarter 1 --no-watch \
    "${bannerd_args[@]}" 2>"$log" &
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

# measure_body_size PORT: the median body size of /campaigns/{id} over 50 ids (it varies a
# little with the ids) -> body_size, size_range.
measure_body_size() {
  local sizes=() code_size id
  while read -r id; do
    code_size=$(curl -s -o /dev/null --max-time 5 -w '%{http_code} %{size_download}' "http://127.0.0.1:$1/campaigns/$id")
    [ "${code_size%% *}" = 200 ] || die "bannerd answered ${code_size%% *} to /campaigns/$id"
    sizes+=("${code_size#* }")
  done < <(shuf -n 50 --random-source=<(yes) "$tmp/ids.txt" 2>/dev/null || head -50 "$tmp/ids.txt")
  body_size=$(printf '%s\n' "${sizes[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  size_range=$(printf '%s\n' "${sizes[@]}" | sort -n | sed -n '1p;$p' | paste -sd- -)
  mkdir -p "$tmp/www"
  chmod 755 "$tmp" "$tmp/www"
  head -c "$body_size" /dev/zero | tr '\0' 'x' >"$tmp/www/page.html"
  chmod 644 "$tmp/www/page.html"
}

# start_nginx KIND WORKERS [PIN...]: nginx answering every path with a $body_size-byte page,
# KIND "return" from memory (`return 200 "..."`, its fastest path) or "static" from a file
# (open, stat, sendfile per request). Sets started_pid (the master), started_worker (the first
# worker) and started_port.
start_nginx() {
  local kind=$1 workers=$2 dir="$tmp/nginx-$1-$2-${#pids[@]}" port location
  shift 2
  if [ "$kind" = return ]; then
    location="location / { return 200 \"$(cat "$tmp/www/page.html")\"; }"
  else
    location="location / { try_files /page.html =404; }"
  fi
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
    $location
  }
}
EOF
    "$@" "$NGINX" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" 2>>"$dir/stderr.log" &
    started_pid=$!
    if wait_http "http://127.0.0.1:$port/campaigns/1" "$started_pid"; then
      started_port=$port
      pids+=("$started_pid")
      started_worker=$(pgrep -P "$started_pid" | head -1)
      local size
      size=$(curl -s -o /dev/null --max-time 5 -w '%{size_download}' "http://127.0.0.1:$port/campaigns/1")
      [ "$size" = "$body_size" ] || die "nginx ($kind) page is $size bytes, wanted $body_size"
      log "nginx $kind ($workers worker(s)${1:+, $*}) pid $started_pid on 127.0.0.1:$port"
      return 0
    fi
    kill -TERM "$started_pid" 2>/dev/null || true
    wait "$started_pid" 2>/dev/null || true
  done
  cat "$dir/error.log" "$dir/stderr.log" >&2 2>/dev/null || true
  die "nginx did not start"
}

# write_wrk_script: $tmp/random_ids.lua, GET /campaigns/{random id of quarter 1}. The requests
# are formatted once in init(), so that wrk spends its time on the network, not in Lua (pinned
# to one core, wrk is the ceiling of what any server can show). WRK_PIPELINE=N (environment)
# sends N requests per write, each batch drawn from 64 random ones. done() prints one BENCH line
# with exact percentiles.
write_wrk_script() {
  {
    echo '-- generated by bench/serve_common.sh: GET /campaigns/{random id of quarter 1}'
    echo 'local ids = {'
    sed 's/.*/"&",/' "$tmp/ids.txt"
    echo '}'
    cat <<'EOF'
local depth = tonumber(os.getenv("WRK_PIPELINE") or "1")
local pool = {}
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
end
function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  local one = {}
  for i, id in ipairs(ids) do one[i] = wrk.format("GET", "/campaigns/" .. id) end
  if depth == 1 then
    pool = one
  else
    for b = 1, 64 do
      local batch = {}
      for i = 1, depth do batch[i] = one[math.random(#one)] end
      pool[b] = table.concat(batch)
    end
  end
end
function request()
  return pool[math.random(#pool)]
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
}

# run_wrk PORT CONNECTIONS SECONDS -> wrk's whole output. Optional for one call (environment):
# wrk_pin (a command prefix), wrk_threads (default 2, 1 with one connection), wrk_header (one
# extra request header, e.g. "Connection: close"), WRK_PIPELINE (requests per write).
run_wrk() {
  local port=$1 c=$2 d=$3 t=${wrk_threads:-2}
  [ "$c" -lt "$t" ] && t=$c
  local args=(-t"$t" -c"$c" -d"${d}s" --latency --timeout 5s -s "$tmp/random_ids.lua")
  [ -n "${wrk_header:-}" ] && args+=(-H "$wrk_header")
  # shellcheck disable=SC2086
  timeout $((d + 30)) ${wrk_pin:-} wrk "${args[@]}" "http://127.0.0.1:$port/" 2>&1
}
