#!/usr/bin/env bash
# run.sh ENGINE TARGET SECONDS OUT_DIR [BUILD_DIR] — one long fuzzing run.
#   ENGINE   libfuzzer (BUILD_DIR default <repo>/build-fuzz) or afl
#            (BUILD_DIR default <repo>/build-afl, see build_afl.sh)
#   TARGET   verify_exec | diff_interp | asm | ...
# Starts from fuzz/corpus/TARGET with its dictionary (asm.dict, bytecode.dict
# for verify_exec and diff_interp, else dict/TARGET.dict if any); writes the
# grown corpus and any finding under OUT_DIR (libFuzzer: OUT_DIR/corpus,
# OUT_DIR/crash-*; AFL++: OUT_DIR/afl/default/{queue,crashes,hangs}), the
# log in OUT_DIR/log. Extra arguments for the engine: FUZZ_ARGS="...".
# Exit status: 0 no finding, 1 finding, 2 usage/setup error.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
engine=${1:?usage: run.sh ENGINE TARGET SECONDS OUT_DIR [BUILD_DIR]}
target=${2:?target}
secs=${3:?seconds}
out=${4:?out dir}
case $target in
asm) dict=$here/dict/asm.dict ;;
verify_exec | diff_interp) dict=$here/dict/bytecode.dict ;;
*) dict=$here/dict/$target.dict ;;
esac
[ -f "$dict" ] || dict=
mkdir -p "$out"
case $engine in
libfuzzer)
  bin=${5:-$root/build-fuzz}/fuzz/fuzz_$target
  [ -x "$bin" ] || { echo "run.sh: $bin not built"; exit 2; }
  mkdir -p "$out/corpus"
  # shellcheck disable=SC2086
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    ${dict:+-dict=$dict} -artifact_prefix="$out/" ${FUZZ_ARGS:-} "$out/corpus" "$here/corpus/$target" \
    >"$out/log" 2>&1
  rc=$?
  tail -25 "$out/log"
  [ $rc -eq 0 ] && exit 0 || exit 1
  ;;
afl)
  bin=${5:-$root/build-afl}/fuzz/fuzz_$target
  [ -x "$bin" ] || { echo "run.sh: $bin not built (fuzz/build_afl.sh)"; exit 2; }
  # -V: stop after SECONDS; -t 10000: 10 s timeout; -m none: ASan needs the
  # address space. AFL_NO_AFFINITY: the machine is shared.
  # shellcheck disable=SC2086
  AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_SKIP_CRASHES=1 \
    afl-fuzz -i "$here/corpus/$target" -o "$out/afl" -V "$secs" -t 10000 -m none \
    ${dict:+-x $dict} ${FUZZ_ARGS:-} -- "$bin" >"$out/log" 2>&1
  rc=$?
  stats=$out/afl/default/fuzzer_stats
  [ -f "$stats" ] && grep -E "execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg|edges_found|total_edges|run_time" "$stats"
  n=$(ls "$out/afl/default/crashes" "$out/afl/default/hangs" 2>/dev/null | grep -c id: || true)
  [ $rc -ne 0 ] && { tail -20 "$out/log"; exit 2; }
  [ "$n" -eq 0 ] && exit 0 || { echo "run.sh: $n AFL++ findings in $out/afl/default/{crashes,hangs}"; exit 1; }
  ;;
*) echo "run.sh: engine must be libfuzzer or afl"; exit 2 ;;
esac
