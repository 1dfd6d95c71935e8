#!/usr/bin/env bash
# History import benchmark: EXISTING rows imported into an empty database, then NEW rows (a later
# period of the same targets) imported into the database that holds them; wall time and peak
# memory of each `pantau history import`, and a re-import of the NEW file (every row already
# present). Usage: scripts/bench-import.sh [TARGETS=1000] [EXISTING_PER_TARGET=1000] [NEW_PER_TARGET=200]
# Files only: no network.
set -euo pipefail
cd "$(dirname "$0")/.."
T="${1:-1000}"; E="${2:-1000}"; N="${3:-200}"
[ "$T" -ge 1 ] && [ "$T" -le 100000 ] && [ "$E" -ge 1 ] && [ "$N" -ge 1 ] && [ $((T * (E + N))) -le 20000000 ] || { echo "bad sizes" >&2; exit 2; }
swift build -c release --product pantau >/dev/null
PANTAU=$PWD/.build/release/pantau
WORK=$(mktemp -d /tmp/pantau-bench-import.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/inv" "$WORK/probes"
python3 - "$WORK" "$T" "$E" "$N" <<'PY'
import sys, datetime
work, t, e, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with open(f"{work}/inv/network.yaml", "w") as f:
    f.write("organization: Bench\ntimezone: Asia/Jakarta\n")
    f.write('calendar: {workweek: [mon, tue, wed, thu, fri], hours: "08:00-16:00"}\n')
    f.write("sla: {availability_target_pct: 90, repair_working_days: 3}\nsites:\n  - {id: dc, name: DC, role: core}\n")
    for i in range(t): f.write(f"  - {{id: s{i}, name: S{i}, uplinks: [l{i}]}}\n")
    f.write("links:\n")
    for i in range(t): f.write(f"  - {{id: l{i}, kind: fo-aerial, from: dc, to: s{i}}}\n")
open(f"{work}/probes/icmp.yaml", "w").write("icmp: {}\n")
base = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
def iso(k): return (base + datetime.timedelta(hours=k)).isoformat()
for name, first, count in (("existing", 0, e), ("new", e, n)):
    with open(f"{work}/{name}.csv", "w") as f:
        f.write("target,state,from,to\n")
        for i in range(t):
            for k in range(first, first + count):
                f.write(f"s{i},{'up' if k % 2 == 0 else 'down'},{iso(k)},{iso(k + 1)}\n")
PY
run() {  # name, csv
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$PANTAU" history import "$WORK/$2.csv" --inventory "$WORK/inv" --probes "$WORK/probes" \
    --db "$WORK/bench.sqlite" > "$WORK/$1.out"
  read -r wall rss < "$WORK/time"
  printf '%-28s %9d rows  wall %7.2f s  peak %6.1f MiB  (%s)\n' "$1" "$(( $(wc -l < "$WORK/$2.csv") - 1 ))" "$wall" \
    "$(echo "$rss / 1024" | bc -l)" "$(tail -1 "$WORK/$1.out")"
}
echo "history import: $T targets; $E intervals each already stored, then $N new each; $(nproc) cores"
run "into an empty database" existing
run "into the filled database" new
run "the same file again" new
