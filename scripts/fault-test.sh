#!/usr/bin/env bash
# The fault campaign on its own (docs/reliability.md lists each fault and its guarantee):
# the kill -9 campaign, then every fault-injection test of the suite — storage locked, full or
# deleted; foreign ICMP floods; false and real traps on real snmpd; dead, garbled and
# wrong-credential agents; trap floods; channel outages and message order; read-only mounts and
# missing databases; contradicted links. Root (namespaces); loopback and own namespaces only.
# Usage: scripts/fault-test.sh [KILLS=20]
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS="${1:-20}"
[ "$KILLS" -ge 1 ] && [ "$KILLS" -le 500 ] || { echo "KILLS 1..500" >&2; exit 2; }
swift build --build-tests
swift test --skip-build --filter 'RecorderFaultTests|NamespaceTopologyTests|ICMPFloodTests|SNMPLinkTests|NetSNMPTransportTests|TrapFloodTests|NotificationTests|TicketStoreTests|SafeDefaultsTests|IncidentScenarioTests|DegradationScenarioTests|ClockStepTests|StatusClockStepTests|IncidentTests|TrafficTests|SNMPConfigFixtureTests|IncidentsConfigTests|CheckFixtureTests|StoreTests|SpoolDamageTests|PostgresSpoolDamageTests|ForgedICMPTests|OutboxAttemptTests|CaptureNamespaceTests|WebIdleConnectionTests|StoreRulesTests'
if [ "$(id -u)" -eq 0 ]; then bash scripts/kill-test.sh "$KILLS"; else echo "kill-test: SKIPPED (needs root for its namespaces)"; fi
