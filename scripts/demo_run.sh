#!/usr/bin/env bash
# demo_run.sh BUILD_DIR — the demo itself, on an existing build.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
DVM=$B/dvm
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

echo "== dvm asm: assemble examples/fib.s into a container"
$DVM asm examples/fib.s -o "$T/fib.dvm"
echo "== dvm exec: fib(24) by recursion through local calls, on both interpreters"
$DVM exec "$T/fib.dvm" --mem 00 --interp fast --entry fib_main
$DVM exec "$T/fib.dvm" --mem 00 --interp ref --entry fib_main
echo "== the same program with too little gas: a trap consumes the whole limit"
$DVM exec "$T/fib.dvm" --mem 00 --gas 500 --entry fib_main || true
echo "== a program that tries to write its read-only data is stopped"
printf 'lddw %%r1, 0x100000000\nstb [%%r1], 1\nexit\n' >"$T/escape.s"
$DVM exec "$T/escape.s" || true
echo "== trace of the first instructions (reference interpreter, JSON lines)"
$DVM exec "$T/fib.dvm" --mem 00 --entry fib_main --trace "$T/trace.jsonl" >/dev/null
head -3 "$T/trace.jsonl"
echo "== disassembly round trip"
$DVM disasm "$T/fib.dvm" >"$T/fib2.s"
$DVM asm "$T/fib2.s" -o "$T/fib2.dvm"
cmp "$T/fib.dvm" "$T/fib2.dvm" && echo "fib.dvm -> disasm -> asm: byte-identical"
