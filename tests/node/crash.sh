#!/usr/bin/env bash
# crash.sh DVM [ROUNDS] — `dvm node` killed with SIGKILL at random moments
# under a steady load of client transfers, ROUNDS times (default 20).
# After each restart every transaction whose receipt a client had received
# is in the chain with the same receipt, and the sender's nonce covers it.
# At the end `dvm replay` re-executes the whole chain, state included, and
# must find everything matching (exit 0).
set -euo pipefail
DVM=$1 ROUNDS=${2:-20}
WORK=$(mktemp -d /tmp/dvm-node-crash.XXXXXX)
NODE=""; LOAD=""
cleanup() {
  [ -n "$LOAD" ] && kill "$LOAD" 2>/dev/null || true
  [ -n "$NODE" ] && kill -9 "$NODE" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
D=$WORK/data
"$DVM" init --data "$D" >/dev/null
DEV1=$(jq -r .address "$D/keys/dev1.key")
RANDOM=11 # the kill moments are pseudo-random but the same in every run
: >"$WORK/acked"
for round in $(seq "$ROUNDS"); do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  URL="http://127.0.0.1:$port/"
  "$DVM" node --data "$D" --rpc "127.0.0.1:$port" --block-time 20 >/dev/null 2>>"$WORK/node.err" &
  NODE=$!
  for _ in $(seq 200); do curl -s -o /dev/null "$URL" && break; sleep 0.02; done
  # Every receipt acknowledged before the last crash is there, unchanged
  # (asked in batches of 100, the node's batch limit).
  split -l 100 "$WORK/acked" "$WORK/chunk."  2>/dev/null || true
  for f in "$WORK"/chunk.*; do
    [ -e "$f" ] || continue
    req=$(jq -R -s -c 'split("\n") | map(select(length > 0) | split(" ")) | to_entries
            | map({jsonrpc: "2.0", id: .key, method: "dvm_getReceipt", params: {id: .value[0]}})' "$f")
    got=$(curl -s -H 'Content-Type: application/json' --data "$req" "$URL" | jq -r 'sort_by(.id) | .[] | .result.status')
    want=$(cut -d' ' -f2 "$f")
    [ "$got" = "$want" ] || fail "round $round: an acknowledged receipt from $f is missing or changed after the restart"
    rm -f "$f"
  done
  # Load: transfers one after the other; a receipt received is recorded.
  ( while :; do
      "$DVM" send "$DEV1" GAS 1 --key "$D/keys/dev0.key" --rpc "$URL" --json 2>/dev/null >"$WORK/out.json" || continue
      r=$(jq -r '"\(.id) \(.receipt.status)"' "$WORK/out.json" 2>/dev/null) || continue
      case "$r" in *" ok") echo "$r" >>"$WORK/acked" ;; esac
    done ) &
  LOAD=$!
  sleep "0.$((RANDOM % 7 + 2))"
  kill -9 "$NODE"; wait "$NODE" 2>/dev/null || true; NODE=""
  kill "$LOAD"; wait "$LOAD" 2>/dev/null || true; LOAD=""
done
n=$(wc -l <"$WORK/acked")
[ "$n" -ge "$ROUNDS" ] || fail "only $n transactions acknowledged in $ROUNDS rounds"
# Last check on the data directory itself (no node): nonce >= acknowledged count.
nonce=$("$DVM" query nonce "$(jq -r .address "$D/keys/dev0.key")" --data "$D" --json | jq -r .nonce)
[ "$nonce" -ge "$n" ] || fail "nonce $nonce below the $n acknowledged transfers"
# The chain written across the kills replays from genesis to the same blocks,
# receipts and state.
"$DVM" replay --data "$D" --work "$WORK" --quiet >"$WORK/replay.out" 2>&1 || { cat "$WORK/replay.out" >&2; fail "dvm replay after the kills"; }
grep -q '^replay: OK: ' "$WORK/replay.out" && grep -q '^replay: state: .* entries match' "$WORK/replay.out" \
  || { cat "$WORK/replay.out" >&2; fail "replay verdict"; }
echo "node_crash: ok ($ROUNDS kills, $n acknowledged transactions all present, nonce $nonce, replay: $(head -1 "$WORK/replay.out" | cut -c13-))"
