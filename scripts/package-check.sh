#!/usr/bin/env bash
# Checks a Pantau Debian package the way an office would meet it (CI runs it on its fresh
# machine): lintian without errors, the contents, then a real `dpkg -i` on this machine: the
# binary runs from its own libraries (no Swift toolchain needed), the pantau user and folders
# exist with the documented permissions, nothing was enabled or started, `pantau check` passes on
# the installed sample as the pantau user, the units are valid; then `dpkg --purge` leaves the
# database folders. Refuses to touch a machine where pantau is already installed.
#
#   scripts/package-check.sh pantau_VERSION_ARCH.deb
set -euo pipefail
DEB="${1:?usage: scripts/package-check.sh pantau_VERSION_ARCH.deb}"
[ "$(id -u)" -eq 0 ] || { echo "package-check: needs root (dpkg -i)" >&2; exit 2; }
if dpkg-query -W -f='${Status}' pantau 2>/dev/null | grep -q "install ok installed"; then
    echo "package-check: pantau is installed on this machine; not touching it" >&2
    exit 2
fi
fail() { echo "package-check: FAIL: $*" >&2; exit 1; }
ok() { echo "package-check: ok: $*"; }

# 1. lintian: no errors (warnings are printed).
if command -v lintian >/dev/null; then
    out="$(lintian --tag-display-limit 0 "$DEB" 2>&1 || true)"
    echo "$out" | grep -v "root privileges" || true
    ! echo "$out" | grep -q "^E: " || fail "lintian reports errors"
    ok "lintian: no errors"
else
    fail "lintian is not installed (apt-get install lintian)"
fi

# 2. Contents.
contents="$(dpkg-deb -c "$DEB")"
for f in ./usr/lib/pantau/pantau ./usr/bin/pantau ./lib/systemd/system/pantau.service ./lib/systemd/system/pantau-web.service \
         ./lib/systemd/system/pantau-correlate.service ./lib/systemd/system/pantau-backup.timer ./etc/pantau/inventory/network.yaml \
         ./etc/pantau/probes/icmp.yaml ./etc/pantau/credentials.yaml ./usr/share/doc/pantau/deployment.md ./usr/share/doc/pantau/copyright \
         ./usr/lib/pantau/libswiftCore.so; do
    echo "$contents" | awk '{print $6}' | grep -qx "$f" || fail "missing $f"
done
dpkg-deb -f "$DEB" Depends | grep -q libsnmp || fail "Depends lacks libsnmp"
[ "$(dpkg-deb -f "$DEB" Recommends)" != "" ] || fail "no Recommends"
dpkg-deb -I "$DEB" conffiles | grep -qx /etc/pantau/inventory/network.yaml || fail "network.yaml is not a conffile"
ok "contents, Depends ($(dpkg-deb -f "$DEB" Depends)), conffiles"

# 3. Install for real.
cleanup() { dpkg --purge pantau >/dev/null 2>&1 || true; }
trap cleanup EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y "$(readlink -f "$DEB")" >/tmp/pantau-package-install.log 2>&1 \
    || { cat /tmp/pantau-package-install.log; fail "the package does not install"; }
[ "$(/usr/bin/pantau --version)" = "$(dpkg-deb -f "$DEB" Version)" ] || fail "pantau --version"
! ldd /usr/lib/pantau/pantau | grep -q "not found" || fail "unresolved libraries: $(ldd /usr/lib/pantau/pantau | grep 'not found')"
! ldd /usr/lib/pantau/pantau | grep -q "/opt/swift" || fail "the binary still uses the build's Swift toolchain"
ok "installed; runs from /usr/lib/pantau ($(ldd /usr/lib/pantau/pantau | grep -c /usr/lib/pantau/) bundled libraries)"

getent passwd pantau >/dev/null || fail "no pantau user"
[ "$(stat -c '%U:%G %a' /var/lib/pantau)" = "pantau:pantau 2770" ] || fail "/var/lib/pantau is $(stat -c '%U:%G %a' /var/lib/pantau)"
[ "$(stat -c '%U:%G %a' /etc/pantau/inventory/network.yaml)" = "root:pantau 640" ] || fail "network.yaml is $(stat -c '%U:%G %a' /etc/pantau/inventory/network.yaml)"
[ "$(stat -c '%U %a' /etc/pantau/credentials.yaml)" = "pantau 600" ] || fail "credentials.yaml is $(stat -c '%U %a' /etc/pantau/credentials.yaml)"
[ "$(stat -c '%a' /etc/pantau/secrets.env)" = "600" ] || fail "secrets.env is $(stat -c '%a' /etc/pantau/secrets.env)"
ok "user pantau, folders and permissions as docs/deployment.md says"

for unit in pantau.service pantau-web.service pantau-correlate.service pantau-backup.timer; do
    [ ! -e "/etc/systemd/system/multi-user.target.wants/$unit" ] && [ ! -e "/etc/systemd/system/timers.target.wants/$unit" ] \
        || fail "$unit was enabled before the office configured anything"
done
if command -v systemd-analyze >/dev/null; then
    for unit in pantau.service pantau-web.service pantau-correlate.service pantau-backup.service pantau-backup.timer; do
        out="$(systemd-analyze verify "/lib/systemd/system/$unit" 2>&1 || true)"
        if echo "$out" | grep -v "Failed to .*bus\|No such file or directory.*bus\|System has not been booted\|connect to bus" | grep -qi "error\|invalid\|unknown"; then
            echo "$out"
            fail "$unit does not verify"
        fi
    done
    ok "units verify; none enabled or started"
else
    ok "no unit enabled (systemd-analyze not here: units not verified)"
fi

# The sample's SNMP secrets, as an office puts them in secrets.env (systemd's EnvironmentFile).
printf 'PANTAU_SNMP_AUTH=sample-auth-pass\nPANTAU_SNMP_PRIV=sample-priv-pass\nPANTAU_SNMP_COMMUNITY=sample-community\n' > /etc/pantau/secrets.env
out="$(cd /tmp && set -a && . /etc/pantau/secrets.env && set +a && runuser -u pantau -- /usr/bin/pantau check --inventory /etc/pantau/inventory \
      --probes /etc/pantau/probes --credentials /etc/pantau/credentials.yaml 2>&1)" || { echo "$out"; fail "pantau check on the installed sample"; }
! echo "$out" | grep -q "sample-auth-pass\|sample-community" || fail "check printed a secret"
echo "$out" | grep -q "^OK: " || { echo "$out"; fail "pantau check did not say OK"; }
ok "pantau check as the pantau user: $(echo "$out" | grep '^OK: ' | cut -c1-100)…"

# 4. Purge: the configuration goes, the data stays.
dpkg --purge pantau >/dev/null
[ ! -e /usr/bin/pantau ] && [ ! -e /etc/pantau ] || fail "purge left /usr/bin/pantau or /etc/pantau"
[ -d /var/lib/pantau ] || fail "purge removed /var/lib/pantau (signed months live there)"
trap - EXIT
ok "purged; /var/lib/pantau kept"
