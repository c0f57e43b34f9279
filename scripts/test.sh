#!/usr/bin/env bash
# test.sh — the test command of the README and of CI: install what is
# missing, build with gcc (RelWithDebInfo) and with clang + ASan + UBSan,
# and run every test in both; then the consensus checks (no floating point
# in consensus code, and the fuzzing smoke run when fuzz/ci_smoke.sh exists).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)

echo "== build: gcc, RelWithDebInfo"
scripts/build.sh build -DCMAKE_C_COMPILER=gcc
echo "== test: gcc"
ctest --test-dir build -j"$jobs" --output-on-failure

echo "== dvm abci under four CometBFT validators (network, faults, divergence)"
scripts/abci_network.sh build build-bug

echo "== build: clang-14 -O0, ASan + UBSan"
scripts/build.sh build-asan -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=Debug \
  -DDVM_SANITIZE=ON -DDVM_BENCH=OFF
echo "== test: clang-14 -O0, ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -j"$jobs" --output-on-failure

echo "== contracts with the fallback toolchain: clang-14 -mcpu=v3 (512-byte frames)"
# The contracts that fit clang-14's limits build and pass with it; those
# that need clang-19's 4 KiB frames say they are skipped (spec/contracts/sdk.md).
scripts/build.sh build-c14 -DCMAKE_C_COMPILER=gcc -DDVM_BENCH=OFF -DDVM_BPF_CLANG=/usr/bin/clang-14
ctest --test-dir build-c14 -j"$jobs" --output-on-failure -R 'contract|asm_contract'

echo "== consensus code: no floating point"
scripts/check_no_float.sh build

echo "== cross-build determinism: gcc -O2 and clang -O0 + sanitizers run the same blocks"
scripts/cross_build_check.sh build build-asan

if [ -x fuzz/ci_smoke.sh ]; then
  echo "== fuzzing smoke run"
  fuzz/ci_smoke.sh
fi
echo "== all tests passed"
