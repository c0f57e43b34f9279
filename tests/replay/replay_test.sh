#!/usr/bin/env bash
# replay_test.sh DVM DET_RUN TAMPER TEST_TRACE TESTDIR — `dvm replay`,
# `dvm export` and `dvm import` on the 24-block det_run chain (README
# §Replay): a healthy chain replays to exit 0; --from/--to; an altered
# receipt and an altered state entry each give exit 3 naming exactly their
# block and transaction; an altered block header names its block; export ->
# import -> replay passes; truncated or corrupt exports are refused and
# change nothing; the trace of `dvm replay --trace` equals the engine's.
set -u
DVM=$1 DET=$2 TAMPER=$3 TRACE=$4 TD=$5
CON=$TD/runtime/contracts
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect() { # expect NAME WANT_RC GOT_RC FILE PATTERN...
  local name=$1 want=$2 got=$3 file=$4; shift 4
  if [ "$got" != "$want" ]; then bad "$name: exit $got, want $want: $(cat "$file")"; return; fi
  for p in "$@"; do
    if ! grep -qF -- "$p" "$file"; then bad "$name: no '$p' in: $(cat "$file")"; return; fi
  done
  ok
}

"$DET" run "$T/a" "$CON" 24 >/dev/null || { echo "FAIL: det_run"; exit 1; }

# 1. a healthy chain
"$DVM" replay --data "$T/a" >out 2>err; rc=$?
expect healthy 0 $rc out "blocks 1..24 match (24 compared from block 1), 352 transactions" "state: 363 entries match"

# 2. a range: blocks below --from rebuild the state only; --to stops early
"$DVM" replay --data "$T/a" --from 10 --to 15 >out 2>err; rc=$?
expect range 0 $rc out "blocks 1..15 match (6 compared from block 10)" "not compared (--to 15 is below the head 24)"
"$DVM" replay --data "$T/a" --to 30 >out 2>&1; rc=$?
expect "past the head" 1 $rc out "--to 30: the data directory ends at block 24"
"$DVM" replay --data "$T/nope" >out 2>&1; rc=$?
expect "not a data directory" 1 $rc out "not a data directory"

# 3. one stored receipt altered: transaction 1 of block 7 (a transfer)
cp -r "$T/a" "$T/r"
id=$("$TAMPER" receipt "$T/r" 7 1) || bad "tamper receipt"
"$DVM" replay --data "$T/r" --trace-out "$T/r.jsonl" >out 2>err; rc=$?
expect receipt 3 $rc out "DIVERGENCE at block 7, transaction 1 ($id)" "what:     receipt.gas_used" \
  "trace:    $T/r.jsonl (re-execution of transaction 1 of block 7)"
# expected (stored) is the re-executed gas + 1
e=$(sed -n 's/^  expected: \([0-9]*\) .*/\1/p' out); a=$(sed -n 's/^  actual:   \([0-9]*\) .*/\1/p' out)
if [ -n "$e" ] && [ "$e" = $((a + 1)) ]; then ok; else bad "receipt values: expected '$e' actual '$a'"; fi
# a transfer runs no instruction: its trace is the summary line, with its gas
if [ "$(wc -l <"$T/r.jsonl")" = 1 ] && grep -q "\"gasUsed\":$a,\"status\":\"ok\",\"tx\":\"$id\",\"block\":7,\"index\":1,\"steps\":0}" "$T/r.jsonl"
then ok; else bad "receipt trace: $(cat "$T/r.jsonl")"; fi

# the same on a call batch (transaction 0 of block 12): the trace has instructions
cp -r "$T/a" "$T/r2"
id=$("$TAMPER" receipt "$T/r2" 12 0)
"$DVM" replay --data "$T/r2" --trace-out "$T/r2.jsonl" >out 2>err; rc=$?
expect "receipt (calls)" 3 $rc out "DIVERGENCE at block 12, transaction 0 ($id)" "what:     receipt.gas_used"
n=$(wc -l <"$T/r2.jsonl")
if [ "$n" -gt 100 ] && head -1 "$T/r2.jsonl" | grep -q '^{"pc":[0-9]*,"op":[0-9]*,"name":"[a-z0-9]*","gas":100000,"gasCost":1,"depth":1,"frame":0,"regs":\["0x0","0x400000000",' \
   && tail -1 "$T/r2.jsonl" | grep -q "\"tx\":\"$id\",\"block\":12,\"index\":0,\"steps\":$((n - 1))}" \
   && grep -q '"depth":2,' "$T/r2.jsonl"
then ok; else bad "call trace: $n lines; $(head -1 "$T/r2.jsonl"); $(tail -1 "$T/r2.jsonl")"; fi

# 4. one state entry altered: the USD... balance of the account 0x35..35 in
# asset 2, which only transaction 1 (a transfer) of block 6 wrote
cp -r "$T/a" "$T/s"
key=$(printf '35%.0s' $(seq 32))0100000002
"$TAMPER" state "$T/s" accounts "$key" || bad "tamper state"
"$DVM" replay --data "$T/s" --trace-out "$T/s.jsonl" >out 2>err; rc=$?
expect "state entry" 3 $rc out "DIVERGENCE at block 6, transaction 1 (" "what:     state entry" \
  "expected: 0600000000000001" "actual:   0600000000000000" \
  "detail:   table accounts, key $key; last written by block 6, transaction 1"
if grep -q '"block":6,"index":1,"steps":0}' "$T/s.jsonl"; then ok; else bad "state trace: $(cat "$T/s.jsonl")"; fi

# 5. a stored block header altered: its state root (the next block's parent no longer matches either)
cp -r "$T/a" "$T/h"
"$TAMPER" header "$T/h" 9
"$DVM" replay --data "$T/h" >out 2>err; rc=$?
expect header 3 $rc out "DIVERGENCE at block 9 (the block as a whole)" "what:     header.state_root"

# 6. export -> import on a fresh directory -> replay
"$DVM" export --data "$T/a" "$T/chain.dvmx" >out 2>&1; rc=$?
expect export 0 $rc out "blocks 0..24"
"$DVM" import --data "$T/b" "$T/chain.dvmx" >out 2>&1; rc=$?
expect import 0 $rc out "blocks 0..24 applied and validated"
"$DVM" replay --data "$T/b" >out 2>err; rc=$?
expect "replay of the import" 0 $rc out "blocks 1..24 match" "state: 363 entries match"
"$DVM" import --data "$T/b" "$T/chain.dvmx" >out 2>&1; rc=$?
expect "import into a used directory" 1 $rc out "exists: import builds a new data directory"
# a node's data directory (spec/rpc.md §7): DIR/chain and DIR/genesis.json
[ -f "$T/b/chain/data.mdb" ] && grep -q '"chain_id":"dvm-test"' "$T/b/genesis.json" && ok || bad "import layout: $(ls -R "$T/b")"
# truncated, corrupt, trailing bytes: refused, nothing created
size=$(stat -c %s "$T/chain.dvmx")
head -c $((size - 1000)) "$T/chain.dvmx" >"$T/trunc.dvmx"
"$DVM" import --data "$T/c" "$T/trunc.dvmx" >out 2>&1; rc=$?
expect truncated 1 $rc out "truncated"
[ ! -e "$T/c" ] && [ -z "$(ls -d "$T"/c.import-* 2>/dev/null)" ] && ok || bad "truncated import left files"
cp "$T/chain.dvmx" "$T/corrupt.dvmx"
printf '\xff' | dd of="$T/corrupt.dvmx" bs=1 seek=$((size / 2)) conv=notrunc status=none
"$DVM" import --data "$T/c" "$T/corrupt.dvmx" >out 2>&1; rc=$?
expect corrupt 1 $rc out "corrupt"
[ ! -e "$T/c" ] && ok || bad "corrupt import created the directory"
mkdir "$T/e"
head -c 30 "$T/chain.dvmx" >"$T/short.dvmx"
"$DVM" import --data "$T/e" "$T/short.dvmx" >out 2>&1; rc=$?
expect "short file" 1 $rc out "truncated"
[ -d "$T/e" ] && [ -z "$(ls -A "$T/e")" ] && ok || bad "the empty target changed"

# 7. the trace of `dvm replay --trace` is the engine's (test_trace checks it field by field)
"$TRACE" "$T/t" "$TD/replay" >out 2>&1; rc=$?
expect "trace fields" 0 $rc out "0 failed"
"$DVM" replay --data "$T/t" --trace "$(cat "$T/t.g.id")" --trace-out "$T/t.cli.jsonl" >out 2>err; rc=$?
expect "replay --trace" 0 $rc out "trace of $(cat "$T/t.g.id") written to $T/t.cli.jsonl"
cmp -s "$T/t.g.jsonl" "$T/t.cli.jsonl" && ok || bad "replay --trace differs from dvm_rt_chain_trace_tx: $(diff "$T/t.g.jsonl" "$T/t.cli.jsonl" | head -5)"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
