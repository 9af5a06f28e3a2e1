#!/usr/bin/env bash
# The whole test suite: the native core on its own (CTest), its Windows build (run under Wine by
# the end-to-end tests), then every TypeScript layer (mocha): protocol, server, addon, end to end.
# Prints one closing line "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
logdir="$root/test-artifacts"
mkdir -p "$logdir"

npm run build:ts || { echo "0 passed, 1 failed"; exit 1; }
[ -f build/Release/agora_sig_addon.node ] || npm run build:native || { echo "0 passed, 1 failed"; exit 1; }

bash scripts/test-native.sh 2>&1 | tee "$logdir/native.log"
native_status=${PIPESTATUS[0]}
native_line=$(grep -E '^[0-9]+% tests passed' "$logdir/native.log" | tail -n 1)
native_total=$(sed -nE 's/.* out of ([0-9]+).*/\1/p' <<<"$native_line")
native_failed=$(sed -nE 's/.*, ([0-9]+) tests failed.*/\1/p' <<<"$native_line")
native_total=${native_total:-0}
native_failed=${native_failed:-0}
[ "$native_status" -ne 0 ] && [ "$native_failed" -eq 0 ] && native_failed=1

# The Windows build of the core and its programs, which the end-to-end tests run under Wine.
bash scripts/test-windows.sh 2>&1 | tee "$logdir/windows.log"
[ "${PIPESTATUS[0]}" -ne 0 ] && native_failed=$(( native_failed + 1 ))

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
