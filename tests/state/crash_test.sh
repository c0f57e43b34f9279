#!/bin/bash
# crash_test.sh WRITER [ITERATIONS] — kill -9 the block writer at random
# moments, reopen, and check (spec/state.md §8): the stored height is the
# last block the writer reported committed (or the one in flight, if its
# commit landed before the report), and the stored root equals the root
# recomputed from every entry and the root of the state rebuilt in memory.
# Kill delays come from a fixed seed; where they land in the writer's work
# still varies from run to run, which is the point.
set -u
W=$1
N=${2:-40}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/dvm-state-crash-XXXXXX")
trap 'rm -rf "$DIR"' EXIT
SEED=20261124
RANDOM=4242
last=-1
landed=0
for i in $(seq 1 "$N"); do
  "$W" run "$DIR/db" "$SEED" > "$DIR/out" 2> "$DIR/err" &
  pid=$!
  # 20..419 ms: from inside the first commits to many blocks in.
  ms=$((20 + RANDOM % 400))
  sleep "$(printf '0.%03d' "$ms")"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if [ -s "$DIR/err" ]; then echo "iteration $i: writer failed:"; cat "$DIR/err"; exit 1; fi
  got=$(tail -n 1 "$DIR/out" | sed -n 's/^committed \([0-9]*\)$/\1/p')
  [ -n "$got" ] && last=$got
  if ! res=$("$W" check "$DIR/db" "$SEED" "$last" 2>&1); then
    echo "iteration $i (killed after ${ms} ms, last reported $last): $res"
    exit 1
  fi
  # The in-flight block may have landed: it is then the last committed one.
  h=${res#ok height }
  if [ "$h" -gt "$last" ]; then last=$h; landed=$((landed + 1)); fi
  echo "iteration $i: killed after ${ms} ms, $res"
done
echo "crash test: $N kills, final height $last; $landed times the block in flight had landed before its report"
