#!/usr/bin/env bash
# demo.sh — the main job of the README: install what is missing, build,
# and run the demo (assemble an example program, run it on both
# interpreters, show a trap and a trace).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
exec scripts/demo_run.sh build
