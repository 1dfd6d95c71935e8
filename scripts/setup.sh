#!/usr/bin/env bash
# Installs what Pantau needs to build, test and benchmark (Debian 12):
#  - libsqlite3-dev, libsnmp-dev, libcurl4-openssl-dev: the C libraries Pantau links (SQLite,
#    net-snmp, libcurl for SMTP with STARTTLS/AUTH); openssl: a relay certificate in the SMTP test
#  - snmpd, snmp, snmptrapd: real SNMP agents and tools for the tests and the benchmark
#  - fping, prometheus-snmp-exporter (+ curl, bc, time): peer tools and meters for the benchmarks
#  - weasyprint (+ fonts-dejavu-core): prints the monthly report to PDF/A; poppler-utils: its tests read the PDF
#  - iperf3: bandwidth tests (and their namespace tests)
#  - libpcap-dev: passive traffic capture; tcpdump: its benchmark peer
#  - chromium, chromium-driver: the dashboard's browser test (headless, driven by Selenium)
#  - postgresql (15): the shared store's tests start their own server on a temp directory and a
#    loopback port (the Debian cluster is not started during install, and never used)
#  - PyPI selenium, openapi-spec-validator, jsonschema, pyyaml in a venv at $PANTAU_WEBTEST_VENV
#    (default /opt/pantau-webtest): the browser test and the OpenAPI check of the API's answers
#  - python3-venv, python3-gdbm + PyPI snmpsim, snmpsim-data: recorded vendor devices for tests,
#    in a venv at $PANTAU_SNMPSIM_VENV (default /opt/pantau-snmpsim; snmpsim drops to `nobody`
#    as root, who must be able to read that Python)
set -euo pipefail
need=()
for pkg in libsqlite3-dev libsnmp-dev libcurl4-openssl-dev openssl tzdata iproute2 fping snmpd snmp snmptrapd \
           prometheus-snmp-exporter python3-venv python3-gdbm bzip2 curl bc time \
           weasyprint fonts-dejavu-core poppler-utils iperf3 libpcap-dev tcpdump chromium chromium-driver postgresql; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  # Debian starts a system snmpd on install. The tests run their own agents on their own ports
  # and namespaces and need none, so while installing (and only if the host has no policy of its
  # own) ask invoke-rc.d not to start new services. Nothing running on the host is ever stopped.
  policy=/usr/sbin/policy-rc.d; ours=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod 755 "$policy" && ours=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" || { [ -n "$ours" ] && $SUDO rm -f "$policy"; exit 1; }
  [ -n "$ours" ] && $SUDO rm -f "$policy"
fi
VENV="${PANTAU_SNMPSIM_VENV:-/opt/pantau-snmpsim}"
if [ ! -x "$VENV/bin/snmpsim-command-responder" ]; then
  $SUDO /usr/bin/python3 -m venv "$VENV"
  $SUDO "$VENV/bin/pip" install -q --disable-pip-version-check "snmpsim==1.2.2" "snmpsim-data==1.0.1"
fi
WEBVENV="${PANTAU_WEBTEST_VENV:-/opt/pantau-webtest}"
if [ ! -x "$WEBVENV/bin/python" ] || ! "$WEBVENV/bin/python" -c "import selenium, openapi_spec_validator, jsonschema, yaml" 2>/dev/null; then
  $SUDO /usr/bin/python3 -m venv "$WEBVENV"
  $SUDO "$WEBVENV/bin/pip" install -q --disable-pip-version-check "selenium==4.38.0" "openapi-spec-validator==0.9.0" "jsonschema>=4.23" "pyyaml>=6"
fi
