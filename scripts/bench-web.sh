#!/usr/bin/env bash
# Web benchmark (issues 10 and 27): the dashboard overview, the NOC map and /metrics for SITES
# sites must render in under 50 ms, also while CLIENTS live-update clients are connected; the
# idle clients must cost under 10% of a core.
#  1. `pantau bench web --sites SITES` serves a synthetic network (a core, a POP per 50 OPDs,
#     half a month of history with outages, five OPDs down, open tickets) on 127.0.0.1.
#  2. curl times REQUESTS sequential requests of /, /metrics and /availability (after a warm-up):
#     median, p95 and max of the total time, on loopback.
#  3. CLIENTS event streams (/events) are opened and held for IDLE seconds; the server's CPU time
#     (utime+stime from /proc) over that window is compared with the same window without clients.
#  4. With the streams still held, / and /map are timed again (REQUESTS each).
# Usage: scripts/bench-web.sh [SITES=1000] [REQUESTS=50] [CLIENTS=300] [IDLE=30]. Loopback only;
# every loop is bounded and the server stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
SITES="${1:-1000}"; REQUESTS="${2:-50}"; CLIENTS="${3:-300}"; IDLE="${4:-30}"
[ "$SITES" -ge 10 ] && [ "$SITES" -le 10000 ] && [ "$REQUESTS" -ge 5 ] && [ "$REQUESTS" -le 1000 ] \
  && [ "$CLIENTS" -ge 1 ] && [ "$CLIENTS" -le 1000 ] && [ "$IDLE" -ge 5 ] && [ "$IDLE" -le 300 ] \
  || { echo "SITES 10..10000, REQUESTS 5..1000, CLIENTS 1..1000, IDLE 5..300" >&2; exit 2; }
swift build -c release --product pantau ${SWIFT_BUILD_FLAGS:-} >/dev/null
WORK=$(mktemp -d /tmp/pantau-bench-web.XXXXXX)
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
.build/release/pantau bench web --sites "$SITES" --seconds $((IDLE * 2 + REQUESTS + 120)) --db "$WORK/web.sqlite" > "$WORK/server.txt" 2>&1 &
SERVER=$!
for _ in $(seq 1 300); do [ -s "$WORK/server.txt" ] && break; sleep 0.1; done
read -r URL TOKEN PID < "$WORK/server.txt"
case "$URL" in http://127.*) ;; *) echo "unexpected server line: $(cat "$WORK/server.txt")" >&2; exit 1 ;; esac

time_path() {  # path -> "median p95 max" in ms
  local path=$1
  for _ in 1 2 3; do curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL$path"; done
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$URL$path"
  done | sort -n | awk '{ a[NR] = $1 * 1000 } END { printf "%.1f %.1f %.1f", a[int((NR + 1) / 2)], a[int(NR * 0.95 + 0.5)], a[NR] }'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
HZ=$(getconf CLK_TCK)

echo "pantau bench web: $SITES sites, $REQUESTS requests per page (sequential, loopback), release build"
printf '%-16s %10s %10s %10s %10s\n' page "median ms" "p95 ms" "max ms" bytes
for p in / /map /metrics /availability /api/v1/status; do
  read -r med p95 max <<< "$(time_path "$p")"
  bytes=$(curl -s -H "Authorization: Bearer $TOKEN" "$URL$p" | wc -c)
  printf '%-16s %10s %10s %10s %10s\n' "$p" "$med" "$p95" "$max" "$bytes"
done

# Idle cost of live clients: the server's CPU over IDLE seconds without and with CLIENTS streams.
before=$(cpu_ticks); sleep "$IDLE"; base=$(( $(cpu_ticks) - before ))
python3 - "$URL" "$TOKEN" "$CLIENTS" "$IDLE" "$PID" "$HZ" "$base" "$REQUESTS" <<'PY'
import http.client, socket, sys, time
url, token, n, idle, pid, hz, base = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6]), int(sys.argv[7])
requests = int(sys.argv[8])
host, port = url[len("http://"):].split(":")
assert host.startswith("127."), "loopback only"
def ticks():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])
socks = []
for i in range(n):
    # Each client from its own loopback address, as a NOC's screens are (the server allows 256 per address).
    s = socket.create_connection((host, int(port)), timeout=5, source_address=(f"127.0.{i // 250 + 1}.{i % 250 + 1}", 0))
    s.sendall(f"GET /events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode())
    socks.append(s)
for s in socks:
    head = s.recv(4096)
    assert b"200 OK" in head and b"text/event-stream" in head, head[:200]
time.sleep(1)
t0 = ticks(); start = time.time()
time.sleep(idle)
used = ticks() - t0; secs = time.time() - start
# The pages a NOC keeps open, timed while every stream is still held.
def timed(path):
    out = []
    for i in range(requests + 3):
        c = http.client.HTTPConnection(host, int(port), timeout=10)
        t = time.perf_counter()
        c.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        r = c.getresponse(); body = r.read()
        dt = (time.perf_counter() - t) * 1000
        c.close()
        assert r.status == 200, (path, r.status)
        if i >= 3: out.append(dt)
    out.sort()
    return out[(len(out) + 1) // 2 - 1], out[int(len(out) * 0.95 + 0.5) - 1], out[-1], len(body)
print(f"with {n} live clients connected:")
for path in ["/", "/map"]:
    med, p95, mx, size = timed(path)
    print(f"{path:<16} {med:10.1f} {p95:10.1f} {mx:10.1f} {size:10d}")
for s in socks:
    s.settimeout(0.1)
    try:
        while s.recv(65536): pass
    except OSError: pass
alive = sum(1 for s in socks if s.fileno() >= 0)
for s in socks: s.close()
pct = used / hz / secs * 100; basepct = base / hz / idle * 100
print(f"live clients: {n} event streams held {secs:.0f} s: server CPU {pct:.2f}% of a core (without clients {basepct:.2f}%)")
PY
