#!/usr/bin/env bash
# ICMP benchmark: pantau's batched pinger vs fping on the same loopback targets.
# Usage: scripts/bench-icmp.sh [TARGETS] [ROUNDS]   (needs root for raw ICMP and fping -i 0)
# Sends only to 127.10.0.0/16-ish loopback addresses; bounded by TARGETS x ROUNDS.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=${1:-5000}; rounds=${2:-5}
bash scripts/setup.sh
swift build -c release --product pantau >/dev/null
bin=.build/release/pantau
list=$(mktemp); trap 'rm -f "$list"' EXIT
$bin bench icmp --targets "$targets" --print-targets > "$list"
if grep -qv '^127\.' "$list"; then echo "refusing: a target is not loopback" >&2; exit 1; fi
echo "targets=$targets rounds=$rounds host=$(nproc) cores"
TIMEFORMAT='%R %U %S'
p=$( { time $bin bench icmp --targets "$targets" --rounds "$rounds" --json >/tmp/pantau-bench.json; } 2>&1 )
f=$( { time for _ in $(seq "$rounds"); do fping -c1 -i 0 -t 1000 -q -f "$list" 2>/dev/null || true; done; } 2>&1 )
read -r pw pu ps <<<"$p"; read -r fw fu fs <<<"$f"
cat /tmp/pantau-bench.json
python3 - "$pw" "$pu" "$ps" "$fw" "$fu" "$fs" "$targets" "$rounds" <<'PY'
import sys
pw,pu,ps,fw,fu,fs=map(float,sys.argv[1:7]); n,r=sys.argv[7],sys.argv[8]
pc,fc=pu+ps,fu+fs
print(f"| tool | targets x rounds | wall s | CPU s (user+sys) |")
print(f"|---|---|---|---|")
print(f"| pantau bench icmp | {n} x {r} | {pw:.3f} | {pc:.3f} |")
print(f"| fping -c1 -i 0 | {n} x {r} | {fw:.3f} | {fc:.3f} |")
print(f"| ratio pantau/fping | | {pw/fw:.2f} | {pc/fc if fc else float('nan'):.2f} |")
PY
