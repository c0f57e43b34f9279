#!/usr/bin/env bash
# coverage.sh [COV_BUILD_DIR] [RUNS_DIR] — line/region coverage reached by
# the corpora, per source file of base/, vm/, assembler/, fx/, state/, tx/ and runtime/.
#
# Builds the cov configuration (clang -fprofile-instr-generate
# -fcoverage-mapping, fuzz_<name> = harness + replay_main.c) if needed,
# replays for every target its seed corpus plus whatever RUNS_DIR holds
# for it (libFuzzer corpora in RUNS_DIR/lf-<name>/corpus, AFL++ queues in
# RUNS_DIR/afl-<name>/afl/*/queue, as run.sh leaves them), merges the
# profiles and prints llvm-cov's report: per target, and all targets
# together. LLVM tools: llvm-profdata-14 / llvm-cov-14 (or unversioned).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-$root/build-fuzz-cov}
runs=${2:-}
pick() { for c in "$@"; do command -v "$c" >/dev/null && { echo "$c"; return; }; done; echo "coverage: none of $* found" >&2; exit 2; }
profdata=$(pick llvm-profdata-14 llvm-profdata)
cov=$(pick llvm-cov-14 llvm-cov)
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
mkdir -p "$build"
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=${CC:-clang} cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDVM_FUZZ=ON -DDVM_FUZZ_ENGINE=cov -DDVM_BENCH=OFF >"$build/configure.log" 2>&1 ||
    { cat "$build/configure.log"; exit 2; }
fi
cmake --build "$build" --target fuzz >"$build/fuzz_build.log" 2>&1 || { tail -30 "$build/fuzz_build.log"; exit 2; }
targets=$(sed -n 's/^dvm_fuzz_target(\([a-z0-9_]*\).*/\1/p' "$here/targets.cmake")
prof=$build/profiles
rm -rf "$prof"
mkdir -p "$prof"
objs=()
filter=("$root/base/" "$root/vm/" "$root/assembler/" "$root/fx/" "$root/state/" "$root/tx/" "$root/runtime/")
for t in $targets; do
  dirs=("$here/corpus/$t")
  if [ -n "$runs" ]; then
    for d in "$runs/lf-$t/corpus" "$runs"/afl-"$t"/afl/*/queue; do [ -d "$d" ] && dirs+=("$d"); done
  fi
  LLVM_PROFILE_FILE="$prof/$t.%p.profraw" "$build/fuzz/fuzz_$t" "${dirs[@]}" >/dev/null 2>"$prof/$t.stderr" ||
    { echo "coverage: replay of $t found something:"; tail -20 "$prof/$t.stderr"; exit 1; }
  "$profdata" merge -sparse "$prof/$t".*.profraw -o "$prof/$t.profdata"
  echo "=== $t (${dirs[*]})"
  "$cov" report "$build/fuzz/fuzz_$t" -instr-profile="$prof/$t.profdata" "${filter[@]}" 2>/dev/null |
    sed "s#$root/##" | awk '{ if (NR==1 || $1=="TOTAL" || ($2 ~ /^[0-9]+$/ && $2 > 0)) print }'
  objs+=(-object "$build/fuzz/fuzz_$t")
done
"$profdata" merge -sparse "$prof"/*.profdata -o "$prof/all.profdata"
echo "=== all targets together"
first=${objs[1]}
"$cov" report "$first" "${objs[@]:2}" -instr-profile="$prof/all.profdata" "${filter[@]}" 2>/dev/null |
  sed "s#$root/##" | awk '{ if (NR==1 || $1=="TOTAL" || ($2 ~ /^[0-9]+$/ && $2 > 0)) print }'
