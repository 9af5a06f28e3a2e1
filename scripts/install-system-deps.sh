#!/usr/bin/env bash
# Debian packages the build and the tests need (run as root, or with sudo available).
set -euo pipefail
# chromium: the browser tests drive Debian's Chromium headless with playwright-core.
# g++-mingw-w64-x86-64-posix and wine64: the Windows build of the core and its programs, run under
# Wine by the end-to-end tests (scripts/test-windows.sh); wine64 alone, without its recommends
# (32-bit Wine, fonts, desktop integration), is enough for console programs.
# default-jdk and maven: the Java Server SDK (java/) and its tests; Maven fetches the rest (org.json,
# JUnit, plugins) from Maven Central.
# libssl-dev: TLS in the core (tls:// server addresses); openssl: the TLS tests make throwaway
# certificates with its command line.
# clang and libclang-rt-14-dev: the protocol fuzzer (libFuzzer, scripts/test-fuzz.sh).
# redis-server: the cluster tests start their own redis-server processes (one, and a Redis Cluster of
# three masters) on free loopback ports (test/support/redis-server.ts).
packages=(cmake g++ make ninja-build libgtest-dev nlohmann-json3-dev libssl-dev openssl chromium g++-mingw-w64-x86-64-posix
          default-jdk maven clang libclang-rt-14-dev redis-server)
lean_packages=(wine64)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
missing_lean=()
for p in "${lean_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing_lean+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && [ ${#missing_lean[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
if [ ${#missing_lean[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing_lean[@]}"
fi
