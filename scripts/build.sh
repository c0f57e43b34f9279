#!/usr/bin/env bash
# build.sh [DIR [CMAKE ARGS...]] — configure and build (default: build/,
# RelWithDebInfo with the system C compiler).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
