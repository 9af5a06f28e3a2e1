#!/usr/bin/env bash
# Builds the benchmark's native programs (Release) into build-bench/ and prints their paths.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${AGORA_SIG_BENCH_BUILD_DIR:-$root/build-bench}"
generator=()
command -v ninja >/dev/null 2>&1 && [ ! -f "$build/CMakeCache.txt" ] && generator=(-G Ninja)
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
  -DAGORA_SIG_BUILD_BENCH=ON -DAGORA_SIG_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "${AGORA_SIG_JOBS:-2}" --target agora_sig_loadgen agora_sig_floor_relay >&2
echo "$build/bench/native/agora_sig_loadgen"
echo "$build/bench/native/agora_sig_floor_relay"
