#!/usr/bin/env bash
# Builds the C++ core with its tests and examples (no Node involved) and runs them with CTest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${AGORA_SIG_NATIVE_BUILD_DIR:-$root/build-native}"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAGORA_SIG_BUILD_TESTS=ON ${AGORA_SIG_CMAKE_ARGS:-}
fi
cmake --build "$build" -j "${AGORA_SIG_JOBS:-2}"
ctest --test-dir "$build" --output-on-failure -j 2 ${AGORA_SIG_CTEST_ARGS:-}
