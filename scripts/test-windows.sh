#!/usr/bin/env bash
# The Windows build: the core, its GoogleTest suite and its example programs cross-built for
# 64-bit Windows (Debian's MinGW-w64) into build-windows/, the suite run under Wine with CTest, and
# a Wine prefix left there for the end-to-end tests that run the programs against the server
# (test/04-e2e/11-windows-programs.test.ts). The core's Winsock code runs nowhere else here.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${AGORA_SIG_WINDOWS_BUILD_DIR:-$root/build-windows}"
mkdir -p "$build"

# A Wine prefix of its own, made first: its first start takes seconds, which a test should not wait.
# (Its complaint that 32-bit rundll32 is missing is harmless: only 64-bit Wine is installed.)
wine="$(command -v wine64 || echo /usr/lib/wine/wine64)"
export WINEPREFIX="$build/wineprefix" WINEDEBUG=-all
if ! "$wine" wineboot --init >"$build/wineboot.log" 2>&1; then
  cat "$build/wineboot.log"
  exit 1
fi
echo "Windows programs: $build/native/examples (Wine: $wine)"

# The native build and CTest run of test-native.sh, with the cross toolchain (CTest runs each test
# through Wine, cmake/mingw-w64.cmake).
# A test that fails is run once more (CTest's --repeat until-pass:2): Wine itself now and then fails
# to start a program ("wine client error: recvmsg: Connection reset by peer", when its server was
# just exiting), before any of the test's code runs. A test that fails twice fails the run.
AGORA_SIG_NATIVE_BUILD_DIR="$build" \
  AGORA_SIG_CMAKE_ARGS="-DCMAKE_TOOLCHAIN_FILE=$root/cmake/mingw-w64.cmake -DAGORA_SIG_BUILD_BENCH=OFF" \
  AGORA_SIG_CTEST_ARGS="--repeat until-pass:2" \
  exec bash "$root/scripts/test-native.sh"
