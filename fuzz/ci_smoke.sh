#!/usr/bin/env bash
# ci_smoke.sh [SECONDS] — the fuzzing gate of CI (issue #5).
#
# Builds the libFuzzer configuration (clang, -DDVM_FUZZ=ON) if it is not
# built yet, runs every target of fuzz/targets.cmake for SECONDS (default
# 60) from its seed corpus (-max_total_time, -timeout=10,
# -rss_limit_mb=2048, no -fork/-jobs; two targets at a time on the two
# cores), then the planted-bug check (plant_bug.sh: a build with
# DVM_PLANT_BUG=ON must show a divergence within 60 s). Fails on any
# finding or if the planted bug escapes. Findings are kept in the work
# directory printed at the end.
#   DVM_FUZZ_BUILD     libFuzzer build dir   (default <repo>/build-fuzz-ci, like build/)
#   DVM_PLANT_BUILD    planted-bug build dir (default <DVM_FUZZ_BUILD>-plant)
#   DVM_FUZZ_PARALLEL  targets run at once   (default 2)
#   DVM_FUZZ_NO_PLANT=1  skip the planted-bug check
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
secs=${1:-60}
build=${DVM_FUZZ_BUILD:-$root/build-fuzz-ci}
par=${DVM_FUZZ_PARALLEL:-2}
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
t0=$(date +%s)

if [ ! -f "$build/CMakeCache.txt" ]; then
  mkdir -p "$build"
  CC=${CC:-clang} cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDVM_FUZZ=ON -DDVM_BENCH=OFF >"$build/ci_configure.log" 2>&1 ||
    { cat "$build/ci_configure.log"; echo "ci_smoke: configure failed"; exit 2; }
fi
cmake --build "$build" --target fuzz >"$build/ci_build.log" 2>&1 ||
  { tail -40 "$build/ci_build.log"; echo "ci_smoke: build failed"; exit 2; }
echo "ci_smoke: fuzz build ready after $(( $(date +%s) - t0 ))s"

targets=$(sed -n 's/^dvm_fuzz_target(\([a-z0-9_]*\).*/\1/p' "$here/targets.cmake")
work=$(mktemp -d "${TMPDIR:-/tmp}/dvm-fuzz-ci.XXXXXX")
declare -A pid
for t in $targets; do
  while [ "$(jobs -rp | wc -l)" -ge "$par" ]; do wait -n; done
  "$here/run.sh" libfuzzer "$t" "$secs" "$work/$t" "$build" >"$work/$t.out" 2>&1 &
  pid[$t]=$!
done
fail=0
for t in $targets; do
  wait "${pid[$t]}"
  rc=$?
  line=$(grep -E "^#[0-9]+.*(DONE|pulse|NEW)" "$work/$t/log" 2>/dev/null | tail -1 | sed 's/  */ /g')
  if [ $rc -eq 0 ]; then
    echo "ci_smoke: $t ok: $line"
  else
    echo "ci_smoke: $t FINDING (exit $rc), log $work/$t/log:"
    grep -A30 -E "DVM FUZZ FINDING|ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error" \
      "$work/$t/log" | head -60
    ls "$work/$t"/crash-* "$work/$t"/timeout-* "$work/$t"/oom-* "$work/$t"/leak-* 2>/dev/null
    fail=1
  fi
done

if [ "${DVM_FUZZ_NO_PLANT:-0}" != 1 ]; then
  DVM_PLANT_BUILD=${DVM_PLANT_BUILD:-$build-plant} "$here/plant_bug.sh" 60 1 || fail=1
fi
echo "ci_smoke: done in $(( $(date +%s) - t0 ))s; work dir $work"
if [ $fail -ne 0 ]; then echo "ci_smoke: FAILED"; exit 1; fi
rm -rf "$work"
echo "ci_smoke: ok"
