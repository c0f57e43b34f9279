#!/usr/bin/env bash
# cometbft.sh — print the path of the pinned CometBFT binary, building it
# with `go install` into a cache the first time (about 80 s; later runs
# reuse it). The one place the version is pinned (README says the same).
#   DVM_CACHE   cache folder (default ~/.cache/dvm)
#   DVM_COMETBFT  use this binary instead
# Exit 3 when Go is missing (callers skip the stage unless CI=true).
set -euo pipefail
COMETBFT_VERSION=v0.38.26
if [ -n "${DVM_COMETBFT:-}" ]; then echo "$DVM_COMETBFT"; exit 0; fi
cache="${DVM_CACHE:-${HOME:-/root}/.cache/dvm}"
dir="$cache/cometbft-$COMETBFT_VERSION"
if [ -x "$dir/cometbft" ] && "$dir/cometbft" version 2>/dev/null | grep -qx "${COMETBFT_VERSION#v}"; then
  echo "$dir/cometbft"; exit 0
fi
GO=$(command -v go || true)
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
if [ -z "$GO" ]; then
  echo "cometbft.sh: Go is not installed: cannot build CometBFT $COMETBFT_VERSION" >&2
  exit 3
fi
mkdir -p "$dir"
# Go needs a module and build cache: under $HOME by default, else in ours.
if [ -z "${HOME:-}" ]; then
  export GOPATH="${GOPATH:-$cache/gopath}" GOCACHE="${GOCACHE:-$cache/go-build}"
fi
echo "cometbft.sh: go install github.com/cometbft/cometbft/cmd/cometbft@$COMETBFT_VERSION into $dir" >&2
GOBIN="$dir" "$GO" install "github.com/cometbft/cometbft/cmd/cometbft@$COMETBFT_VERSION" >&2
echo "$dir/cometbft"
