#!/usr/bin/env bash
# demo.sh — the README's first command: install what is missing (Debian
# packages, scripts/deps.sh), build, and run the demo (scripts/demo_run.sh:
# `dvm demo`, a market session on a fresh chain with its replay, summary
# and chart, then a short look at the VM itself).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
exec scripts/demo_run.sh build
