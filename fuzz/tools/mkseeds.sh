#!/usr/bin/env bash
# mkseeds.sh BUILD_DIR — regenerate fuzz/corpus/<every target>
# and fuzz/dict/*.dict from the conformance suite, the hand-written edge
# cases in fuzz/seeds/*.s and the example contract (clang -target bpf -S).
# BUILD_DIR is a configured build (any engine) where fuzz_mkseeds builds;
# with a libFuzzer build the corpora are then reduced with -merge=1.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
build=${1:?usage: mkseeds.sh BUILD_DIR}
conf=${DVM_CONFORMANCE_DIR:-$root/../shared/conformance/bpf_conformance}
cmake --build "$build" --target fuzz_mkseeds >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
extra=("$here"/seeds/*.s)
if command -v clang-14 >/dev/null && [ -f "$root/contracts/examples/ladder.c" ]; then
  clang-14 -target bpf -mcpu=v3 -O2 -I"$root/contracts/include" -S "$root/contracts/examples/ladder.c" \
    -o "$tmp/contract_ladder.s"
  extra+=("$tmp/contract_ladder.s")
fi
for t in asm verify_exec diff_interp tx_decode diff_block; do
  rm -rf "$here/corpus/$t"
  mkdir -p "$here/corpus/$t"
done
mkdir -p "$here/dict"
"$build/fuzz/fuzz_mkseeds" "$conf" "$here" "${extra[@]}"

# With a libFuzzer build, keep only the seeds that add coverage (libFuzzer
# -merge=1), under their own names.
if grep -q '^DVM_FUZZ_ENGINE:STRING=libfuzzer' "$build/CMakeCache.txt" 2>/dev/null; then
  cmake --build "$build" --target fuzz >/dev/null
  for t in asm verify_exec diff_interp tx_decode diff_block; do
    bin=$build/fuzz/fuzz_$t
    [ -x "$bin" ] || continue
    rm -rf "$tmp/merge" && mkdir -p "$tmp/merge"
    "$bin" -merge=1 "$tmp/merge" "$here/corpus/$t" >"$tmp/merge.log" 2>&1 || { tail "$tmp/merge.log"; exit 1; }
    keep=$(ls "$tmp/merge")
    n0=$(ls "$here/corpus/$t" | wc -l)
    for f in "$here/corpus/$t"/*; do
      grep -qx "$(sha1sum <"$f" | cut -d' ' -f1)" <<<"$keep" || rm -f "$f"
    done
    echo "$t: $n0 seeds, $(ls "$here/corpus/$t" | wc -l) kept by -merge=1"
  done
fi
