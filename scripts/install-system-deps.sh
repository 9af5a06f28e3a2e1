#!/usr/bin/env bash
# Debian packages the build and the tests need (run as root, or with sudo available).
set -euo pipefail
# chromium: the browser tests drive Debian's Chromium headless with playwright-core.
packages=(cmake g++ make ninja-build libgtest-dev nlohmann-json3-dev chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
