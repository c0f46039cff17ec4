#!/usr/bin/env bash
# tests/fleet/fleet_test.sh nginx|haproxy: three bannerd behind the balancer, on loopback, with
# the balancer's config rendered from deploy/balancer. In order:
#   1. a visitor (a cookie jar) whose requests go round-robin over the three nodes never gets the
#      same banner twice in a row for a campaign; without the jar, repeats happen (the check bites);
#   2. tools/rollout of a new index under wrk load: zero non-2xx, zero socket errors, every node
#      ends on the new checksum;
#   3. a rollout of a corrupt index under load: node 1 refuses it, nothing is flipped, the fleet
#      keeps serving the old index, no request fails;
#   4. node 2 SIGKILLed under load: failed requests counted (at most the requests in flight) and
#      explained; afterwards none fail, and node 2 restarted gets traffic again;
#   5. node 3 SIGTERMed with --drain-seconds under load: no request lost, bannerd exits 0.
# Env: BANNERC, BANNERD (binaries). Exit 77 (skipped) when the balancer, wrk, curl, rsync or
# python3 is missing, unless FLEET_REQUIRED=1 (CI), which makes that a failure.
# shellcheck disable=SC2015  # `a && b || die`: die when a or b fails
set -euo pipefail
kind=${1:?usage: fleet_test.sh nginx|haproxy}
FLEET_NAME="fleet-$kind"
: "${BANNERC:?set BANNERC}" "${BANNERD:?set BANNERD}"

for tool in "$kind" wrk curl rsync python3; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] && continue
  if [ "${FLEET_REQUIRED:-0}" = 1 ]; then echo "$FLEET_NAME: FAILED: $tool is not installed" >&2; exit 1; fi
  echo "$FLEET_NAME: skipped: $tool is not installed (tools/install-deps.sh nginx-light haproxy wrk rsync)" >&2
  exit 77
done
# shellcheck source=tests/fleet/lib.sh
source "$(dirname "$0")/lib.sh"
ROLLOUT=("$REPO/tools/rollout" --bannerc "$BANNERC" --rsh "$REPO/tests/fleet/local-rsh" --timeout 10)
DRAIN=4  # > HAProxy's time to take a node out: inter 1s x fall 2 (deploy/balancer/haproxy.cfg)
CONNECTIONS=16

# --- indexes: v1 and v2 differ in their seed (so in their checksum); bad is v3 with one byte off.
for v in 1 2 3; do "$BANNERC" build "$REPO/data/sample/csv" -o "$FLEET_TMP/v$v.idx" --seed "$v" -q 2>/dev/null; done
cp "$FLEET_TMP/v3.idx" "$FLEET_TMP/bad.idx"
size=$(stat -c %s "$FLEET_TMP/bad.idx")
printf '\377' | dd of="$FLEET_TMP/bad.idx" bs=1 seek=$((size / 2)) conv=notrunc status=none
v1=$(checksum_of "$FLEET_TMP/v1.idx") v2=$(checksum_of "$FLEET_TMP/v2.idx") v3=$(checksum_of "$FLEET_TMP/v3.idx")
[ -n "$v1" ] && [ -n "$v2" ] && [ "$v1" != "$v2" ] || die "v1 and v2 must have two checksums"
"$BANNERC" inspect "$FLEET_TMP/v1.idx" --json --quarter 1 >"$FLEET_TMP/q1.json"
# All campaign ids of quarter 1 (for wrk), and the two with the shortest lists of 2 or more
# banners (for the visitor: the shorter the list, the likelier a repeat without the cookie).
python3 - "$FLEET_TMP/q1.json" "$FLEET_TMP/ids.txt" "$FLEET_TMP/visit.txt" <<'EOF'
import json, sys
lists = json.load(open(sys.argv[1]))["lists"]
open(sys.argv[2], "w").write("".join(f"{l['campaign_id']}\n" for l in lists))
multi = sorted((len(l["banners"]), l["campaign_id"]) for l in lists if len(l["banners"]) >= 2)
open(sys.argv[3], "w").write(f"{multi[0][1]} {multi[1][1]}\n")
EOF
read -r visit_a visit_b <"$FLEET_TMP/visit.txt"

# --- the fleet: node 3 is reached as a remote node (HOST:DIR, through local-rsh and rsync).
fleet_nodes 3 3
log "first install: tools/rollout v1 ($v1) to 3 node folders"
"${ROLLOUT[@]}" -q "$FLEET_TMP/v1.idx" "${nodes[@]}" || die "first rollout failed"
for i in 1 2 3; do start_node "$i" --drain-seconds "$DRAIN"; done
start_balancer "$kind" 3
lb="http://127.0.0.1:$balancer_port"

# --- 1. the visitor ------------------------------------------------------------------------
# visit cookies|no-cookies: sets repeats, crossings, used (tests/fleet/visitor.py says what).
visit() {
  local out
  out=$(python3 "$REPO/tests/fleet/visitor.py" "$lb" "$visit_a" "$visit_b" $requests "$1" \
        "$(node_url 1)" "$(node_url 2)" "$(node_url 3)") || die "the visitor failed"
  repeats=$(grep -o 'repeats=[0-9]*' <<<"$out" | cut -d= -f2)
  crossings=$(grep -o 'crossings=[0-9]*' <<<"$out" | cut -d= -f2)
  used=$(grep -o 'nodes=[0-9,]*' <<<"$out" | cut -d= -f2)
}
requests=60
visit cookies
log "visitor with cookies: $requests requests to campaigns $visit_a and $visit_b, answered by nodes $used;" \
    "$crossings of $((requests - 2)) repeat visits crossed nodes; $repeats repeated banner(s)"
[ "$repeats" = 0 ] || die "the visitor saw the same banner twice in a row $repeats time(s)"
[ "$used" = 1,2,3 ] || die "the visitor's requests landed on nodes $used only, not on all three"
[ "$crossings" -ge $((requests / 2)) ] || die "only $crossings repeat visits crossed nodes: not round-robin"
visit no-cookies
log "control, no cookies: $repeats repeated banner(s) in $((requests - 2)) repeat visits"
[ "$repeats" -gt 0 ] || die "without cookies no banner repeated: the visitor check above proves nothing"

# --- 2. rollout under load -----------------------------------------------------------------
assert_clean() {  # NAME: the wrk run NAME had requests and no failure of any kind
  log "$1: $wrk_requests requests ($wrk_rps/s), non-2xx $wrk_non2xx, socket errors $wrk_socket_errors"
  [ "$wrk_requests" -gt 0 ] || die "$1: wrk sent no request"
  [ "$wrk_non2xx" = 0 ] && [ "$wrk_socket_errors" = 0 ] || die "$1: requests failed: $wrk_line"
}
assert_fleet_serves() {  # CHECKSUM NODE...
  local want=$1 i got
  shift
  for i in "$@"; do
    got=$(served_checksum "$(node_url "$i")")
    [ "$got" = "$want" ] || die "node $i serves ${got:-nothing}, not $want"
  done
}
wrk_start rollout "$lb" $CONNECTIONS 6 "$FLEET_TMP/ids.txt"
sleep 1.5
"${ROLLOUT[@]}" "$FLEET_TMP/v2.idx" "${nodes[@]}" >"$FLEET_TMP/rollout-v2.log" 2>&1 ||
  { cat "$FLEET_TMP/rollout-v2.log" >&2; die "the rollout of v2 failed"; }
sed 's/^/    /' "$FLEET_TMP/rollout-v2.log" >&2
wrk_finish rollout
assert_clean "rollout of v2 under load"
assert_fleet_serves "$v2" 1 2 3

# --- 3. a corrupt index --------------------------------------------------------------------
wrk_start corrupt "$lb" $CONNECTIONS 4 "$FLEET_TMP/ids.txt"
sleep 1
rc=0
"${ROLLOUT[@]}" "$FLEET_TMP/bad.idx" "${nodes[@]}" >"$FLEET_TMP/rollout-bad.log" 2>&1 || rc=$?
sed 's/^/    /' "$FLEET_TMP/rollout-bad.log" >&2
[ "$rc" = 1 ] || die "the rollout of a corrupt index exited $rc, not 1"
grep -q "node 1 (.*) refused .*bad.idx: .*corrupt" "$FLEET_TMP/rollout-bad.log" || die "the failure does not say node 1 refused it"
wrk_finish corrupt
assert_clean "corrupt rollout under load"
assert_fleet_serves "$v2" 1 2 3
for i in 1 2 3; do
  leftovers=$(find "$(node_dir "$i")/releases" -name "$v3.idx" -o -name '.rollout-*')
  [ -z "$leftovers" ] || die "node $i kept $leftovers"
done

# --- 4. SIGKILL under load -----------------------------------------------------------------
mark=$(balancer_log_mark)
wrk_start kill "$lb" $CONNECTIONS 6 "$FLEET_TMP/ids.txt"
sleep 2
kill -KILL "${node_pid[2]}"
wait "${node_pid[2]}" 2>/dev/null || true
log "node 2 SIGKILLed"
wrk_finish kill
failed=$((wrk_non2xx + wrk_socket_errors))
log "SIGKILL under load: $wrk_requests requests, $failed failed ($wrk_line); $kind logged:"
balancer_events_since "$mark" >&2
# A GET the balancer had sent to node 2 when it died gets no answer; the balancer retries it on
# another node (connection errors are retried), so the failures, if any, are requests the retry
# did not cover: at most one per connection, since each wrk connection has one request in flight.
[ "$failed" -le $CONNECTIONS ] || die "$failed requests failed: more than the $CONNECTIONS that can be in flight"
if [ "$failed" -gt 0 ]; then
  log "the $failed failed request(s) were in flight on node 2 when it died and were not retried"
fi
before1=$(node_requests 1) before3=$(node_requests 3)
wrk_start after_kill "$lb" $CONNECTIONS 2 "$FLEET_TMP/ids.txt"
wrk_finish after_kill
assert_clean "with node 2 dead"
[ $(($(node_requests 1) - before1)) -gt 0 ] && [ $(($(node_requests 3) - before3)) -gt 0 ] ||
  die "nodes 1 and 3 did not share the load with node 2 dead"
start_node 2 --drain-seconds "$DRAIN"
before2=$(node_requests 2)
deadline=$((SECONDS + 20))
until [ "$(node_requests 2)" -gt "$before2" ]; do
  [ $SECONDS -lt $deadline ] || die "node 2, restarted, got no request from $kind in 20 s"
  curl -fsS -o /dev/null --max-time 2 "$lb/campaigns/$visit_a" || die "a request failed while node 2 rejoined"
  sleep 0.1
done
log "node 2 restarted and back in the rotation"

# --- 5. SIGTERM with the drain under load --------------------------------------------------
mark=$(balancer_log_mark)
wrk_start drain "$lb" $CONNECTIONS $((DRAIN + 3)) "$FLEET_TMP/ids.txt"
sleep 1
start=$SECONDS
stop_node 3 TERM
log "node 3 SIGTERMed: exited $node_status after $((SECONDS - start)) s (--drain-seconds $DRAIN)"
[ "$node_status" = 0 ] || die "node 3 exited $node_status after SIGTERM"
wrk_finish drain
assert_clean "SIGTERM with drain under load"
log "$kind logged:"
balancer_events_since "$mark" >&2
grep -q 'event=draining' "$(node_dir 3)/bannerd.log" || die "node 3 did not log its drain"
if [ "$kind" = haproxy ]; then
  # HAProxy read /readyz's 503: that is what took node 3 out before it closed.
  grep -q 'bannerd/node3 is DOWN.*503' "$balancer_dir/stderr.log" ||
    { cat "$balancer_dir/stderr.log" >&2; die "HAProxy did not take node 3 out on /readyz"; }
fi

stop_balancer
for i in 1 2; do
  stop_node "$i" INT  # INT: no drain
  [ "$node_status" = 0 ] || die "node $i exited $node_status"
done
! grep -l 'Sanitizer' "$FLEET_TMP"/node*/bannerd.log || die "a sanitizer report in a node's log"
log "passed"
