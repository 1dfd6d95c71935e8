#!/usr/bin/env bash
# Sets up, builds and runs the demo: the real engine on the sample inventory against a
# simulated network (no devices, no root, no packets sent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product pantau
.build/debug/pantau check
exec .build/debug/pantau demo "$@"
