#!/usr/bin/env bash
# The C edges under AddressSanitizer and UndefinedBehaviorSanitizer: the whole package (the
# net-snmp, libpcap and libcurl shims, every Swift call site, the pantau binary the integration
# tests start) built with -sanitize=address,undefined in .build-asan, then the tests that drive
# them: SNMP (a real snmpd, sessions past descriptor 1,024, garbled replies, dead agents), traps
# (v1/v2c/v3 from snmptrap, a namespace lab), capture (libpcap on a pcap file and a namespace's
# veth), curl (webhooks, SMTP with STARTTLS). Any sanitizer report fails the run.
# Usage: scripts/sanitize-test.sh [extra swift test arguments]. Root for the namespace tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Swift has no UndefinedBehaviorSanitizer on Linux: the C code (shims, C dependencies) gets it
# through clang; the ASan runtime carries its handlers.
FLAGS=(--sanitize=address -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined --scratch-path .build-asan)
swift build --build-tests "${FLAGS[@]}"
# Leak checking is off (the Swift runtime's caches read as leaks); everything else halts with a report.
# Reports go to files, so one from a pantau process an integration test started (its output is
# the test's log) is seen as well as one from the test runner.
REPORTS=$(mktemp -d /tmp/pantau-sanitize-reports.XXXXXX)
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=1:log_path=$REPORTS/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$REPORTS/ubsan"
# The sanitizer prints the report; Swift's own crash backtracer would then hold the test runner's
# output open while it symbolicates the dead process (the run hung after a report).
export SWIFT_BACKTRACE=enable=no
FILTER='PantauProbesTests|PantauEngineTests.NotificationTests|PantauEngineTests.SMTPTests|PantauIntegrationTests.SNMPLinkTests|PantauIntegrationTests.CaptureNamespaceTests|PantauIntegrationTests.DescriptorLimitTests|PantauIntegrationTests.TopologyCheckTests'
LOG=$(mktemp /tmp/pantau-sanitize.XXXXXX)
trap 'rm -rf "$LOG" "$REPORTS"' EXIT
set +e
# Bounded: a crashed test must fail the step, never hang it.
timeout --kill-after=30 1200 swift test --skip-build "${FLAGS[@]}" --filter "$FILTER" "$@" 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e
if [ -n "$(ls -A "$REPORTS")" ] || grep -qE 'ERROR: AddressSanitizer|runtime error:|SUMMARY: (Address|UndefinedBehavior)Sanitizer' "$LOG"; then
  cat "$REPORTS"/* 2>/dev/null >&2 || true
  echo "sanitize-test: a sanitizer reported an error (above)" >&2
  exit 1
fi
[ "$status" -eq 0 ] || { echo "sanitize-test: tests failed under the sanitizers" >&2; exit "$status"; }
echo "sanitize-test: no sanitizer report; $(grep -cE "Test Case .* passed" "$LOG") test cases passed"
