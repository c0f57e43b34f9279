#!/usr/bin/env bash
# golden.sh DET_RUN CONTRACTS GOLDEN — the fixed 24-block sequence of
# det_run.c gives exactly the block hashes, state roots, receipts roots and
# gas recorded in GOLDEN. Written before the restructuring (issue 15) so
# that moving code cannot change consensus unnoticed; a change that is meant
# to alter gas or header fields updates GOLDEN in the same commit and says why.
set -u
DET=$1
CON=$2
GOLD=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$DET" run "$T/a" "$CON" 24 >"$T/a.out" || { echo "FAIL: det_run"; exit 1; }
if ! cmp -s "$GOLD" "$T/a.out"; then
  echo "FAIL: the 24 blocks differ from $GOLD:"
  diff "$GOLD" "$T/a.out"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "24 blocks equal to the golden record: $(tail -1 "$T/a.out" | cut -d' ' -f1-3)"
echo "1 passed, 0 failed"
