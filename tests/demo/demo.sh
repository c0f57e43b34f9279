#!/usr/bin/env bash
# demo.sh DVM CONTRACTS_DIR — `dvm demo` on a short session (40 blocks) in a
# temporary directory, twice with the same seed: both exit 0, print every
# summary field, end with a passing replay, reach the same state root (the
# session is deterministic), and write a PNG chart (skipped with a message
# when gnuplot is missing). Also `dvm deploy --init` by the ABI.
set -euo pipefail
DVM=$1 CONTRACTS=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/dvm-demo-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$DVM" demo --data "$WORK/a" --blocks 40 --contracts "$CONTRACTS" >"$WORK/a.out" 2>"$WORK/a.err" \
  || { cat "$WORK/a.out" "$WORK/a.err" >&2; fail "dvm demo exit status"; }
for f in chain 'state root' throughput perp funding liquidations options pool vault positions replay chart; do
  grep -q "^$f " "$WORK/a.out" || grep -q "^$f\$" "$WORK/a.out" || { cat "$WORK/a.out" >&2; fail "summary field '$f' missing"; }
done
grep -q '^replay        OK: blocks 1\.\.42 match' "$WORK/a.out" || fail "replay verdict: $(grep '^replay ' "$WORK/a.out")"
grep -q '^              state: [0-9]* entries match' "$WORK/a.out" || fail "replay state verdict"
grep -q '^chain         dvm-devnet: 42 blocks, ' "$WORK/a.out" || fail "chain line: $(grep '^chain ' "$WORK/a.out")"
n=$(sed -n 's/^liquidations  \([0-9]*\) .*/\1/p' "$WORK/a.out")
[ "${n:-0}" -ge 1 ] || fail "no liquidation"
grep -q '^funding       [1-9][0-9]* periods' "$WORK/a.out" || fail "no funding period"
grep -q '^vault         2 rolls' "$WORK/a.out" || fail "vault epochs"
grep -qE '^lever[0-9]x .* yes$' "$WORK/a.out" || fail "no leveraged account liquidated"
root=$(sed -n 's/^state root    \([0-9a-f]\{64\}\) .*/\1/p' "$WORK/a.out")
[ -n "$root" ] || fail "no state root"
[ "$("$DVM" query head --data "$WORK/a" --json | jq -r .state_root)" = "$root" ] || fail "the data directory's head is not the summary's"
if command -v gnuplot >/dev/null; then
  [ "$(head -c 8 "$WORK/a/demo.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "demo.png is not a PNG"
  grep -q "^chart         $WORK/a/demo.png " "$WORK/a.out" || fail "chart line"
else
  echo "demo: gnuplot not installed: chart check skipped (scripts/deps.sh installs gnuplot-nox)"
  grep -q '^chart         not drawn: gnuplot is not installed' "$WORK/a.out" || fail "chart line without gnuplot"
fi
# the same seed again: the same chain
"$DVM" demo --data "$WORK/b" --blocks 40 --contracts "$CONTRACTS" >"$WORK/b.out" 2>&1 || fail "second run"
grep -q "^state root    $root " "$WORK/b.out" || fail "the second run reached another state root"
# a data directory that already holds a chain is refused
set +e; "$DVM" demo --data "$WORK/a" --blocks 40 --contracts "$CONTRACTS" >/dev/null 2>&1; rc=$?; set -e
[ $rc = 1 ] || fail "demo over an existing chain: exit $rc"

# dvm deploy --init: JSON packed by the ABI's init method; a bad argument refused before sending
D=$WORK/c
"$DVM" init --data "$D" >/dev/null
K="--key $D/keys/dev0.key --data $D"
OPT=$("$DVM" deploy "$CONTRACTS/options.dvm" --abi "$SRC/contracts/options/options.abi.json" $K --json | jq -r .contract)
INIT="{\"options\":\"$OPT\",\"feed\":1,\"underlying\":2,\"quote\":1,\"spread\":\"0.02\",\"rate\":\"0.05\"}"
POOL=$("$DVM" deploy "$CONTRACTS/option_pool.dvm" --abi "$SRC/contracts/option_pool/option_pool.abi.json" --init "$INIT" $K --json | jq -r .contract)
# cfg = options address, u32 feed 1, u32 BTC 2, u32 USD 1, u32 e 11, fx 0.02, fx 0.05
[ "$("$DVM" query storage "$POOL" 636667 --data "$D" --json | jq -r .value)" = "${OPT}0100000002000000010000000b000000002d31010000000080f0fa0200000000" ] \
  || fail "pool config after deploy --init"
set +e; "$DVM" deploy "$CONTRACTS/option_pool.dvm" --abi "$SRC/contracts/option_pool/option_pool.abi.json" --init '{"feed":1}' $K 2>"$WORK/init.err"; rc=$?; set -e
[ $rc = 2 ] && grep -q 'missing' "$WORK/init.err" || fail "bad --init ($rc: $(cat "$WORK/init.err"))"
echo "demo: ok ($(grep '^chain ' "$WORK/a.out" | cut -c15-); root $root twice)"
