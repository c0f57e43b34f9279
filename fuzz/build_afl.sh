#!/usr/bin/env bash
# build_afl.sh [BUILD_DIR] — build every fuzz target for AFL++ (Debian's
# afl++ package): the same harness sources, compiled with afl-clang-fast
# (AFL_CC=... for another AFL++ compiler; only afl-clang-fast is tried),
# ASan + UBSan, linked with
# AFL++'s libFuzzer-compatible driver /usr/lib/afl/libAFLDriver.a
# (persistent mode, shared-memory test cases). Output: BUILD_DIR/fuzz/fuzz_<name>
# (default BUILD_DIR: <repo>/build-afl). See fuzz/README.md for running.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-$root/build-afl}
cc=${AFL_CC:-afl-clang-fast}
command -v "$cc" >/dev/null || { echo "build_afl: $cc not found (apt-get install afl++)"; exit 2; }
[ -f /usr/lib/afl/libAFLDriver.a ] || { echo "build_afl: /usr/lib/afl/libAFLDriver.a missing"; exit 2; }
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
mkdir -p "$build"
CC=$cc cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDVM_FUZZ=ON \
  -DDVM_FUZZ_ENGINE=afl -DDVM_BENCH=OFF >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 1; }
AFL_QUIET=1 cmake --build "$build" --target fuzz
ls -1 "$build"/fuzz/fuzz_* | grep -v '\.' || true
