#!/usr/bin/env bash
# check_no_float.sh [BUILD_DIR] — consensus code (vm/, fx/, state/, tx/,
# runtime/, base/) must not use
# floating point (DESIGN §6). Looks for the C floating types, float
# literals, and <math.h>/<float.h>/<fenv.h> in the sources, and for
# floating-point instructions in the compiled objects when a build exists.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
# Comments are stripped before matching, so prose may say "float".
strip() { sed -e 's://.*$::' -e 's:/\*.*\*/::g' "$1" | awk '/\/\*/{c=1} !c{print} /\*\//{c=0}'; }
DIRS="vm fx state tx runtime base"
for d in $DIRS; do for f in $d/*.[ch] $d/*.def; do
  [ -e "$f" ] || continue
  hits=$(strip "$f" | grep -nE '\b(float|double|long double|_Float[0-9]+|__float128)\b|#include *<(math|float|fenv|complex)\.h>|[0-9]\.[0-9]*[eE][-+]?[0-9]|\b[0-9]+\.[0-9]+[fFlL]?\b' || true)
  if [ -n "$hits" ]; then
    echo "floating point in $f:"
    echo "$hits"
    status=1
  fi
done; done
# The compiled consensus libraries must contain no SSE/x87 floating-point
# arithmetic (moves of integers through xmm registers by memcpy are fine).
B=${1:-build}
for lib in $B/vm/libdvm_vm.a $B/fx/libdvm_fx.a $B/state/libdvm_state.a $B/tx/libdvm_tx.a $B/runtime/libdvm_rt.a $B/base/libdvm_base.a; do
  [ -f "$lib" ] || continue
  if objdump -d "$lib" | grep -qE '\s(addsd|subsd|mulsd|divsd|sqrtsd|addss|mulss|divss|cvtsi2sd|cvtsi2ss|cvttsd2si|fld|fstp|fmul|fadd|fdiv)\s'; then
    echo "floating-point instructions in $lib:"
    objdump -d "$lib" | grep -E '\s(addsd|subsd|mulsd|divsd|sqrtsd|addss|mulss|divss|cvtsi2sd|cvtsi2ss|cvttsd2si|fld|fstp|fmul|fadd|fdiv)\s' | head
    status=1
  fi
done
[ $status -eq 0 ] && echo "no floating point in $DIRS"
exit $status
