#!/usr/bin/env bash
# The Windows build: the core, its GoogleTest suite and its example programs cross-built for
# 64-bit Windows (Debian's MinGW-w64) into build-windows/, the suite run under Wine with CTest, and
# a Wine prefix left there for the end-to-end tests that run the programs against the server
# (test/04-e2e/11-windows-programs.test.ts). The core's Winsock code runs nowhere else here.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${AGORA_SIG_WINDOWS_BUILD_DIR:-$root/build-windows}"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64.cmake" \
    -DAGORA_SIG_BUILD_TESTS=ON -DAGORA_SIG_BUILD_EXAMPLES=ON -DAGORA_SIG_BUILD_BENCH=OFF
fi
cmake --build "$build" -j "${AGORA_SIG_JOBS:-2}"

# A Wine prefix of its own, made now: its first start takes seconds, which a test should not wait.
# (Its complaint that 32-bit rundll32 is missing is harmless: only 64-bit Wine is installed.)
wine="$(command -v wine64 || echo /usr/lib/wine/wine64)"
export WINEPREFIX="$build/wineprefix" WINEDEBUG=-all
if ! "$wine" wineboot --init >"$build/wineboot.log" 2>&1; then
  cat "$build/wineboot.log"
  exit 1
fi
echo "Windows programs: $build/native/examples (Wine: $wine)"
ctest --test-dir "$build" --output-on-failure -j 2
