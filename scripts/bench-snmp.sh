#!/usr/bin/env bash
# SNMP polling benchmark: pantau vs snmpbulkwalk vs Prometheus snmp_exporter, all polling the
# same N loopback endpoints of one snmpd (127.20.x.y:16100) for the same IF-MIB columns, then
# `pantau run` itself polling them every 30 s (its CPU and peak memory).
# The agent runs in a network namespace of its own that has IFACES interfaces (veth pairs) plus
# lo, so every "device" answers with IFACES+1 interface rows, like a 48-port switch.
# Usage: scripts/bench-snmp.sh [N=100] [ROUNDS=3] [IFACES=48]. Root (the namespace).
# Env: PANTAU_ONLY=1 skips the peers; MAX_IN_FLIGHT; RUN_WRAPPER="heaptrack -o /tmp/h" profiles `pantau run`.
# Loopback inside that namespace only; every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100}"; ROUNDS="${2:-3}"; IFACES="${3:-48}"; PORT=16100; COMMUNITY=pantau-bench; PAR=32
[ "$N" -ge 1 ] && [ "$N" -le 60000 ] && [ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 20 ] || { echo "N 1..60000, ROUNDS 1..20" >&2; exit 2; }
swift build -c release --product pantau ${SWIFT_BUILD_FLAGS:-} >/dev/null
PANTAU=.build/release/pantau
WORK=$(mktemp -d /tmp/pantau-bench-snmp.XXXXXX)
NS="pbs$$"
cleanup() { [ -n "${SNMPD_PID:-}" ] && kill "$SNMPD_PID" 2>/dev/null; [ -n "${EXP_PID:-}" ] && kill "$EXP_PID" 2>/dev/null
            ip netns del "$NS" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
for i in $(seq 1 $((IFACES / 2))); do
  ip -n "$NS" link add "p${i}a" type veth peer name "p${i}b"
  ip -n "$NS" link set "p${i}a" up; ip -n "$NS" link set "p${i}b" up
done
IN=(ip netns exec "$NS")

$PANTAU bench snmp --devices "$N" --print-targets > "$WORK/targets"
grep -qv '^127\.' "$WORK/targets" && { echo "non-loopback target" >&2; exit 1; }
printf 'rocommunity %s default\n' "$COMMUNITY" > "$WORK/snmpd.conf"
SNMP_PERSISTENT_DIR="$WORK" MIBS="" "${IN[@]}" /usr/sbin/snmpd -f -Lf "$WORK/snmpd.log" -C -c "$WORK/snmpd.conf" \
  $(sed "s/.*/udp:&:$PORT/" "$WORK/targets") & SNMPD_PID=$!
for _ in $(seq 100); do "${IN[@]}" snmpget -v2c -c $COMMUNITY -t 0.3 -r 0 "udp:$(tail -1 "$WORK/targets"):$PORT" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break; sleep 0.2; done

measure() {  # name, command...: wall s, CPU s (user+sys incl. children), peak RSS MiB of the largest process
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" > "$WORK/$name.out" 2>&1
  read -r wall user sys rss < "$WORK/time"
  printf '%-14s wall %7.3f s  cpu %7.3f s  peak %6.1f MiB\n' "$name" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc -l)"
  echo "$name $wall $(echo "$user + $sys" | bc) $rss" >> "$WORK/results"
}

rows=$("${IN[@]}" snmpbulkwalk -v2c -c $COMMUNITY -On "udp:$(head -1 "$WORK/targets"):$PORT" 1.3.6.1.2.1.2.2.1.8 | wc -l)
echo "SNMP polling of $N snmpd endpoints with $rows interface rows each x $ROUNDS rounds (IF-MIB + sysUpTime), $(nproc) cores"
sed "s/\$/:$PORT/" "$WORK/targets" > "$WORK/targets-port"
measure pantau "${IN[@]}" $PANTAU bench snmp --targets "$WORK/targets-port" --community $COMMUNITY --rounds "$ROUNDS" --json
cat "$WORK/pantau.out"

if [ -n "${PANTAU_ONLY:-}" ]; then  # re-measure pantau alone (the peers' figures do not change with pantau)
  :
else
# snmpbulkwalk: one process per device and table (ifTable, ifXTable), $PAR at a time.
walk_round() { xargs -P $PAR -I{} sh -c "snmpbulkwalk -v2c -c $COMMUNITY -On -Cr25 -t 2 -r 1 udp:{}:$PORT 1.3.6.1.2.1.2.2 >/dev/null; snmpbulkwalk -v2c -c $COMMUNITY -On -Cr25 -t 2 -r 1 udp:{}:$PORT 1.3.6.1.2.1.31.1.1 >/dev/null" < "$WORK/targets"; }
export -f walk_round; export WORK COMMUNITY PORT PAR
measure snmpbulkwalk "${IN[@]}" bash -c "for r in \$(seq $ROUNDS); do walk_round; done"

# Prometheus snmp_exporter 0.21 with a hand-written module (Debian ships no MIBs) reading the same columns.
cat > "$WORK/snmp.yml" <<YML
if_mib:
  version: 2
  auth: {community: $COMMUNITY}
  max_repetitions: 25
  retries: 1
  timeout: 2s
  get: [1.3.6.1.2.1.1.3.0]
  walk: [1.3.6.1.2.1.31.1.1.1.1, 1.3.6.1.2.1.31.1.1.1.18, 1.3.6.1.2.1.2.2.1.7, 1.3.6.1.2.1.2.2.1.8, 1.3.6.1.2.1.31.1.1.1.15,
         1.3.6.1.2.1.31.1.1.1.6, 1.3.6.1.2.1.31.1.1.1.10, 1.3.6.1.2.1.2.2.1.14, 1.3.6.1.2.1.2.2.1.20, 1.3.6.1.2.1.31.1.1.1.19]
  metrics:
  - {name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: gauge}
YML
for m in ifName:1.3.6.1.2.1.31.1.1.1.1:DisplayString ifAlias:1.3.6.1.2.1.31.1.1.1.18:DisplayString \
         ifAdminStatus:1.3.6.1.2.1.2.2.1.7:gauge ifOperStatus:1.3.6.1.2.1.2.2.1.8:gauge ifHighSpeed:1.3.6.1.2.1.31.1.1.1.15:gauge \
         ifHCInOctets:1.3.6.1.2.1.31.1.1.1.6:counter ifHCOutOctets:1.3.6.1.2.1.31.1.1.1.10:counter \
         ifInErrors:1.3.6.1.2.1.2.2.1.14:counter ifOutErrors:1.3.6.1.2.1.2.2.1.20:counter \
         ifCounterDiscontinuityTime:1.3.6.1.2.1.31.1.1.1.19:gauge; do
  IFS=: read -r name oid type <<< "$m"
  printf '  - {name: %s, oid: %s, type: %s, indexes: [{labelname: ifIndex, type: gauge}]}\n' "$name" "$oid" "$type" >> "$WORK/snmp.yml"
done
EXP_PORT=19116
"${IN[@]}" prometheus-snmp-exporter --config.file="$WORK/snmp.yml" --web.listen-address="127.0.0.1:$EXP_PORT" > "$WORK/exporter.log" 2>&1 & EXP_PID=$!
for _ in $(seq 50); do "${IN[@]}" curl -sf "http://127.0.0.1:$EXP_PORT/" >/dev/null && break; sleep 0.2; done
sed "s|.*|url = \"http://127.0.0.1:$EXP_PORT/snmp?module=if_mib\&target=&:$PORT\"\noutput = /dev/null|" "$WORK/targets" > "$WORK/urls.cfg"
cpu0=$(awk '{print $14 + $15}' /proc/$EXP_PID/stat)
measure snmp_exporter-curl "${IN[@]}" bash -c "for r in \$(seq $ROUNDS); do curl -s -Z --parallel-max $PAR -K '$WORK/urls.cfg'; done"
cpu1=$(awk '{print $14 + $15}' /proc/$EXP_PID/stat)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$EXP_PID/status)
tck=$(getconf CLK_TCK)
exp_cpu=$(echo "($cpu1 - $cpu0) / $tck" | bc -l)
printf '%-14s cpu %7.3f s  peak %6.1f MiB (the exporter process itself)\n' "snmp_exporter" "$exp_cpu" "$(echo "$hwm / 1024" | bc -l)"
sample=$("${IN[@]}" curl -s "http://127.0.0.1:$EXP_PORT/snmp?module=if_mib&target=$(head -1 "$WORK/targets"):$PORT" | grep -c '^ifOperStatus' || true)
echo "(check: snmp_exporter returned $sample ifOperStatus series for one device; pantau JSON above)"
read -r _ pw pc pr < <(grep '^pantau ' "$WORK/results")
read -r _ bw bc br < <(grep '^snmpbulkwalk ' "$WORK/results")
read -r _ ew ec er < <(grep '^snmp_exporter-curl ' "$WORK/results")
echo
echo "ratios (pantau / peer; below 1 means pantau is cheaper):"
printf '  vs snmpbulkwalk:  wall %.2f  cpu %.2f\n' "$(echo "$pw / $bw" | bc -l)" "$(echo "$pc / $bc" | bc -l)"
printf '  vs snmp_exporter: wall %.2f  cpu %.2f (exporter + curl)  peak memory %.2f\n' "$(echo "$pw / $ew" | bc -l)" \
  "$(echo "$pc / ($ec + $exp_cpu)" | bc -l)" "$(echo "$pr / $hwm" | bc -l)"
fi

# The engine itself: `pantau run` polling the N devices every 30 s (each device with one watched
# link), three polls; CPU and peak memory of the whole process.
mkdir -p "$WORK/inv" "$WORK/probes"
{
  echo "organization: Bench"; echo "timezone: Asia/Jakarta"
  echo "calendar: {workweek: [mon, tue, wed, thu, fri], hours: \"08:00-16:00\"}"
  echo "sla: {availability_target_pct: 90, repair_working_days: 3}"
  echo "sites:"; echo "  - {id: dc, name: DC, role: core}"
  i=0; while read -r a; do echo "  - {id: s$i, name: S$i, uplinks: [l$i]}"; i=$((i + 1)); done < "$WORK/targets"
  echo "links:"
  i=0; while read -r a; do echo "  - {id: l$i, kind: fo-aerial, from: dc, to: s$i, a: {device: d$i, interface: p1a}}"; i=$((i + 1)); done < "$WORK/targets"
  echo "devices:"
  i=0; while read -r a; do echo "  - {id: d$i, site: dc, address: $a, port: $PORT, vendor: generic, role: distribution, snmp: bench}"; i=$((i + 1)); done < "$WORK/targets"
} > "$WORK/inv/network.yaml"
printf 'profiles:\n  bench: {version: 2c, community: %s}\n' "$COMMUNITY" > "$WORK/inv/credentials.yaml"
chmod 600 "$WORK/inv/credentials.yaml"
printf 'snmp:\n  trap_listen: ~\n  max_in_flight: %s\n  defaults: {interval: 30s, timeout: 2s, retries: 1}\n' "${MAX_IN_FLIGHT:-64}" > "$WORK/probes/snmp.yaml"
printf 'icmp: {}\n' > "$WORK/probes/icmp.yaml"
measure pantau-run "${IN[@]}" ${RUN_WRAPPER:-} $PANTAU run --seconds 75 --inventory "$WORK/inv" --probes "$WORK/probes" --db "$WORK/run.sqlite"
read -r _ rw rc rr < <(grep '^pantau-run ' "$WORK/results")
printf 'pantau run: %s devices x %s rows polled every 30 s for 75 s: CPU %.2f s (%.1f%% of one core), peak memory %.1f MiB\n' \
  "$N" "$rows" "$rc" "$(echo "$rc * 100 / 75" | bc -l)" "$(echo "$rr / 1024" | bc -l)"

# The engine at province scale (SCALE_SITES=N, e.g. 10000): the N devices polled every 60 s and N
# more ICMP-only sites (127.30.x.y, answered by the namespace's loopback) pinged every 30 s, in one
# `pantau run` for SCALE_SECONDS (default 190: three SNMP cycles, six ICMP rounds). Reported: CPU,
# every cycle's lateness and read/all counts (from `pantau status`), resident memory from
# /proc/PID/smaps_rollup; then a second run with nothing due after its first cycle (600 s
# intervals) whose CPU over 60 s is the idle cost. The dashboard is on (the namespace's loopback).
if [ -n "${SCALE_SITES:-}" ]; then
  SCALE_SECONDS="${SCALE_SECONDS:-190}"
  [ "$SCALE_SITES" -ge 0 ] && [ "$SCALE_SITES" -le 60000 ] && [ "$SCALE_SECONDS" -ge 60 ] && [ "$SCALE_SECONDS" -le 1800 ] \
    || { echo "SCALE_SITES 0..60000, SCALE_SECONDS 60..1800" >&2; exit 2; }
  tck=$(getconf CLK_TCK)
  scale_inventory() {  # dir snmp-interval icmp-interval
    mkdir -p "$1/inv" "$1/probes"
    {
      echo "organization: Bench"; echo "timezone: Asia/Jakarta"
      echo "calendar: {workweek: [mon, tue, wed, thu, fri], hours: \"08:00-16:00\"}"
      echo "sla: {availability_target_pct: 90, repair_working_days: 3}"
      echo "sites:"; echo "  - {id: dc, name: DC, role: core}"
      i=0; while read -r a; do echo "  - {id: s$i, name: S$i, uplinks: [l$i]}"; i=$((i + 1)); done < "$WORK/targets"
      for j in $(seq 0 $((SCALE_SITES - 1))); do echo "  - {id: p$j, name: P$j, address: 127.30.$((j / 250)).$((j % 250 + 1)), uplinks: [lp$j]}"; done
      echo "links:"
      for j in $(seq 0 $((SCALE_SITES - 1))); do echo "  - {id: lp$j, kind: fo-aerial, from: dc, to: p$j}"; done
      i=0; while read -r a; do echo "  - {id: l$i, kind: fo-aerial, from: dc, to: s$i, a: {device: d$i, interface: p1a}}"; i=$((i + 1)); done < "$WORK/targets"
      echo "devices:"
      i=0; while read -r a; do echo "  - {id: d$i, site: dc, address: $a, port: $PORT, vendor: generic, role: distribution, snmp: bench}"; i=$((i + 1)); done < "$WORK/targets"
    } > "$1/inv/network.yaml"
    grep -q '127\.30\.\|127\.20\.' "$1/inv/network.yaml" && ! grep -E 'address: [0-9]' "$1/inv/network.yaml" | grep -qv 'address: 127\.' \
      || { echo "non-loopback address in the scale inventory" >&2; exit 1; }
    printf 'profiles:\n  bench: {version: 2c, community: %s}\n' "$COMMUNITY" > "$1/inv/credentials.yaml"
    chmod 600 "$1/inv/credentials.yaml"
    printf 'snmp:\n  trap_listen: ~\n  max_in_flight: %s\n  defaults: {interval: %s, timeout: 2s, retries: 1}\n' "${MAX_IN_FLIGHT:-64}" "$2" > "$1/probes/snmp.yaml"
    printf 'icmp:\n  defaults: {interval: %s, packets: 3, timeout: 1s}\n' "$3" > "$1/probes/icmp.yaml"
  }
  cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
  S="$WORK/scale"; scale_inventory "$S" 60s 30s
  echo
  echo "engine at scale: $N SNMP devices (every 60 s) + $SCALE_SITES ICMP sites (every 30 s), $SCALE_SECONDS s"
  start=$(date +%s.%N)
  "${IN[@]}" $PANTAU run --seconds "$SCALE_SECONDS" --inventory "$S/inv" --probes "$S/probes" --db "$S/run.sqlite" > "$S/run.log" 2>&1 & RUN_PID=$!
  # Status just before the end (every cycle's last figures), memory at the same moment.
  sleep $((SCALE_SECONDS - 8))
  kill -0 $RUN_PID 2>/dev/null || { echo "pantau run ended early:" >&2; tail -20 "$S/run.log" >&2; exit 1; }
  "${IN[@]}" $PANTAU status --format json --inventory "$S/inv" --probes "$S/probes" --db "$S/run.sqlite" > "$S/status.json" 2>/dev/null || true
  smaps=$(awk '/^Rss:|^Pss:|^Private_Clean:|^Private_Dirty:|^Anonymous:/ {printf "%s %.1f MiB  ", $1, $2 / 1024}' "/proc/$RUN_PID/smaps_rollup")
  cpu_end=$(cpu_of $RUN_PID)
  # Where the resident memory is: the largest mappings (file-backed libraries, the heap, anonymous).
  awk '/^[0-9a-f]+-[0-9a-f]+ / {name = ($6 == "" ? "[anonymous]" : $6)} /^Rss:/ {rss[name] += $2}
       END {for (n in rss) printf "%8.1f MiB  %s\n", rss[n] / 1024, n}' "/proc/$RUN_PID/smaps" | sort -rn | head -12 > "$S/maps.txt"
  wait $RUN_PID || true
  python3 - "$S/status.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for s in r.get("sources", []):
    print(f"  {s['source']}: last cycle {s.get('cycle_ms')} ms, probed {s.get('done')}, answered {s.get('answered')}, late {s.get('late')}, "
          f"read within interval {s.get('current')}/{s.get('total')}" + (f", unread e.g. {[u['id'] for u in s.get('unread') or []][:5]}" if s.get('unread') else ""))
PY
  echo "  CPU $(echo "$cpu_end / $tck" | bc -l | xargs printf '%.2f') s over $SCALE_SECONDS s ($(echo "$cpu_end * 100 / $tck / ($SCALE_SECONDS - 8)" | bc -l | xargs printf '%.1f')% of one core); memory: $smaps"
  echo "  largest mappings (Rss):"; sed 's/^/    /' "$S/maps.txt"
  grep -c 'late\|behind' "$S/run.log" | xargs echo "  log lines about lateness:" || true

  I="$WORK/idle"; scale_inventory "$I" 600s 600s
  "${IN[@]}" $PANTAU run --seconds 150 --inventory "$I/inv" --probes "$I/probes" --db "$I/run.sqlite" > "$I/run.log" 2>&1 & RUN_PID=$!
  sleep 60  # the first SNMP cycle and ICMP round are done well before (see above)
  c0=$(cpu_of $RUN_PID); t0=$(date +%s.%N)
  sleep 60
  c1=$(cpu_of $RUN_PID); t1=$(date +%s.%N)
  echo "  idle (nothing due for 60 s, $N devices + $SCALE_SITES sites): $(echo "($c1 - $c0) * 100 / $tck / ($t1 - $t0)" | bc -l | xargs printf '%.2f')% of one core"
  kill -TERM $RUN_PID 2>/dev/null; wait $RUN_PID 2>/dev/null || true
fi
