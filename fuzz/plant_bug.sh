#!/usr/bin/env bash
# plant_bug.sh [SECONDS] [RUNS] — the planted-bug experiment of issue #5.
#
# Builds fuzz_diff_interp with -DDVM_PLANT_BUG=ON (vm/interp_fast.c then
# masks the count of LSH32_REG to 6 bits instead of 5: 32-bit shifts by
# 32..63 give 0 in the fast interpreter only) in a build of its own, runs
# it from the seed corpus for at most SECONDS (default 60) RUNS times
# (default 1, libFuzzer seeds 1..RUNS), and succeeds iff every run reports
# an interpreter divergence. Prints the time to find of each run.
#
# Some seeds (conformance tests of lsh32 with high counts, the hand-written
# seeds/shift32_high.s) expose the bug as they are. To measure the fuzzer
# rather than the corpus, those seeds are found first (the planted binary
# replays the corpus until it runs clean) and left out: each run must find
# the bug by mutation of the remaining seeds.
#   DVM_PLANT_BUILD   build directory (default: <repo>/build-fuzz-plant)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
secs=${1:-60}
runs=${2:-1}
build=${DVM_PLANT_BUILD:-$root/build-fuzz-plant}
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)

mkdir -p "$build"
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=${CC:-clang} cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDVM_FUZZ=ON -DDVM_PLANT_BUG=ON -DDVM_BENCH=OFF >"$build/configure.log" 2>&1 ||
    { cat "$build/configure.log"; echo "plant_bug: configure failed"; exit 2; }
fi
cmake --build "$build" --target fuzz_diff_interp >"$build/fuzz_build.log" 2>&1 ||
  { tail -30 "$build/fuzz_build.log"; echo "plant_bug: build failed"; exit 2; }
bin=$build/fuzz/fuzz_diff_interp

# Seeds that trigger the bug without mutation: drop them, one at a time.
seeds=$(mktemp -d)
cp "$here"/corpus/diff_interp/* "$seeds"/
dropped=()
for ((k = 0; k < 100; k++)); do
  art=$(mktemp -d)
  if "$bin" -runs=0 -artifact_prefix="$art/" "$seeds" >"$art/log" 2>&1; then rm -rf "$art"; break; fi
  crash=$(ls "$art"/crash-* 2>/dev/null | head -1)
  [ -n "$crash" ] || { tail -20 "$art/log"; echo "plant_bug: replay of the seeds failed without a reproducer"; exit 2; }
  sum=$(sha1sum <"$crash" | cut -d' ' -f1)
  for f in "$seeds"/*; do
    if [ "$(sha1sum <"$f" | cut -d' ' -f1)" = "$sum" ]; then dropped+=("$(basename "$f")"); rm -f "$f"; fi
  done
  rm -rf "$art"
done
echo "seeds that expose the bug as they are (left out): ${dropped[*]:-none}"
echo "remaining seeds: $(ls "$seeds" | wc -l)"

fail=0
for ((i = 1; i <= runs; i++)); do
  work=$(mktemp -d)
  mkdir -p "$work/corpus"
  start=$(date +%s.%N)
  "$bin" -seed="$i" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -dict="$here/dict/bytecode.dict" -artifact_prefix="$work/" -print_final_stats=1 \
    "$work/corpus" "$seeds" >"$work/log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  t=$(echo "$end - $start" | bc)
  if [ $rc -ne 0 ] && grep -q "interpreters differ" "$work/log"; then
    execs=$(grep -o '^#[0-9]*' "$work/log" | tail -1)
    echo "run $i (seed $i): divergence found in ${t}s (last status line ${execs:-#0} executions)"
    grep -A2 "interpreters differ" "$work/log" | sed 's/^/    /'
    art=$(ls "$work"/crash-* 2>/dev/null | head -1)
    [ -n "$art" ] && echo "    reproducer: $art (replay: $bin $art)"
  else
    echo "run $i (seed $i): NOT found in ${t}s (exit $rc)"
    tail -5 "$work/log" | sed 's/^/    /'
    fail=1
  fi
done
if [ $fail -ne 0 ]; then
  rm -rf "$seeds"
  echo "plant_bug: FAILED — the planted LSH32_REG bug was not caught"
  exit 1
fi
rm -rf "$seeds"
echo "plant_bug: ok — the planted bug was caught in every run"
