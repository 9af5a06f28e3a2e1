#!/usr/bin/env bash
# The core's GoogleTest suite under a sanitizer, in a build directory of its own:
#   test-sanitizers.sh asan   every native test with AddressSanitizer and UBSan (build-asan/)
#   test-sanitizers.sh tsan   the threading tests with ThreadSanitizer (build-tsan/): threads and
#                             destroy, requests sent on application threads, reconnection
# Only the test programs are built (no examples, no benchmark). Any sanitizer report aborts the
# test that made it, so CTest counts it as failed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-}"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
common=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DAGORA_SIG_BUILD_TESTS=ON -DAGORA_SIG_BUILD_EXAMPLES=OFF
        -DAGORA_SIG_BUILD_BENCH=OFF)

case "$mode" in
  asan)
    build="${AGORA_SIG_ASAN_BUILD_DIR:-$root/build-asan}"
    options=(-DAGORA_SIG_SANITIZE=ON)
    targets=()
    tests=()
    export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
    ;;
  tsan)
    build="${AGORA_SIG_TSAN_BUILD_DIR:-$root/build-tsan}"
    options=(-DAGORA_SIG_TSAN=ON)
    names=(core_threading_test core_direct_send_test core_reconnect_test)
    targets=(--target "${names[@]}")
    tests=(-R "^($(IFS='|'; echo "${names[*]}"))\$")
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
    ;;
  *)
    echo "usage: $0 asan|tsan" >&2
    exit 2
    ;;
esac

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" "${generator[@]}" "${common[@]}" "${options[@]}"
fi
cmake --build "$build" -j "${AGORA_SIG_JOBS:-2}" "${targets[@]}"
ctest --test-dir "$build" --output-on-failure -j 2 "${tests[@]}"
