#!/usr/bin/env bash
# Installs the system packages Pantau needs to build, test and benchmark (Debian 12).
set -euo pipefail
need=()
for pkg in libsqlite3-dev tzdata iproute2 fping; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
