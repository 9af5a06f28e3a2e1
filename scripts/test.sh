#!/usr/bin/env bash
# The whole test suite: the native core on its own (CTest), on Linux and built for Windows (under
# Wine), under AddressSanitizer+UBSan and ThreadSanitizer, the protocol fuzzer for a bounded time,
# the addon in Windows Node (under Wine), then every TypeScript layer (mocha): protocol, server,
# addon, end to end, packaging, reliability, then the Java Server SDK (JUnit through Maven).
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

# The prebuilt addons the package ships (linux-x64, win32-x64 cross-built): the Windows Node stage
# loads one, the packaging tests (test/10-package) pack both. Always brought up to date (an
# incremental build, seconds when nothing changed): the loader prefers prebuilds/ to build/, so a
# stale prebuild would be what every addon test loads.
npm run build:prebuilds || { native_total=$(( native_total + 1 )); native_failed=$(( native_failed + 1 )); }
# The addon in Windows Node under Wine: its own suite and the p2p end-to-end test in Windows Node 20
# (the end-to-end test 04-e2e/12 then runs that Node against this machine's server).
bash scripts/test-windows-node.sh >"$logdir/windows-node.log" 2>&1
windows_node_status=$?
cat "$logdir/windows-node.log"
windows_node_passed=$(sed -nE 's/^ *([0-9]+) passing.*/\1/p' "$logdir/windows-node.log" | tail -n 1)
windows_node_failed=$(sed -nE 's/^ *([0-9]+) failing.*/\1/p' "$logdir/windows-node.log" | tail -n 1)
windows_node_passed=${windows_node_passed:-0}
windows_node_failed=${windows_node_failed:-0}
[ "$windows_node_status" -ne 0 ] && [ "$windows_node_failed" -eq 0 ] && windows_node_failed=1
native_total=$(( native_total + windows_node_passed + windows_node_failed ))
native_failed=$(( native_failed + windows_node_failed ))

AGORA_SIG_NATIVE_BUILD_DIR="${AGORA_SIG_NATIVE_BUILD_DIR:-$root/build-native}" \
  npx mocha "$@" 2>&1 | tee "$logdir/mocha.log"
mocha_status=${PIPESTATUS[0]}
mocha_passed=$(sed -nE 's/^ *([0-9]+) passing.*/\1/p' "$logdir/mocha.log" | tail -n 1)
mocha_failed=$(sed -nE 's/^ *([0-9]+) failing.*/\1/p' "$logdir/mocha.log" | tail -n 1)
mocha_passed=${mocha_passed:-0}
mocha_failed=${mocha_failed:-0}
[ "$mocha_status" -ne 0 ] && [ "$mocha_failed" -eq 0 ] && mocha_failed=1

# The behaviour suites again against a cluster: every server a test starts is two nodes over one
# redis-server behind a round-robin proxy, so each test's clients are spread over both nodes
# (test/support/two-node-mode.ts; docs/cluster.md, "Tests").
npx mocha --no-config --timeout 30000 --reporter spec --require dist/test/support/two-node-mode.js \
  'dist/test/02-server/**/*.test.js' 'dist/test/04-e2e/**/*.test.js' 'dist/test/05-browser/**/*.test.js' \
  'dist/test/06-object-models/**/*.test.js' --ignore 'dist/test/04-e2e/1[12]-windows-*.test.js' 2>&1 | tee "$logdir/mocha-two-nodes.log"
cluster_status=${PIPESTATUS[0]}
cluster_passed=$(sed -nE 's/^ *([0-9]+) passing.*/\1/p' "$logdir/mocha-two-nodes.log" | tail -n 1)
cluster_failed=$(sed -nE 's/^ *([0-9]+) failing.*/\1/p' "$logdir/mocha-two-nodes.log" | tail -n 1)
cluster_passed=${cluster_passed:-0}
cluster_failed=${cluster_failed:-0}
[ "$cluster_status" -ne 0 ] && [ "$cluster_failed" -eq 0 ] && cluster_failed=1
mocha_passed=$(( mocha_passed + cluster_passed ))
mocha_failed=$(( mocha_failed + cluster_failed ))

# The Java Server SDK (java/): JUnit 5 against the server in dist/, counted from Surefire's summary
# line "Tests run: N, Failures: F, Errors: E, Skipped: S". Maven fetches its plugins from Maven
# Central into ~/.m2 on the first run.
java_passed=0
java_failed=0
if command -v mvn >/dev/null 2>&1; then
  mvn -B -ntp -f java/pom.xml test 2>&1 | tee "$logdir/java.log"
  java_status=${PIPESTATUS[0]}
  line=$(grep -E 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$logdir/java.log" | tail -n 1)
  java_run=$(sed -nE 's/.*Tests run: ([0-9]+),.*/\1/p' <<<"$line")
  java_fail=$(sed -nE 's/.*Failures: ([0-9]+),.*/\1/p' <<<"$line")
  java_err=$(sed -nE 's/.*Errors: ([0-9]+),.*/\1/p' <<<"$line")
  java_skip=$(sed -nE 's/.*Skipped: ([0-9]+)$/\1/p' <<<"$line")
  java_total=$(( ${java_run:-0} - ${java_skip:-0} ))
  java_failed=$(( ${java_fail:-0} + ${java_err:-0} ))
  [ "$java_status" -ne 0 ] && [ "$java_failed" -eq 0 ] && java_failed=1
  java_passed=$(( java_total > java_failed ? java_total - java_failed : 0 ))
else
  echo "mvn not found: the Java SDK's tests count as one failure (scripts/install-system-deps.sh installs Maven)"
  java_failed=1
fi

passed=$(( native_total - native_failed + mocha_passed + java_passed ))
failed=$(( native_failed + mocha_failed + java_failed ))
echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
