#!/usr/bin/env bash
# abci_network.sh — the `dvm abci` network test (issue 12): four CometBFT
# validators on 127.0.0.1, each with its own `dvm abci` and data directory
# (tests/abci/network.py: transactions and receipts, SIGKILL of a validator,
# SIGKILLs of a dvm abci at random moments, and a validator running the
# engine built with DVM_PLANT_BUG that must diverge alone).
#   scripts/abci_network.sh [BUILD_DIR [BUG_BUILD_DIR]]   (default build, build-bug)
# CometBFT comes from scripts/cometbft.sh (go install into a cache). Without
# Go the test is skipped, except with CI=true where it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bugbuild=${2:-build-bug}
if ! comet=$(scripts/cometbft.sh); then
  if [ "${CI:-}" = true ]; then
    echo "abci network: CometBFT is required in CI (scripts/cometbft.sh failed)" >&2
    exit 1
  fi
  echo "abci network: skipped: Go is not installed, so CometBFT cannot be built"
  exit 0
fi
# The planted-bug engine: only the dvm binary, in its own build directory.
cmake -S . -B "$bugbuild" -G Ninja -DDVM_PLANT_BUG=ON -DDVM_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="${CC:-gcc}" >/dev/null
cmake --build "$bugbuild" --target dvm >/dev/null
work=$(mktemp -d /tmp/dvm-abci-net-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$build/dvm" asm tests/abci/counter.s -o "$work/counter.dvm" >/dev/null
python3 tests/abci/network.py --dvm "$build/dvm" --bug-dvm "$bugbuild/dvm" \
  --tool "$build/tests/abci_tool" --contract "$work/counter.dvm" --cometbft "$comet" \
  --validators 4 --senders 8 --rounds 40 --faults "${DVM_ABCI_FAULTS:-6}"
