#!/usr/bin/env bash
# cross_build_check.sh BUILD_A BUILD_B — run the fixed block sequence of
# tests/runtime/det_run.c (deploys, calls with storage traffic, transfers,
# oracle updates, reverts and traps) with the engine of two builds and
# compare every block hash, state root and receipts root. Any difference
# is a consensus failure.
set -euo pipefail
cd "$(dirname "$0")/.."
A=$1
B=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$A/tests/det_run" run "$T/a" tests/runtime/contracts 24 >"$T/a.out"
"$B/tests/det_run" run "$T/b" tests/runtime/contracts 24 >"$T/b.out"
if ! cmp -s "$T/a.out" "$T/b.out"; then
  echo "cross-build divergence between $A and $B:"
  diff "$T/a.out" "$T/b.out" || true
  exit 1
fi
echo "24 blocks identical in $A and $B; head: $(tail -1 "$T/a.out" | cut -d' ' -f1,3)"
