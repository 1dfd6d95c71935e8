#!/usr/bin/env bash
# Sets up and runs every test: unit, property, loopback ICMP, CLI contracts, network
# namespaces and kill -9 (the last two need root; they say SKIPPED where not permitted).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
