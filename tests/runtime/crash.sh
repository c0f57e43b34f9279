#!/usr/bin/env bash
# crash.sh DET_RUN CONTRACTS [ROUNDS] — kill -9 a process in the middle of
# producing and committing blocks, again and again; after each kill the
# reopened chain's state root, recomputed from scratch over every entry,
# equals the stored root of the last committed block, whose record is
# there, and the chain goes on from it. Sleep lengths come from a fixed
# seed; where the kill lands is up to the scheduler, which is the point.
set -u
DET=$1
CON=$2
ROUNDS=${3:-40}
T=$(mktemp -d)
trap 'kill -9 $pid 2>/dev/null; rm -rf "$T"' EXIT
RANDOM=7
pass=0 fail=0 last=0 pid=0
for i in $(seq 1 "$ROUNDS"); do
  "$DET" forever "$T/chain" "$CON" >"$T/out" 2>"$T/err" &
  pid=$!
  # 20-300 ms: long enough to commit a few blocks, short enough to land
  # inside one most of the time
  sleep "0.$(printf '%03d' $((20 + RANDOM % 280)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  h=$("$DET" check "$T/chain" 2>"$T/cerr")
  rc=$?
  if [ $rc -ne 0 ]; then
    fail=$((fail + 1))
    echo "FAIL round $i: $(cat "$T/cerr")"
    continue
  fi
  case "$h" in
    "no block yet") pass=$((pass + 1)) ;;
    *)
      if [ "$h" -lt "$last" ]; then
        fail=$((fail + 1))
        echo "FAIL round $i: head went back from $last to $h"
      else
        pass=$((pass + 1))
        last=$h
      fi ;;
  esac
done
echo "$ROUNDS kills, head at block $last"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$last" -gt 0 ]
