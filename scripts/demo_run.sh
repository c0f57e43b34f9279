#!/usr/bin/env bash
# demo_run.sh [BUILD_DIR] — the demo on an existing build: `dvm demo` (a
# fresh dev chain in BUILD_DIR/demo, the perp, options, option_pool and
# vault contracts deployed, a seeded market session of a few thousand
# transactions, `dvm replay` of the whole chain, the summary and the chart
# BUILD_DIR/demo/demo.png), then the VM alone: an assembled program on both
# interpreters, a trap, a trace.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
DVM=$B/dvm
rm -rf "$B/demo"
"$DVM" demo --data "$B/demo"
echo
echo "The chain stays in $B/demo: try"
echo "  $DVM query head --data $B/demo"
echo "  $DVM replay --data $B/demo"
echo "  $DVM node --data $B/demo --rpc 127.0.0.1:8545"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo
echo "== the VM alone: dvm asm examples/fib.s, fib(24) on both interpreters"
$DVM asm examples/fib.s -o "$T/fib.dvm"
$DVM exec "$T/fib.dvm" --mem 00 --interp fast --entry fib_main
$DVM exec "$T/fib.dvm" --mem 00 --interp ref --entry fib_main
echo "== too little gas: a trap consumes the whole limit"
$DVM exec "$T/fib.dvm" --mem 00 --gas 500 --entry fib_main || true
echo "== trace of the first instructions (reference interpreter, JSON lines)"
$DVM exec "$T/fib.dvm" --mem 00 --entry fib_main --trace "$T/trace.jsonl" >/dev/null
head -2 "$T/trace.jsonl"
