#!/usr/bin/env bash
# Capture benchmark: Pantau's per-OPD counting vs `tcpdump -w /dev/null` on the same traffic.
#  1. Replay: a generated pcap file (PACKETS Ethernet/IPv4 frames between 32 OPD subnets) read by
#     `pantau traffic replay` and by `tcpdump -r FILE -w /dev/null`: packets per CPU second.
#  2. Live: a SPAN port in network namespaces of this script's own (tc mirred, as in
#     CaptureNamespaceTests); iperf3 sends UDP at RATE (1 Gbit/s by default) for SECONDS with
#     large, jumbo (8900 bytes: the byte rate of a full 1 Gbit/s mirror) and small datagrams; `pantau run` (capture on) and `tcpdump -w /dev/null` read
#     the mirror at the same time. Each reports packets received and dropped by the kernel.
# Usage: scripts/bench-capture.sh [PACKETS=2000000] [SECONDS=10] [RATE=1G]. Root (namespaces).
# Every packet stays inside the namespaces; every load is bounded in count and time.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKETS="${1:-2000000}"; SECONDS_="${2:-10}"; RATE="${3:-1G}"
[ "$PACKETS" -ge 1000 ] && [ "$PACKETS" -le 20000000 ] && [ "$SECONDS_" -ge 1 ] && [ "$SECONDS_" -le 60 ] || { echo "PACKETS 1000..20000000, SECONDS 1..60" >&2; exit 2; }
swift build -c release --product pantau ${SWIFT_BUILD_FLAGS:-} >/dev/null
PANTAU=$PWD/.build/release/pantau
WORK=$(mktemp -d /tmp/pantau-bench-capture.XXXXXX)
S=$$; POP="pbcp$S"; DC="pbcd$S"; OPD="pbco$S"
cleanup() { for p in ${PIDS:-}; do kill "$p" 2>/dev/null || true; done
            for n in $POP $DC $OPD; do ip netns del "$n" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

# An inventory of 32 OPDs (10.100.0.0/24 ... 10.131.0.0/24) plus the live test's two ends.
mkdir -p "$WORK/inventory" "$WORK/probes"
{
  printf 'organization: Bench\ntimezone: Asia/Jakarta\ncalendar: {workweek: [mon, tue, wed, thu, fri], hours: "08:00-16:00"}\n'
  printf 'sla: {availability_target_pct: 90, repair_working_days: 3}\nsites:\n'
  printf '  - {id: dc, name: DC, role: core, address: 127.0.0.1, subnets: [198.18.30.0/24]}\n'
  printf '  - {id: opdlive, name: OPD live, address: 127.0.0.2, uplinks: [fo-live], subnets: [198.18.31.0/24]}\n'
  for i in $(seq 0 31); do printf '  - {id: opd%d, name: OPD %d, address: 127.0.1.%d, uplinks: [fo-opd%d], subnets: [10.%d.0.0/24]}\n' $i $i $((i+1)) $i $((100+i)); done
  printf 'links:\n  - {id: fo-live, kind: fo-aerial, from: dc, to: opdlive}\n'
  for i in $(seq 0 31); do printf '  - {id: fo-opd%d, kind: fo-aerial, from: dc, to: opd%d}\n' $i $i; done
} > "$WORK/inventory/network.yaml"
printf 'icmp: {defaults: {interval: 60s}}\n' > "$WORK/probes/icmp.yaml"
LOC=(--inventory "$WORK/inventory" --db "$WORK/p.sqlite")

cpu() {  # command...: prints "wall cpu" (user+sys, children included)
  /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$@" > "$WORK/out" 2> "$WORK/err" || { cat "$WORK/err" >&2; return 1; }
  read -r wall user sys < "$WORK/time"; echo "$wall $(echo "$user + $sys" | bc)"
}

echo "== 1. Replay of $PACKETS packets ($(nproc) cores)"
python3 scripts/gen-pcap.py "$WORK/t.pcap" "$PACKETS" --sites 32 --snap 96 > "$WORK/expected.json"
cat "$WORK/t.pcap" > /dev/null  # into the page cache for both readers
read -r pw pc <<< "$(cpu "$PANTAU" traffic replay "$WORK/t.pcap" --json "${LOC[@]}")"
cp "$WORK/out" "$WORK/pantau.json"
read -r tw tc <<< "$(cpu tcpdump -r "$WORK/t.pcap" -w /dev/null)"
python3 - "$WORK/pantau.json" "$WORK/expected.json" "$PACKETS" "$pw" "$pc" "$tw" "$tc" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); e = json.load(open(sys.argv[2])); n = int(sys.argv[3])
pw, pc, tw, tc = map(float, sys.argv[4:8])
got = {s["site"]: s for s in p["sites"]}
exact = all(got.get(f"opd{i}", {}).get("in_bytes") == e["sites"][f"10.{100+i}.0.0/24"]["in_bytes"] and
            got.get(f"opd{i}", {}).get("out_bytes") == e["sites"][f"10.{100+i}.0.0/24"]["out_bytes"] for i in range(32))
print(f"pantau traffic replay : {n/pc:12,.0f} packets per CPU second  (wall {pw:.2f} s, cpu {pc:.2f} s; per-OPD counts exact: {exact})")
print(f"tcpdump -w /dev/null  : {n/tc:12,.0f} packets per CPU second  (wall {tw:.2f} s, cpu {tc:.2f} s; writes, does not count)")
print(f"ratio pantau/tcpdump  : {(n/pc)/(n/tc):.2f}")
PY

echo "== 2. Live: iperf3 UDP at $RATE for ${SECONDS_} s through a mirrored port, pantau and tcpdump reading the mirror"
ip netns add "$POP"; ip netns add "$DC"; ip netns add "$OPD"
ip -n "$POP" link set lo up; ip netns exec "$POP" sysctl -qw net.ipv4.ip_forward=1
for x in "$DC:30:d" "$OPD:31:o"; do
  IFS=: read -r ns net tag <<< "$x"
  ip -n "$ns" link set lo up
  ip link add "r$tag$S" type veth peer name "h$tag$S"
  ip link set "r$tag$S" netns "$POP"; ip link set "h$tag$S" netns "$ns"
  ip -n "$POP" addr add "198.18.$net.1/24" dev "r$tag$S"; ip -n "$POP" link set "r$tag$S" up
  ip -n "$ns" addr add "198.18.$net.2/24" dev "h$tag$S"; ip -n "$ns" link set "h$tag$S" up
  ip -n "$ns" route add default via "198.18.$net.1"
  # Jumbo frames allowed, for the byte-rate case (the mirror veth too).
  ip -n "$POP" link set "r$tag$S" mtu 9000; ip -n "$ns" link set "h$tag$S" mtu 9000
done
ip -n "$POP" link add m0 type veth peer name m1; ip -n "$POP" link set m0 mtu 9000 up; ip -n "$POP" link set m1 mtu 9000 up
tc -n "$POP" qdisc add dev "rd$S" clsact
tc -n "$POP" filter add dev "rd$S" ingress protocol all u32 match u32 0 0 action mirred egress mirror dev m1
tc -n "$POP" filter add dev "rd$S" egress protocol all u32 match u32 0 0 action mirred egress mirror dev m1
printf 'capture:\n  interface: m0\n  buffer_mb: 64\n' > "$WORK/probes/capture.yaml"

for len in 1400 8900 64; do
  rm -f "$WORK/p.sqlite"*
  # One test per server (-1), started before the engine: it is listening long before the client below runs.
  ip netns exec "$DC" iperf3 -s -1 -p 5301 -D --logfile "$WORK/iperf-s.log"
  ip netns exec "$POP" /usr/bin/time -f "%e %U %S" -o "$WORK/pantau.time" "$PANTAU" run --seconds $((SECONDS_ + 6)) "${LOC[@]}" > "$WORK/run.log" 2>&1 & PIDS="$!"
  ip netns exec "$POP" /usr/bin/time -f "%e %U %S" -o "$WORK/tcpdump.time" timeout -s INT $((SECONDS_ + 5)) tcpdump -i m0 -B 65536 -s 128 -w /dev/null > "$WORK/tcpdump.log" 2>&1 & PIDS="$PIDS $!"
  for _ in $(seq 100); do grep -q "counting mirrored traffic" "$WORK/run.log" 2>/dev/null && break; sleep 0.1; done
  sleep 1
  ip netns exec "$OPD" timeout $((SECONDS_ + 10)) iperf3 -c 198.18.30.2 -p 5301 -u -b "$RATE" -l "$len" -t "$SECONDS_" --json > "$WORK/iperf.json" 2>/dev/null || true
  wait
  PIDS=""
  sent=$(python3 -c "import json;d=json.load(open('$WORK/iperf.json'));print(d['end']['sum']['packets'])" 2>/dev/null || echo 0)
  mbps=$(python3 -c "import json;d=json.load(open('$WORK/iperf.json'));print(round(d['end']['sum']['bits_per_second']/1e6))" 2>/dev/null || echo 0)
  "$PANTAU" traffic --last 5m --format json "${LOC[@]}" > "$WORK/traffic.json"
  read -r _ pu ps < <(tail -1 "$WORK/pantau.time"); read -r _ tu ts < <(tail -1 "$WORK/tcpdump.time")
  python3 - "$WORK/traffic.json" "$WORK/tcpdump.log" "$sent" "$mbps" "$len" "$pu" "$ps" "$tu" "$ts" "$SECONDS_" <<'PY'
import json, re, sys
t = json.load(open(sys.argv[1])); log = open(sys.argv[2]).read()
sent, mbps, length = int(sys.argv[3]), sys.argv[4], sys.argv[5]
pu, ps, tu, ts, secs = map(float, sys.argv[6:11])
c = (t["capture"] or [{}])[0]
opd = next((s for s in t["sites"] if s["site"] == "opdlive"), {})
def num(pat): m = re.search(pat, log); return int(m.group(1)) if m else -1
print(f"  {length}-byte datagrams: iperf3 sent {sent:,} packets ({mbps} Mbit/s, {sent/secs:,.0f} packets/s)")
print(f"    pantau : received {c.get('received', 0):,}, dropped by kernel {c.get('dropped', 0):,}; OPD out packets {opd.get('out_packets', 0):,}; cpu {pu+ps:.2f} s (whole engine)")
received, dropped = num(r'(\d+) packets received by filter'), num(r'(\d+) packets dropped by kernel')
print(f"    tcpdump: received {received:,}, dropped by kernel {dropped:,}; cpu {tu+ts:.2f} s")
PY
done
