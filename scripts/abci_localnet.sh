#!/usr/bin/env bash
# abci_localnet.sh — a local four-validator CometBFT network running
# `dvm abci`, on 127.0.0.1, for development.
#   scripts/abci_localnet.sh start [DIR]   configure (cometbft testnet, ports,
#       persistent peers, 200 ms blocks, the DVM genesis of tests/abci as
#       app_state) and start 4 x (cometbft + dvm abci); prints the RPC ports
#   scripts/abci_localnet.sh stop [DIR]    stop the processes it started
# Needs a build (scripts/build.sh build) and CometBFT (scripts/cometbft.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:-start}
dir=${2:-/tmp/dvm-localnet}
build=${BUILD:-build}
case "$cmd" in
start)
  comet=$(scripts/cometbft.sh)
  mkdir -p "$dir"
  "$build/dvm" asm tests/abci/counter.s -o "$dir/counter.dvm" >/dev/null
  python3 tests/abci/network.py --serve "$dir" --dvm "$build/dvm" --tool "$build/tests/abci_tool" \
    --contract "$dir/counter.dvm" --cometbft "$comet" --validators "${VALIDATORS:-4}"
  ;;
stop)
  [ -f "$dir/pids" ] || { echo "no $dir/pids"; exit 1; }
  while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$dir/pids"
  rm -f "$dir/pids"
  echo "stopped"
  ;;
*) echo "usage: $0 start|stop [DIR]"; exit 2 ;;
esac
