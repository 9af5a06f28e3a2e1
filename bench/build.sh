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
# The Java SDK's classes and classpath for the java target (java/bench/JavaLoadgen.java runs from
# source); skipped with a note when there is no Maven, and run.ts then skips that target.
if command -v mvn >/dev/null 2>&1; then
  mvn -B -q -f "$root/java/pom.xml" compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
else
  echo "bench/build.sh: no mvn, the java target will be skipped" >&2
fi
