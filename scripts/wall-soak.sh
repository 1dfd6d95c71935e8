#!/usr/bin/env bash
# The NOC wall map left open for a night: `pantau demo` (a simulated network, 12 simulated hours
# at the real pace unless SPEED is set) with the map in kiosk mode in headless Chromium, its
# JavaScript heap and DOM sampled every 5 minutes (scripts/wall-soak.py). Loopback only.
#   scripts/wall-soak.sh [HOURS=12] [REFRESH=30]     (SOAK_SECONDS=N for a shorter run, SAMPLE=300)
set -euo pipefail
cd "$(dirname "$0")/.."
hours=${1:-12}; refresh=${2:-30}; speed=${SPEED:-1}
seconds=${SOAK_SECONDS:-$(( hours * 3600 ))}; sample=${SAMPLE:-300}
venv=${PANTAU_WEBTEST_VENV:-/opt/pantau-webtest}
swift build -c release --product pantau >/dev/null
dir=$(mktemp -d); trap 'kill $demo 2>/dev/null || true; rm -rf "$dir"' EXIT
.build/release/pantau demo --db "$dir/demo.sqlite" --web-port 0 --speed "$speed" --minutes $(( (seconds / 60 + 10) * speed )) \
  --keep-serving 60 > "$dir/demo.log" 2>&1 &
demo=$!
for _ in $(seq 100); do grep -q '^Dasbor: ' "$dir/demo.log" && break; sleep 0.3; done
line=$(grep '^Dasbor: ' "$dir/demo.log"); url=$(echo "$line" | awk '{print $2}'); password=$(echo "$line" | awk '{print $NF}')
"$venv/bin/python" scripts/wall-soak.py "${url%/}" demo "$password" "$seconds" "$sample" "$refresh" test-artifacts/web
