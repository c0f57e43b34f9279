#!/usr/bin/env bash
# rpc.sh DVM COUNTER.dvm COUNTER.abi.json — `dvm node` end to end over
# JSON-RPC (spec/rpc.md): deploy, call, query, simulate, batches, then each
# refusal with its documented code and no state change, a flood past the
# rate limit, and a clean stop on SIGTERM. Every node started here is
# stopped on exit, failure included.
set -euo pipefail
DVM=$1 CODE=$2 ABI=$3
WORK=$(mktemp -d /tmp/dvm-node-rpc.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_node DIR ARGS... : sets URL and PID
start_node() {
  local dir=$1; shift
  local port; port=$(free_port)
  "$DVM" node --data "$dir" --rpc "127.0.0.1:$port" "$@" >"$dir.out" 2>"$dir.err" &
  PID=$!
  PIDS+=("$PID")
  URL="http://127.0.0.1:$port/"
  for _ in $(seq 100); do
    [ -s "$dir/rpc.url" ] && curl -s -o /dev/null "$URL" && return 0
    sleep 0.05
  done
  cat "$dir.err" >&2
  fail "node did not start"
}
# rpc JSON : the response body
rpc() { curl -s -H 'Content-Type: application/json' --data-binary "$1" "$URL"; }
# expect_code CODE JSON : the response is a JSON-RPC error with CODE
expect_code() {
  local got; got=$(rpc "$2" | jq -r '.error.code')
  [ "$got" = "$1" ] || fail "expected error $1 for $2, got $got"
}

D=$WORK/data
"$DVM" init --data "$D" >/dev/null
start_node "$D" --block-time 50
K0="--key $D/keys/dev0.key --rpc $URL"
DEV0=$(jq -r .address "$D/keys/dev0.key")
DEV1=$(jq -r .address "$D/keys/dev1.key")

# head at genesis
[ "$(rpc '{"jsonrpc":"2.0","id":1,"method":"dvm_head"}' | jq -r .result.height)" = 0 ] || fail "head"

# deploy with the ABI, call by method name, decoded return and event
"$DVM" deploy "$CODE" --abi "$ABI" $K0 --json >"$WORK/dep.json" || fail "deploy"
C=$(jq -r .contract "$WORK/dep.json")
[ "$(jq -r .receipt.status "$WORK/dep.json")" = ok ] || fail "deploy status"
"$DVM" call "$C" add '{"amount":7,"note":"0a0b"}' $K0 --json >"$WORK/call.json" || fail "call"
[ "$(jq -r '.receipt.calls[0].decoded.total' "$WORK/call.json")" = 7 ] || fail "decoded return"
[ "$(jq -r '.receipt.calls[0].logs[0].event' "$WORK/call.json")" = Added ] || fail "event name"
[ "$(jq -r '.receipt.calls[0].logs[0].fields.who' "$WORK/call.json")" = "$DEV0" ] || fail "event field"
"$DVM" call "$C" add '[5,""]' $K0 --json >/dev/null || fail "call 2"
# a revert exits 1 with the message in the receipt
set +e; "$DVM" call "$C" fail $K0 --json >"$WORK/fail.json"; rc=$?; set -e
[ $rc = 1 ] && [ "$(jq -r '.receipt.calls[0].revert' "$WORK/fail.json")" = "fail: always" ] || fail "revert ($rc)"
# arguments checked against the ABI before anything is sent
set +e; "$DVM" call "$C" add '{"amount":"x","note":""}' $K0 2>"$WORK/err.txt"; rc=$?; set -e
[ $rc = 2 ] && grep -q 'args.amount: u64: not a decimal' "$WORK/err.txt" || fail "bad args ($rc)"

# queries
[ "$("$DVM" query storage "$C" 746f74616c --rpc "$URL" --json | jq -r .value)" = 0c00000000000000 ] || fail "storage"
[ "$("$DVM" query nonce "$DEV0" --rpc "$URL" --json | jq -r .nonce)" = 4 ] || fail "nonce"
[ "$("$DVM" query contract "$C" --rpc "$URL" --json | jq -r .abi.contract)" = counter ] || fail "contract abi"
TXID=$(jq -r .id "$WORK/call.json")
H=$(rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_getReceipt\",\"params\":{\"id\":\"$TXID\"}}" | jq -r .result.height)
HASH=$(rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_getBlockByHeight\",\"params\":{\"height\":$H}}" | jq -r .result.hash)
[ "$(rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_getBlockByHash\",\"params\":{\"hash\":\"$HASH\"}}" | jq -r '.result.txs[0]')" = "$TXID" ] || fail "block by hash"
# simulation by method name (readonly: no transaction)
S=$(rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_simulate\",\"params\":{\"contract\":\"$C\",\"method\":\"total\"}}")
[ "$(echo "$S" | jq -r .result.decoded.total)/$(echo "$S" | jq -r .result.decoded.half)" = 12/6 ] || fail "simulate $S"
# oracle by the authority; a non-authority's update fails in its receipt
"$DVM" oracle 7 3174.60 100 --key "$D/keys/oracle.key" --rpc "$URL" >/dev/null || fail "oracle"
[ "$("$DVM" query oracle 7 --rpc "$URL" --json | jq -r .price)" = 3174.6 ] || fail "oracle price"
set +e; "$DVM" oracle 7 1 100 $K0 >/dev/null; rc=$?; set -e
[ $rc = 1 ] && [ "$("$DVM" query oracle 7 --rpc "$URL" --json | jq -r .price)" = 3174.6 ] || fail "non-authority oracle"

# batch: three answers in order, the unknown method as its error
B=$(rpc "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_head\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"dvm_getNonce\",\"params\":{\"address\":\"$DEV0\"}},{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"nope\"},{\"jsonrpc\":\"2.0\",\"method\":\"dvm_head\"}]")
[ "$(echo "$B" | jq -c '[.[].id]')" = "[1,2,3]" ] || fail "batch ids $B"
[ "$(echo "$B" | jq -r '.[1].result.nonce')/$(echo "$B" | jq -r '.[2].error.code')" = 5/-32601 ] || fail "batch $B"

# refusals, each with its code, and no state change
ROOT0=$(rpc '{"jsonrpc":"2.0","id":1,"method":"dvm_head"}' | jq -r .result.state_root)
expect_code -32700 '{"jsonrpc":"2.0","id":1,'
expect_code -32600 '{"jsonrpc":"1.0","id":1,"method":"dvm_head"}'
expect_code -32600 '[]'
expect_code -32601 '{"jsonrpc":"2.0","id":1,"method":"dvm_nope"}'
expect_code -32602 '{"jsonrpc":"2.0","id":1,"method":"dvm_getNonce","params":{"address":5}}'
expect_code -32602 '{"jsonrpc":"2.0","id":1,"method":"dvm_getBlockByHeight","params":{"height":"x"}}'
expect_code -32602 '{"jsonrpc":"2.0","id":1,"method":"dvm_getNonce","params":["x"]}'
expect_code -32010 '{"jsonrpc":"2.0","id":1,"method":"dvm_getBlockByHeight","params":{"height":999999}}'
# dvm_traceTransaction: the lines of spec/trace.md, the summary last; a limit; an unknown id
T=$(rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_traceTransaction\",\"params\":{\"id\":\"$TXID\"}}")
GU=$(rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_getReceipt\",\"params\":{\"id\":\"$TXID\"}}" | jq -r .result.gas_used)
[ "$(echo "$T" | jq -r '.result[-1] | "\(.tx) \(.status) \(.gasUsed) \(.block)"')" = "$TXID ok $GU $H" ] || fail "trace summary"
STEPS=$(echo "$T" | jq -r '.result[-1].steps')
[ "$STEPS" -gt 3 ] && [ "$(echo "$T" | jq -r '.result | length')" = $((STEPS + 1)) ] || fail "trace length"
[ "$(echo "$T" | jq -c '.result[0] | [.pc, .depth, .frame, (.regs | length)]')" = "[0,1,0,11]" ] || fail "trace first line"
T3=$(rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_traceTransaction\",\"params\":{\"id\":\"$TXID\",\"limit\":3}}")
[ "$(echo "$T3" | jq -c '[(.result | length), .result[3].omitted, .result[4].steps]')" = "[5,$((STEPS - 3)),$STEPS]" ] || fail "trace limit $T3"
expect_code -32010 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_traceTransaction\",\"params\":{\"id\":\"$(printf '%064d' 0)\"}}"
expect_code -32022 "[$(for i in $(seq 101); do printf '{"jsonrpc":"2.0","id":%d,"method":"dvm_head"},' $i; done)1]"
# a transfer signed but not sent: bad signature, then sent, then replayed
TX=$("$DVM" send "$DEV1" USD 1000 $K0 --sign-only)
BAD=${TX:0:${#TX}-2}$(printf '%02x' $(( (0x${TX: -2} + 1) % 256 )))
expect_code -32001 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_sendTransaction\",\"params\":{\"tx\":\"$BAD\"}}"
expect_code -32000 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_sendTransaction\",\"params\":{\"tx\":\"${TX:0:40}\"}}"
[ "$(rpc '{"jsonrpc":"2.0","id":1,"method":"dvm_head"}' | jq -r .result.state_root)" = "$ROOT0" ] || fail "state changed"
R=$(rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_sendTransaction\",\"params\":{\"tx\":\"$TX\",\"wait\":true}}")
[ "$(echo "$R" | jq -r .result.receipt.status)" = ok ] || fail "transfer $R"
BAL=$("$DVM" query balance "$DEV1" USD --rpc "$URL" --json | jq -r .amount)
[ "$BAL" = 1000000000001000 ] || fail "balance $BAL"
expect_code -32003 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dvm_sendTransaction\",\"params\":{\"tx\":\"$TX\"}}"
[ "$("$DVM" query balance "$DEV1" USD --rpc "$URL" --json | jq -r .amount)" = "$BAL" ] || fail "replay moved funds"
# oversized body: HTTP 413 and its code
head -c $((5 << 20)) /dev/zero | tr '\0' ' ' >"$WORK/big.json"
code=$(curl -s -o "$WORK/big.out" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$WORK/big.json" "$URL")
[ "$code" = 413 ] && [ "$(jq -r .error.code "$WORK/big.out")" = -32020 ] || fail "oversized: $code"

# clean stop: SIGTERM, exit 0, rpc.url gone, the chain audits (reopens) clean
kill -TERM "$PID"; wait "$PID" || fail "node exit status"
[ ! -e "$D/rpc.url" ] || fail "rpc.url left behind"
[ "$("$DVM" query balance "$DEV1" USD --data "$D" --json | jq -r .amount)" = "$BAL" ] || fail "after restart"

# a flood past the rate limit (5 per second, burst 10) on a second node
D2=$WORK/flood
"$DVM" init --data "$D2" >/dev/null
start_node "$D2" --rate 5
args=(); for i in $(seq 60); do args+=(-o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"dvm_head"}' "$URL"); done
curl -s "${args[@]}" >"$WORK/codes.txt"
n429=$(grep -c '^429$' "$WORK/codes.txt" || true)
n200=$(grep -c '^200$' "$WORK/codes.txt" || true)
[ $((n429 + n200)) = 60 ] && [ "$n429" -ge 30 ] && [ "$n200" -ge 10 ] || fail "flood: $n200 ok, $n429 limited"
code=$(curl -s -o "$WORK/lim.out" -w '%{http_code}' --data '{"jsonrpc":"2.0","id":1,"method":"dvm_head"}' "$URL")
[ "$code" = 200 ] || [ "$(jq -r .error.code "$WORK/lim.out")" = -32021 ] || fail "rate limit code"
echo "node_rpc: ok ($n200 served, $n429 rate-limited in the flood)"
