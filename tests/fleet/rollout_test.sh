#!/usr/bin/env bash
# tests/fleet/rollout_test.sh: tools/rollout against three bannerd nodes on loopback (no
# balancer), node 3 reached as a remote node (HOST:DIR through local-rsh and rsync):
#   usage errors; a first install; a rollout and its re-run; a corrupt index refused by node 1;
#   an unreachable node found before anything is copied; a node that does not take the release
#   in time and one whose bannerd refuses it (flipped back, the rollout stops, the printed
#   rollback command undoes the nodes before it); pruning to --keep; --rollback and its undo.
# Env: BANNERC, BANNERD. Exit 77 (skipped) without curl, rsync or python3, unless
# FLEET_REQUIRED=1.
# shellcheck disable=SC2015  # `a && b || die`: die when a or b fails
set -euo pipefail
FLEET_NAME=rollout
: "${BANNERC:?set BANNERC}" "${BANNERD:?set BANNERD}"
for tool in curl rsync python3; do
  command -v "$tool" >/dev/null 2>&1 && continue
  if [ "${FLEET_REQUIRED:-0}" = 1 ]; then echo "rollout: FAILED: $tool is not installed" >&2; exit 1; fi
  echo "rollout: skipped: $tool is not installed" >&2
  exit 77
done
# shellcheck source=tests/fleet/lib.sh
source "$(dirname "$0")/lib.sh"
ROLLOUT=("$REPO/tools/rollout" --bannerc "$BANNERC" --rsh "$REPO/tests/fleet/local-rsh")

declare -A sum  # sum[V]: the checksum of index vV, built with --seed V
for v in 1 2 3 4 5; do
  "$BANNERC" build "$REPO/data/sample/csv" -o "$FLEET_TMP/v$v.idx" --seed "$v" -q 2>/dev/null
  sum[$v]=$(checksum_of "$FLEET_TMP/v$v.idx")
done
cp "$FLEET_TMP/v3.idx" "$FLEET_TMP/bad.idx"
printf '\377' | dd of="$FLEET_TMP/bad.idx" bs=1 seek=1000 conv=notrunc status=none

# run NAME EXPECTED_STATUS ARGS...: tools/rollout ARGS, its output in $FLEET_TMP/NAME.log.
run() {
  local name=$1 want=$2 rc=0
  shift 2
  "${ROLLOUT[@]}" "$@" >"$FLEET_TMP/$name.log" 2>&1 || rc=$?
  sed 's/^/    /' "$FLEET_TMP/$name.log" >&2
  [ "$rc" = "$want" ] || die "$name: tools/rollout exited $rc, not $want"
}
expect_log() { grep -q -- "$2" "$FLEET_TMP/$1.log" || die "$1: the output does not say: $2"; }
serves() {  # CHECKSUM NODE...: each NODE serves CHECKSUM and its current names it
  local want=$1 i
  shift
  for i in "$@"; do
    [ "$(served_checksum "$(node_url "$i")")" = "$want" ] || die "node $i does not serve $want"
    [ "$(readlink "$(node_dir "$i")/current")" = "releases/$want.idx" ] || die "node $i's current is not releases/$want.idx"
  done
}

log "usage errors"
"$REPO/tools/rollout" --help | grep -q -- '--rollback' || die "--help does not explain --rollback"
run no-nodes 2 "$FLEET_TMP/v1.idx"
run bad-node 2 "$FLEET_TMP/v1.idx" "$FLEET_TMP/n1"
run bad-keep 2 --keep 1 "$FLEET_TMP/v1.idx" "$FLEET_TMP/n1=http://127.0.0.1:1"
run no-index 2 "$FLEET_TMP/missing.idx" "$FLEET_TMP/n1=http://127.0.0.1:1"

fleet_nodes 3 3

log "first install, then the nodes start on it"
run install 0 "$FLEET_TMP/v1.idx" "${nodes[@]}"
expect_log install "first release"
start_node 1
# Node 2 runs as nobody, as a packaged bannerd runs as its own user: a release it cannot read is
# how its bannerd refuses a file that verified (below). Only root can start it so.
as_nobody=0
if [ "$(id -u)" = 0 ]; then
  as_nobody=1
  NODE_PREFIX="setpriv --reuid=nobody --regid=nogroup --clear-groups" start_node 2
else
  start_node 2
fi
start_node 3
serves "${sum[1]}" 1 2 3

log "a rollout, then the same again"
run v2 0 "$FLEET_TMP/v2.idx" "${nodes[@]}"
serves "${sum[2]}" 1 2 3
for i in 1 2 3; do
  [ "$(readlink "$(node_dir "$i")/previous")" = "releases/${sum[1]}.idx" ] || die "node $i's previous is not v1"
done
run v2-again 0 "$FLEET_TMP/v2.idx" "${nodes[@]}"
[ "$(grep -c 'already serves' "$FLEET_TMP/v2-again.log")" = 3 ] || die "a re-run flipped a node again"

log "a corrupt index: node 1 refuses it, nothing is flipped"
run corrupt 1 "$FLEET_TMP/bad.idx" "${nodes[@]}"
expect_log corrupt "node 1 (.*) refused .*checksum mismatch"
serves "${sum[2]}" 1 2 3
[ -z "$(find "$FLEET_TMP"/node*/releases -name '.rollout-*' -o -name "${sum[3]}.idx")" ] || die "the corrupt copy was left behind"

log "an unreachable node: found before anything is copied"
stop_node 3 TERM
run unreachable 1 "$FLEET_TMP/v3.idx" "${nodes[@]}"
expect_log unreachable "node 3 (node3.example:.*): no banner_index_info .*nothing was changed"
[ -z "$(find "$FLEET_TMP"/node*/releases -name "${sum[3]}.idx")" ] || die "v3 was copied although node 3 is down"
start_node 3

log "a node that does not take the release in time: node 1 with no watch and no poll"
stop_node 1 TERM
start_node 1 --no-watch --poll-interval 0
run slow 1 --timeout 1 "$FLEET_TMP/v3.idx" "${nodes[@]}"
expect_log slow "node 1 (.*) refused releases/${sum[3]}.idx: it did not serve ${sum[3]} within 1s"
expect_log slow "no node was changed"
serves "${sum[2]}" 1 2 3
stop_node 1 TERM
start_node 1

if [ "$as_nobody" = 1 ]; then
  log "a node whose bannerd refuses the release: node 2 (user nobody) cannot read a mode-600 copy"
  chmod 600 "$FLEET_TMP/v3.idx"
  run refused 1 "$FLEET_TMP/v3.idx" "${nodes[@]}"
  chmod 644 "$FLEET_TMP/v3.idx"
  expect_log refused "node 2 (.*) refused releases/${sum[3]}.idx: its bannerd refused the file"
  expect_log refused "Its current is back on releases/${sum[2]}.idx (it serves ${sum[2]})"
  serves "${sum[3]}" 1
  serves "${sum[2]}" 2 3
  grep -q 'event=reload_failed' "$(node_dir 2)/bannerd.log" || die "node 2 did not log the refusal"
  # The command the failure prints rolls back what this run flipped: node 1 only.
  undo=$(grep -o "to undo, tools/rollout --rollback .*" "$FLEET_TMP/refused.log" | sed 's/^to undo, tools\/rollout //')
  eval "run undo 0 $undo"
  serves "${sum[2]}" 1 2 3
else
  log "not root: the bannerd-refuses case needs a node running as another user; left out"
fi

log "pruning: three rollouts with --keep 2 leave the current and previous releases only"
for v in 3 4 5; do run "keep-v$v" 0 --keep 2 "$FLEET_TMP/v$v.idx" "${nodes[@]}"; done
serves "${sum[5]}" 1 2 3
for i in 1 2 3; do
  kept=$(find "$(node_dir "$i")/releases" -mindepth 1 -printf '%f\n' | sort | xargs)
  want=$(printf '%s\n' "${sum[4]}.idx" "${sum[5]}.idx" | sort | xargs)
  [ "$kept" = "$want" ] || die "node $i kept '$kept', not '$want'"
done

log "--rollback, then --rollback again"
run rollback 0 --rollback "${nodes[@]}"
serves "${sum[4]}" 1 2 3
run rollback-again 0 --rollback "${nodes[@]}"
serves "${sum[5]}" 1 2 3

for i in 1 2 3; do
  stop_node "$i" TERM
  [ "$node_status" = 0 ] || die "node $i exited $node_status"
done
log "passed"
