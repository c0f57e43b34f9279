#!/bin/sh
# run_vm_bench.sh — build bench_vm and print its tables twice: wall clock
# (CLOCK_MONOTONIC, the reference numbers) and thread CPU time (steadier on
# a shared machine). See bench/README.md.
#   bench/run_vm_bench.sh [BUILD_DIR] [bench_vm options...]
# BUILD_DIR defaults to build-bench beside the source tree; extra options
# (e.g. --runs 15 --min-time 3, --only sort) go to both runs.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/../build-bench}
[ $# -gt 0 ] && shift
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$build" -G Ninja
fi
cmake --build "$build" --target bench_vm
echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), nproc $(nproc)"
echo
"$build/bench/bench_vm" "$@"
echo
"$build/bench/bench_vm" --cpu-time "$@"
