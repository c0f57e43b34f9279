#!/usr/bin/env bash
# deps.sh — install, from Debian's packages only, whatever of the build and
# test dependencies is missing. Safe to run again: it installs nothing when
# everything is there. Needs root (or sudo) only when something is missing.
set -euo pipefail
PKGS=(build-essential cmake ninja-build pkg-config python3 curl jq
      clang-14 llvm-14 libclang-rt-14-dev clang-19 llvm-19
      libsodium-dev liblmdb-dev libxxhash-dev libjansson-dev afl++
      libmicrohttpd-dev libcurl4-openssl-dev gnuplot-nox
      protobuf-c-compiler libprotobuf-c-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all present"
  exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
