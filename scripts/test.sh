#!/usr/bin/env bash
# Sets up and runs every test: unit, property, loopback ICMP, CLI contracts, network
# namespaces, fault injection and the kill -9 campaign (scripts/kill-test.sh, 20 kills; the
# namespace tests need root and say SKIPPED where not permitted).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
# The kill -9 campaign (root: it makes its own namespaces; prints SKIPPED where not permitted).
if [ $# -eq 0 ] && [ "$(id -u)" -eq 0 ]; then bash scripts/kill-test.sh "${PANTAU_KILLS:-20}"; fi
