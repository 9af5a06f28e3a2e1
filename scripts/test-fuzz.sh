#!/usr/bin/env bash
# The fuzzers (native/fuzz): protocol_fuzz (the codec and the frame reader, seeded from
# docs/protocol-vectors.json) and json_syntax_fuzz (the JSON syntax check), built with clang,
# libFuzzer, AddressSanitizer and UBSan into build-fuzz/, then one bounded run of each through CTest
# (AGORA_SIG_FUZZ_SECONDS each, 12 by default). A crash, a sanitizer report, a leak or a broken
# property fails the run and leaves the input in build-fuzz/fuzz-artifacts/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${AGORA_SIG_FUZZ_BUILD_DIR:-$root/build-fuzz}"
mkdir -p "$build"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
# Configured every time (quick once the cache exists) so that AGORA_SIG_FUZZ_SECONDS applies.
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="${AGORA_SIG_FUZZ_CXX:-clang++}" -DAGORA_SIG_BUILD_FUZZ=ON \
  -DAGORA_SIG_BUILD_TESTS=OFF -DAGORA_SIG_BUILD_BENCH=OFF \
  -DAGORA_SIG_FUZZ_SECONDS="${AGORA_SIG_FUZZ_SECONDS:-12}" >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j "${AGORA_SIG_JOBS:-2}" --target protocol_fuzz json_syntax_fuzz
ctest --test-dir "$build" --output-on-failure
