#!/usr/bin/env bash
# Installs what Pantau needs to build, test and benchmark (Debian 12):
#  - libsqlite3-dev, libsnmp-dev: the C libraries Pantau links (SQLite, net-snmp)
#  - snmpd, snmp, snmptrapd: real SNMP agents and tools for the tests and the benchmark
#  - fping, prometheus-snmp-exporter (+ curl, bc, time): peer tools and meters for the benchmarks
#  - python3-venv, python3-gdbm + PyPI snmpsim, snmpsim-data: recorded vendor devices for tests,
#    in a venv at $PANTAU_SNMPSIM_VENV (default /opt/pantau-snmpsim; snmpsim drops to `nobody`
#    as root, who must be able to read that Python)
set -euo pipefail
need=()
for pkg in libsqlite3-dev libsnmp-dev tzdata iproute2 fping snmpd snmp snmptrapd prometheus-snmp-exporter \
           python3-venv python3-gdbm bzip2 curl bc time; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# Debian starts a system snmpd on install; tests run their own agents and need none.
$SUDO systemctl stop snmpd >/dev/null 2>&1 || $SUDO service snmpd stop >/dev/null 2>&1 || true
VENV="${PANTAU_SNMPSIM_VENV:-/opt/pantau-snmpsim}"
if [ ! -x "$VENV/bin/snmpsim-command-responder" ]; then
  $SUDO /usr/bin/python3 -m venv "$VENV"
  $SUDO "$VENV/bin/pip" install -q --disable-pip-version-check "snmpsim==1.2.2" "snmpsim-data==1.0.1"
fi
