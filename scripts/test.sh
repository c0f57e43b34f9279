#!/usr/bin/env bash
# test.sh — the test command of the README and of CI: install what is
# missing, build with gcc (RelWithDebInfo) and with clang + ASan + UBSan,
# and run every test in both; build gcc and clang Release (-O3, NDEBUG: the
# build type that once failed on maybe-uninitialized) and run a fast subset
# there; then the consensus checks (no floating point in consensus code,
# the same blocks in every build, and the fuzzing smoke run when
# fuzz/ci_smoke.sh exists).
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

# Release builds: warning-free with both compilers, and the tests that pin
# consensus results (the golden record, the conformance suite, the chain)
# plus the conformance plugin. Measured: 41 s added on 2 jobs (two builds
# of ~20 s, the tests ~1 s each, the checks ~1 s).
release_tests='rt_golden|vm_conformance|rt_chain|vm_plugin_proto|base_'
echo "== build: gcc, Release"
scripts/build.sh build-rel-gcc -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release -DDVM_BENCH=OFF
echo "== test: gcc Release ($release_tests)"
ctest --test-dir build-rel-gcc -j"$jobs" --output-on-failure -R "$release_tests"
echo "== build: clang-19, Release"
scripts/build.sh build-rel-clang -DCMAKE_C_COMPILER=clang-19 -DCMAKE_BUILD_TYPE=Release -DDVM_BENCH=OFF
echo "== test: clang-19 Release ($release_tests)"
ctest --test-dir build-rel-clang -j"$jobs" --output-on-failure -R "$release_tests"

echo "== build: test limits (assertions on, limits shrunk: call depth, heap cap, logs)"
cmake -S . -B build-limits -G Ninja -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug -DDVM_BENCH=OFF \
  -DDVM_TEST_LIMITS=ON >/dev/null
cmake --build build-limits -j"$jobs" --target sc_cases test_money
echo "== test: test limits"
ctest --test-dir build-limits -R '^(sc_cases|money_edges)$' --output-on-failure

echo "== consensus code: no floating point"
scripts/check_no_float.sh build
scripts/check_no_float.sh build-rel-gcc
scripts/check_no_float.sh build-rel-clang

echo "== cross-build determinism: gcc -O2, clang -O0 + sanitizers, gcc and clang -O3 run the same blocks"
scripts/cross_build_check.sh build build-asan
scripts/cross_build_check.sh build build-rel-gcc
scripts/cross_build_check.sh build build-rel-clang

if [ -x fuzz/ci_smoke.sh ]; then
  echo "== fuzzing smoke run"
  fuzz/ci_smoke.sh
fi
echo "== all tests passed"
