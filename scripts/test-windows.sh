#!/usr/bin/env bash
# Builds the core and its example programs for 64-bit Windows (Debian's MinGW-w64) into
# build-windows/ and prepares a Wine prefix there, so that the end-to-end tests can run the
# Windows programs against the server (test/04-e2e/11-windows-programs.test.ts). The Winsock code
# of the core is compiled and exercised nowhere else on this platform.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${AGORA_SIG_WINDOWS_BUILD_DIR:-$root/build-windows}"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64.cmake" \
    -DAGORA_SIG_BUILD_TESTS=OFF -DAGORA_SIG_BUILD_EXAMPLES=ON -DAGORA_SIG_BUILD_BENCH=OFF
fi
cmake --build "$build" -j "${AGORA_SIG_JOBS:-2}"

# A Wine prefix of its own, made now: its first start takes seconds, which a test should not wait.
wine="$(command -v wine64 || echo /usr/lib/wine/wine64)"
# (Its complaint that 32-bit rundll32 is missing is harmless: only 64-bit Wine is installed.)
if ! WINEPREFIX="$build/wineprefix" WINEDEBUG=-all "$wine" wineboot --init >"$build/wineboot.log" 2>&1; then
  cat "$build/wineboot.log"
  exit 1
fi
echo "Windows programs: $build/native/examples (Wine: $wine)"
