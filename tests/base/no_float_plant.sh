#!/usr/bin/env bash
# no_float_plant.sh SRC_DIR — proves scripts/check_no_float.sh catches what
# it is meant to: for each consensus folder it names (vm fx state tx runtime
# base), a copy of the tree with one `double` planted in a file of that
# folder must fail, naming the file; a copy with a float literal, and one
# with <math.h>, must fail too; a fake build whose vm library holds an
# SSE double multiply must fail the object check; the clean copy passes.
set -euo pipefail
SRC=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
dirs=$(sed -n 's/^DIRS="\(.*\)"$/\1/p' "$SRC/scripts/check_no_float.sh")
[ -n "$dirs" ] || { echo "cannot read DIRS from check_no_float.sh"; exit 1; }
mkdir -p "$T/tree/scripts"
cp "$SRC/scripts/check_no_float.sh" "$T/tree/scripts/"
for d in $dirs; do cp -r "$SRC/$d" "$T/tree/$d"; done
run() { bash "$T/tree/scripts/check_no_float.sh" "$T/nobuild" >"$T/out" 2>&1; }
if ! run; then echo "the clean tree fails:"; cat "$T/out"; exit 1; fi
fail=0
n=0
for d in $dirs; do
  f=$(ls "$T/tree/$d"/*.c | head -1)
  cp "$f" "$T/saved"
  echo 'static double planted_ = 0;' >>"$f"
  if run; then echo "MISSED: a double planted in $d/$(basename "$f")"; fail=1
  elif ! grep -q "floating point in $d/$(basename "$f")" "$T/out"; then
    echo "caught, but the message does not name $d/$(basename "$f"):"; cat "$T/out"; fail=1
  fi
  cp "$T/saved" "$f"
  n=$((n + 1))
done
f=$(ls "$T/tree/fx"/*.c | head -1); cp "$f" "$T/saved"
echo 'static const long planted_ = (long)(1.5e3);' >>"$f"
if run; then echo "MISSED: a float literal in fx"; fail=1; fi
cp "$T/saved" "$f"
f=$(ls "$T/tree/runtime"/*.c | head -1); cp "$f" "$T/saved"
sed -i '1i #include <math.h>' "$f"
if run; then echo "MISSED: <math.h> in runtime"; fail=1; fi
cp "$T/saved" "$f"
# The object check: a vm library with a double multiply in it.
if command -v cc >/dev/null && command -v objdump >/dev/null; then
  mkdir -p "$T/build/vm"
  printf 'double planted_mul(double a, double b);\ndouble planted_mul(double a, double b) { return a * b; }\n' >"$T/p.c"
  cc -O2 -c "$T/p.c" -o "$T/p.o"
  ar rcs "$T/build/vm/libdvm_vm.a" "$T/p.o"
  if bash "$T/tree/scripts/check_no_float.sh" "$T/build" >"$T/out" 2>&1; then
    echo "MISSED: SSE double arithmetic in a compiled vm library"; fail=1
  elif ! grep -q "floating-point instructions in $T/build/vm/libdvm_vm.a" "$T/out"; then
    echo "object check caught it but did not name the library:"; cat "$T/out"; fail=1
  fi
fi
[ $fail -eq 0 ] && echo "check_no_float catches a double planted in each of $n folders ($dirs), a float literal, <math.h> and compiled double arithmetic"
exit $fail
