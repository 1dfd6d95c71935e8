#!/usr/bin/env bash
# kill -9 campaign: N random kills of a running engine while hosts change state, restarting
# each time. Checks that no confirmed (printed) change is lost, no intervals overlap, the time
# no engine ran is unknown, no ticket is duplicated and every notification reaches the receiver
# (a repeat after a kill mid-request carries the same Idempotency-Key). Prints the figures.
#
#   scripts/kill-test.sh [N]        (root: it creates its own network namespaces; N defaults to 20)
#
# Packets go only to 127.0.0.1 and to hosts in the namespaces this script creates (198.18.0.0/15).
# Every loop is bounded; everything started is stopped by PID; the namespaces are deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-20}"
BIN="${PANTAU_BIN:-$PWD/.build/debug/pantau}"
[ -x "$BIN" ] || { echo "kill-test: build first (swift build --product pantau)"; exit 2; }
S=$$
CORE="pkc$S"; OPDS=("pk1-$S" "pk2-$S" "pk3-$S")
WORK="$(mktemp -d /tmp/pantau-kill.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && { kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; } || true; done
  for ns in "$CORE" "${OPDS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
if ! ip netns add "$CORE" 2>/dev/null; then echo "kill-test: SKIPPED: network namespaces are not permitted here"; exit 0; fi
ip -n "$CORE" link set lo up
for i in 0 1 2; do
  ns="${OPDS[$i]}"; n=$((31 + i))
  ip netns add "$ns"; ip -n "$ns" link set lo up
  ip link add "kc$i-$S" type veth peer name "ko$i-$S"
  ip link set "kc$i-$S" netns "$CORE"; ip link set "ko$i-$S" netns "$ns"
  ip -n "$CORE" addr add "198.18.$n.1/24" dev "kc$i-$S"; ip -n "$CORE" link set "kc$i-$S" up
  ip -n "$ns" addr add "198.18.$n.2/24" dev "ko$i-$S"; ip -n "$ns" link set "ko$i-$S" up
done

mkdir -p "$WORK/inventory" "$WORK/probes"
cat > "$WORK/inventory/network.yaml" <<EOF
organization: Diskominfo Uji Kill
timezone: Asia/Jakarta
calendar: {workweek: [mon, tue, wed, thu, fri], hours: "00:00-23:59", holidays: [libur.csv]}
sla: {availability_target_pct: 90, repair_working_days: 3}
sites:
  - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
  - {id: opd1, name: OPD Satu, address: 198.18.31.2, uplinks: [fo-1]}
  - {id: opd2, name: OPD Dua, address: 198.18.32.2, uplinks: [fo-2]}
  - {id: opd3, name: OPD Tiga, address: 198.18.33.2, uplinks: [fo-3]}
links:
  - {id: fo-1, kind: fo-aerial, from: dc, to: opd1}
  - {id: fo-2, kind: fo-aerial, from: dc, to: opd2}
  - {id: fo-3, kind: fo-aerial, from: dc, to: opd3}
EOF
printf 'date,name\n%s-01-01,Tahun Baru\n%s-01-01,Tahun Baru\n' "$(date +%Y)" "$(( $(date +%Y) + 1 ))" > "$WORK/inventory/libur.csv"
cat > "$WORK/probes/icmp.yaml" <<EOF
icmp:
  defaults: {interval: 1s, packets: 2, packet_gap: 10ms, timeout: 300ms, rounds_to_confirm_down: 2, rounds_to_confirm_up: 2}
EOF
PORT=$((20000 + S % 20000))
cat > "$WORK/probes/incidents.yaml" <<EOF
incidents:
  group_window: 2s
  recovery_hold: 4s
  reopen_within: 1m
  settle: 3s
notify:
  - {name: hook, type: webhook, url: "http://127.0.0.1:$PORT/hook", notices: true}
EOF
# The receiver: a webhook inside the core namespace that logs every delivery with its key.
ip netns exec "$CORE" python3 -c '
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps({"key": self.headers.get("Idempotency-Key"), "body": json.loads(body)}) + "\n")
        self.send_response(200); self.end_headers(); self.wfile.write(b"{}")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
' "$PORT" "$WORK/hook.jsonl" &
PIDS+=($!)
LOC=(--inventory "$WORK/inventory" --db "$WORK/p.sqlite")
"$BIN" check "${LOC[@]}" >/dev/null

rnd() { python3 -c "import random; print(round(random.uniform($1, $2), 2))"; }
: > "$WORK/toggles.log"
for i in $(seq 1 "$N"); do
  ip netns exec "$CORE" "$BIN" run --seconds 60 "${LOC[@]}" > "$WORK/run-$i.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  sleep "$(rnd 1.5 4)"
  j=$((RANDOM % 3)); dev="ko$j-$S"
  if ip -n "${OPDS[$j]}" link show "$dev" | grep -q 'state UP'; then state=down; else state=up; fi
  ip -n "${OPDS[$j]}" link set "$dev" "$state"
  echo "$(date +%s) opd$((j + 1)) $state" >> "$WORK/toggles.log"
  sleep "$(rnd 0.1 3.5)"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
# Every host back, then one clean run that stops by itself.
for j in 0 1 2; do ip -n "${OPDS[$j]}" link set "ko$j-$S" up; done
ip netns exec "$CORE" "$BIN" run --seconds 12 "${LOC[@]}" > "$WORK/run-final.log" 2>&1
rc=$?
[ "$rc" -eq 0 ] || { echo "kill-test: the final clean run exited $rc"; cat "$WORK/run-final.log"; exit 1; }
sleep 1

python3 - "$WORK" "$N" <<'PY'
import datetime, glob, json, re, sqlite3, sys
work, kills = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(work + "/p.sqlite")
problems = []
# 1. Every change the console printed (it prints only what is durable) is in the history.
printed = []
for f in sorted(glob.glob(work + "/run-*.log")):
    for line in open(f, errors="replace"):
        m = re.match(r"^(\S+)  (\S+)  (up|down|unknown) -> (up|down)\b", line)
        if m:
            since = int(datetime.datetime.fromisoformat(m.group(1)).timestamp())
            printed.append((m.group(2), m.group(4), since, f))
lost = [p for p in printed if db.execute(
    "SELECT COUNT(*) FROM state_interval WHERE target=? AND state=? AND from_s=?", p[:3]).fetchone()[0] == 0]
if lost: problems.append(f"{len(lost)} printed change(s) missing from the history, e.g. {lost[:3]}")
# 2. No overlapping intervals per target (open intervals end at their session's end or last heartbeat).
rows = db.execute("""SELECT i.target, i.from_s, COALESCE(i.to_s, s.ended_s, s.last_seen_s), i.source_id
                     FROM state_interval i JOIN source s ON s.id = i.source_id ORDER BY i.target, i.from_s""").fetchall()
overlaps = [(a, b) for a, b in zip(rows, rows[1:]) if a[0] == b[0] and b[1] < a[2]]
if overlaps: problems.append(f"{len(overlaps)} overlapping interval pair(s), e.g. {overlaps[:2]}")
# 3. Dead time is unknown: every interval lies within its session's life.
outside = db.execute("""SELECT COUNT(*) FROM state_interval i JOIN source s ON s.id = i.source_id
                        WHERE i.from_s < s.started_s OR COALESCE(i.to_s, s.ended_s, s.last_seen_s) > COALESCE(s.ended_s, s.last_seen_s)""").fetchone()[0]
if outside: problems.append(f"{outside} interval(s) outside their engine session (dead time counted)")
crashed = db.execute("SELECT COUNT(*) FROM source WHERE end_reason='crash-recovered'").fetchone()[0]
open_sessions = db.execute("SELECT COUNT(*) FROM source WHERE kind='engine' AND ended_s IS NULL").fetchone()[0]
if open_sessions: problems.append(f"{open_sessions} session(s) still open after the clean stop")
# 4. Tickets: never two live for one root, episodes of one root never overlap.
live = db.execute("SELECT root_key, COUNT(*) FROM ticket WHERE state IN ('open','acknowledged') GROUP BY root_key HAVING COUNT(*) > 1").fetchall()
if live: problems.append(f"duplicate live tickets: {live}")
t = db.execute("SELECT root_key, opened_s, COALESCE(resolved_s, 1e18) FROM ticket ORDER BY root_key, opened_s").fetchall()
dup = [(a, b) for a, b in zip(t, t[1:]) if a[0] == b[0] and b[1] < a[2]]
if dup: problems.append(f"overlapping tickets for one root: {dup[:2]}")
tickets = db.execute("SELECT COUNT(*) FROM ticket").fetchone()[0]
# 5. Notifications: each queued once; every delivered key reached the receiver; repeats keep their key.
sent = {r[0] for r in db.execute("SELECT dedupe_key FROM outbox WHERE sent_s IS NOT NULL")}
queued = db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
got = [json.loads(l)["key"] for l in open(work + "/hook.jsonl")] if glob.glob(work + "/hook.jsonl") else []
missing = sent - set(got)
if missing: problems.append(f"{len(missing)} message(s) marked sent but never received: {sorted(missing)[:3]}")
repeats = len(got) - len(set(got))
toggles = sum(1 for _ in open(work + "/toggles.log"))
print(f"kill-test: {kills} kill -9, {toggles} host changes, {crashed} crashed sessions recovered; "
      f"{len(printed)} printed changes, all {len(printed) - len(lost)} in the history; {len(rows)} intervals, 0 overlapping"
      if not overlaps else "", end="")
print(f"; {tickets} tickets; {queued} messages queued, {len(sent)} delivered, {repeats} redelivered after a kill (same Idempotency-Key)")
if problems:
    print("kill-test: FAILED")
    for p in problems: print(" -", p)
    sys.exit(1)
print("kill-test: all checks passed")
PY
