#!/usr/bin/env bash
# The whole test suite: the native core on its own (CTest), on Linux and built for Windows (under
# Wine), under AddressSanitizer+UBSan and ThreadSanitizer, the protocol fuzzer for a bounded time,
# then every TypeScript layer (mocha): protocol, server, addon, end to end.
# Prints one closing line "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
logdir="$root/test-artifacts"
mkdir -p "$logdir"

npm run build:ts || { echo "0 passed, 1 failed"; exit 1; }
[ -f build/Release/agora_sig_addon.node ] || npm run build:native || { echo "0 passed, 1 failed"; exit 1; }

# Runs a CTest script ($1) into a log ($2), passing it any further arguments; sets ctest_total and
# ctest_failed from its summary.
run_ctest() {
  bash "$1" "${@:3}" 2>&1 | tee "$2"
  local status=${PIPESTATUS[0]}
  local line
  line=$(grep -E '^[0-9]+% tests passed' "$2" | tail -n 1)
  ctest_total=$(sed -nE 's/.* out of ([0-9]+).*/\1/p' <<<"$line")
  ctest_failed=$(sed -nE 's/.*, ([0-9]+) tests failed.*/\1/p' <<<"$line")
  ctest_total=${ctest_total:-0}
  ctest_failed=${ctest_failed:-0}
  [ "$status" -ne 0 ] && [ "$ctest_failed" -eq 0 ] && ctest_failed=1
  return 0
}

run_ctest scripts/test-native.sh "$logdir/native.log"
native_total=$ctest_total
native_failed=$ctest_failed
# The Windows build of the core: its suite under Wine; the end-to-end tests run its programs.
run_ctest scripts/test-windows.sh "$logdir/windows.log"
native_total=$(( native_total + ctest_total ))
native_failed=$(( native_failed + ctest_failed ))
# The suite under sanitizers (build-asan/: all of it; build-tsan/: the threading tests), then the
# fuzzers (codec and frame reader, JSON check) for AGORA_SIG_FUZZ_SECONDS each (build-fuzz/;
# docs/native-core.md).
run_ctest scripts/test-sanitizers.sh "$logdir/asan.log" asan
native_total=$(( native_total + ctest_total ))
native_failed=$(( native_failed + ctest_failed ))
run_ctest scripts/test-sanitizers.sh "$logdir/tsan.log" tsan
native_total=$(( native_total + ctest_total ))
native_failed=$(( native_failed + ctest_failed ))
run_ctest scripts/test-fuzz.sh "$logdir/fuzz.log"
native_total=$(( native_total + ctest_total ))
native_failed=$(( native_failed + ctest_failed ))

AGORA_SIG_NATIVE_BUILD_DIR="${AGORA_SIG_NATIVE_BUILD_DIR:-$root/build-native}" \
  npx mocha "$@" 2>&1 | tee "$logdir/mocha.log"
mocha_status=${PIPESTATUS[0]}
mocha_passed=$(sed -nE 's/^ *([0-9]+) passing.*/\1/p' "$logdir/mocha.log" | tail -n 1)
mocha_failed=$(sed -nE 's/^ *([0-9]+) failing.*/\1/p' "$logdir/mocha.log" | tail -n 1)
mocha_passed=${mocha_passed:-0}
mocha_failed=${mocha_failed:-0}
[ "$mocha_status" -ne 0 ] && [ "$mocha_failed" -eq 0 ] && mocha_failed=1

passed=$(( native_total - native_failed + mocha_passed ))
failed=$(( native_failed + mocha_failed ))
echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
