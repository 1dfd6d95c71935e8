#!/usr/bin/env bash
# Month availability and the report's JSON at province scale: a generated network of N OPD sites
# behind N/40 POPs (each site with an address, an uplink link and a contract), a month of history
# (every site up, with 0-3 outages a week at random working-hour times, and a day without data for
# one site in fifty) imported with `pantau history import`; then timed with the release build:
# `pantau check`, `pantau availability --format json` and `pantau report --format json`, each
# with its peak memory. Nothing is probed: no packet leaves the host.
# Usage: scripts/bench-availability.sh [N=10000] [MONTH=2026-11].
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"; MONTH="${2:-2026-11}"
[ "$N" -ge 10 ] && [ "$N" -le 60000 ] || { echo "N 10..60000" >&2; exit 2; }
swift build -c release --product pantau ${SWIFT_BUILD_FLAGS:-} >/dev/null
PANTAU=$PWD/.build/release/pantau
WORK=$(mktemp -d /tmp/pantau-bench-avail.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/inventory" "$WORK/probes"
python3 - "$N" "$MONTH" "$WORK" <<'PY'
import random, sys, datetime as dt
n, month, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
random.seed(30)
pops = max(1, n // 40)
with open(f"{work}/inventory/network.yaml", "w") as f:
    f.write("organization: Diskominfo Bench\ntimezone: Asia/Jakarta\n")
    f.write('calendar:\n  workweek: [mon, tue, wed, thu, fri]\n  hours: "08:00-16:00"\n  holidays: [libur.csv]\n')
    f.write("sla: {availability_target_pct: 90, repair_working_days: 3}\nsites:\n")
    f.write("  - {id: dc, name: Pusat Data, role: core, address: 127.40.0.1}\n")
    for p in range(pops):
        f.write(f"  - {{id: pop{p}, name: POP {p}, role: distribution, address: 127.41.{p // 250}.{p % 250 + 1}, uplinks: [fo-pop{p}]}}\n")
    for i in range(n):
        f.write(f"  - id: opd{i}\n    name: Dinas Nomor {i}\n    address: 127.42.{i // 250}.{i % 250 + 1}\n"
                f"    criticality: {random.choice(['high', 'medium', 'low'])}\n    uplinks: [fo-opd{i}]\n")
    f.write("links:\n")
    for p in range(pops):
        f.write(f"  - {{id: fo-pop{p}, kind: fo-underground, from: dc, to: pop{p}, bandwidth_mbps: 1000}}\n")
    for i in range(n):
        f.write(f"  - {{id: fo-opd{i}, kind: fo-aerial, from: pop{i % pops}, to: opd{i}, bandwidth_mbps: 50}}\n")
with open(f"{work}/inventory/libur.csv", "w") as f:
    f.write("date,name\n2026-11-25,Hari Uji\n")
y, m = map(int, month.split("-"))
start = dt.datetime(y, m, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
end = dt.datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=start.tzinfo)
iso = lambda t: t.isoformat()
rows = 0
with open(f"{work}/history.csv", "w") as f:
    f.write("target,state,from,to\n")
    for i in range(n):
        t = start
        gap_day = (i % 50 == 0)
        while t < end:
            nxt = min(end, t + dt.timedelta(seconds=random.randint(129600, 604800)))
            f.write(f"opd{i},up,{iso(t)},{iso(nxt)}\n"); rows += 1
            if nxt >= end: break
            down = min(end, nxt + dt.timedelta(seconds=random.randint(300, 18000)))
            f.write(f"opd{i},down,{iso(nxt)},{iso(down)}\n"); rows += 1
            t = down
            if gap_day and t < end:  # a day without data (not counted as up)
                t = min(end, t + dt.timedelta(days=1))
print(f"{n} OPD sites behind {pops} POPs; {rows} history rows for {month}")
PY
LOC=(--inventory "$WORK/inventory" --probes "$WORK/probes" --db "$WORK/pantau.sqlite")
"$PANTAU" history import "${LOC[@]}" "$WORK/history.csv" > /dev/null
measure() {  # name, command...: wall s and peak RSS MiB
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || { cat "$WORK/$name.err" >&2; exit 1; }
  read -r wall rss < "$WORK/time"
  printf '%-24s wall %7.3f s  peak %7.1f MiB  output %s bytes\n' "$name" "$wall" "$(echo "$rss / 1024" | bc -l)" "$(wc -c < "$WORK/$name.out")"
}
for run in 1 2; do
  echo "run $run:"
  measure check "$PANTAU" check "${LOC[@]}"
  measure availability-json "$PANTAU" availability "${LOC[@]}" --month "$MONTH" --format json
  measure availability-table "$PANTAU" availability "${LOC[@]}" --month "$MONTH"
  measure report-json "$PANTAU" report "${LOC[@]}" --month "$MONTH" --format json
done
python3 - "$WORK/availability-json.out" "$WORK/report-json.out" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
sites = a.get("sites", a if isinstance(a, list) else [])
print(f"check: availability JSON has {len(sites)} sites; report JSON parses ({len(json.dumps(r)) // 1024} KiB re-encoded)")
PY
