#!/usr/bin/env bash
# Builds the Debian package an office installs: pantau_VERSION_ARCH.deb (docs/deployment.md).
#
#   scripts/package.sh [debug|release] [OUTDIR]     (default: debug, the current folder)
#
# What it holds: /usr/lib/pantau/pantau (debug info stripped) with the Swift runtime libraries it
# links (found through its RUNPATH, so no Swift toolchain on the server), /usr/bin/pantau, systemd
# units for the engine, the dashboard, the central correlator and the daily backup, the sample
# inventory and probe profiles as conffiles in /etc/pantau, the documentation. The maintainer
# scripts create the `pantau` system user, /var/lib/pantau and /var/backups/pantau, and set the
# permissions of docs/deployment.md; they enable and start nothing: a network team first puts its
# own inventory in /etc/pantau and runs `pantau check` (then `systemctl enable --now pantau`).
# Depends are computed from what the binary and the bundled libraries link (dpkg -S).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="${1:-debug}"
OUT="${2:-.}"
case "$CONFIG" in debug|release) ;; *) echo "usage: scripts/package.sh [debug|release] [OUTDIR]" >&2; exit 2 ;; esac
for tool in dpkg-deb fakeroot patchelf; do
    command -v "$tool" >/dev/null || { echo "package.sh: $tool is missing (apt-get install dpkg-dev fakeroot patchelf)" >&2; exit 1; }
done
BIN=".build/$CONFIG/pantau"
[ -x "$BIN" ] || swift build -c "$CONFIG" --product pantau
VERSION="$("$BIN" --version)"
ARCH="$(dpkg --print-architecture)"
NAME="pantau_${VERSION}_${ARCH}"
# Who the package names as its maintainer (an office building its own package puts itself here).
MAINTAINER="${PANTAU_MAINTAINER:-Pantau maintainers <pantau@example.org>}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/$NAME"

install -d -m 0755 "$ROOT/DEBIAN" "$ROOT/usr/bin" "$ROOT/usr/lib/pantau" "$ROOT/lib/systemd/system" \
    "$ROOT/usr/share/doc/pantau" "$ROOT/usr/share/lintian/overrides" "$ROOT/etc/pantau" "$ROOT/etc/pantau/inventory" "$ROOT/etc/pantau/probes"

# The binary, without its debug info, finding its libraries next to it (not in the build's toolchain).
install -m 0755 "$BIN" "$ROOT/usr/lib/pantau/pantau"
strip --strip-unneeded "$ROOT/usr/lib/pantau/pantau"
patchelf --set-rpath /usr/lib/pantau "$ROOT/usr/lib/pantau/pantau"
ln -s ../lib/pantau/pantau "$ROOT/usr/bin/pantau"

# The Swift runtime: every library the binary resolves outside the system's own folders.
system_lib() { case "$1" in /lib/*|/usr/lib/*|/lib64/*) return 0 ;; *) return 1 ;; esac; }
for lib in $(ldd "$BIN" | awk '$3 ~ /^\// {print $3}'); do
    if ! system_lib "$lib"; then
        install -m 0644 "$lib" "$ROOT/usr/lib/pantau/"
        strip --strip-unneeded "$ROOT/usr/lib/pantau/$(basename "$lib")"
        patchelf --set-rpath /usr/lib/pantau "$ROOT/usr/lib/pantau/$(basename "$lib")"
    fi
done

# Depends: the Debian packages of the system libraries the binary and the bundled ones need directly.
needed() { readelf -d "$1" | awk '/\(NEEDED\)/ {gsub(/[\[\]]/, "", $5); print $5}'; }
declare -A PKGS=()
for f in "$ROOT"/usr/lib/pantau/*; do
    for soname in $(needed "$f"); do
        [ -e "$ROOT/usr/lib/pantau/$soname" ] && continue
        path="$(ldd "$BIN" | awk -v s="$soname" '$1 == s {print $3}')"
        [ -z "$path" ] && path="$(ldconfig -p | awk -v s="$soname" '$1 == s && /x86-64|aarch64/ {print $NF; exit}')"
        [ -z "$path" ] && { echo "package.sh: cannot find $soname (needed by $f)" >&2; exit 1; }
        pkg=""
        # dpkg knows a file by the path its package ships (merged /usr: /lib and /usr/lib are one).
        for candidate in "$path" "${path#/usr}" "/usr${path}" "$(readlink -f "$path")"; do
            pkg="$( (dpkg -S "$candidate" 2>/dev/null || true) | head -1 | cut -d: -f1)"
            [ -n "$pkg" ] && break
        done
        [ -z "$pkg" ] && { echo "package.sh: no Debian package owns $path" >&2; exit 1; }
        PKGS["$pkg"]=1
    done
done
DEPENDS="adduser, $(printf '%s\n' "${!PKGS[@]}" | sort | paste -sd, - | sed 's/,/, /g')"

# Units: /usr/bin/pantau instead of a hand-installed /usr/local/bin/pantau.
for unit in pantau.service pantau-web.service pantau-correlate.service pantau-backup.service pantau-backup.timer; do
    sed -e 's#/usr/local/bin/pantau#/usr/bin/pantau#g' -e 's#file:///usr/local/share/doc/pantau#file:///usr/share/doc/pantau#g' \
        "deploy/$unit" > "$ROOT/lib/systemd/system/$unit"
    chmod 0644 "$ROOT/lib/systemd/system/$unit"
done

# The sample network and profiles: the office edits them in place (conffiles, kept on upgrade).
cp -r inventory/. "$ROOT/etc/pantau/inventory/"
cp -r probes/. "$ROOT/etc/pantau/probes/"
install -m 0644 inventory/credentials.example.yaml "$ROOT/etc/pantau/credentials.yaml"
: > "$ROOT/etc/pantau/secrets.env"
find "$ROOT/etc/pantau" -type d -exec chmod 0755 {} +
find "$ROOT/etc/pantau" -type f -exec chmod 0644 {} +

# Documentation.
for doc in README.md docs/deployment.md docs/configuration.md docs/reliability.md docs/report.md docs/web.md docs/helpdesk.md; do
    install -m 0644 "$doc" "$ROOT/usr/share/doc/pantau/"
done
cat > "$ROOT/usr/share/doc/pantau/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: pantau
Source: the Pantau repository

Files: *
Copyright: 2026 the Pantau authors
License: Apache-2.0
 On Debian systems, the full text of the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0.

Files: usr/lib/pantau/lib*.so
Copyright: Apple Inc. and the Swift project authors
License: Apache-2.0
 The Swift runtime and Foundation libraries (Apache License 2.0 with Runtime Library Exception).
EOF
{
    echo "pantau ($VERSION) unstable; urgency=medium"
    echo ""
    echo "  * Package built by scripts/package.sh from a $CONFIG build."
    echo ""
    echo " -- $MAINTAINER  $(date -R)"
} | gzip -9n > "$ROOT/usr/share/doc/pantau/changelog.gz"
chmod 0644 "$ROOT/usr/share/doc/pantau/changelog.gz"

# Yams (the YAML library) compiles libyaml into the binary; Debian's libyaml is not used.
cat > "$ROOT/usr/share/lintian/overrides/pantau" <<EOF
# Yams (swift package) vendors libyaml as its C target CYaml and links it statically.
pantau: embedded-library libyaml [usr/lib/pantau/pantau]
EOF
chmod 0644 "$ROOT/usr/share/lintian/overrides/pantau"

# Control files.
SIZE="$(du -sk "$ROOT" --exclude=DEBIAN | cut -f1)"
cat > "$ROOT/DEBIAN/control" <<EOF
Package: pantau
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $SIZE
Depends: $DEPENDS
Recommends: weasyprint, fonts-dejavu-core, iperf3
Suggests: postgresql, poppler-utils
Section: net
Priority: optional
Homepage: https://github.com/pantau/pantau
Description: network operations monitor for a regional government intranet
 Pantau watches the intranet a Diskominfo runs between its data centre and
 the agency offices (OPD): SNMP and ICMP probes, bandwidth tests, availability
 against working hours and the holiday calendar, gangguan tickets opened by
 root cause, notifications, a dashboard and the monthly availability report.
EOF
(cd "$ROOT" && find etc -type f | sort | sed 's#^#/#') > "$ROOT/DEBIAN/conffiles"

cat > "$ROOT/DEBIAN/postinst" <<'EOF'
#!/bin/sh
# Creates the pantau user and its folders; starts nothing (docs/deployment.md: check first).
set -e
if [ "$1" = configure ]; then
    if ! getent passwd pantau >/dev/null; then
        adduser --system --group --home /var/lib/pantau --no-create-home --shell /usr/sbin/nologin pantau >/dev/null
    fi
    install -d -o pantau -g pantau -m 2770 /var/lib/pantau /var/backups/pantau
    chown -R root:pantau /etc/pantau
    find /etc/pantau -type d -exec chmod 0750 {} +
    find /etc/pantau -type f -exec chmod 0640 {} +
    # SNMP passphrases: readable by the engine only (pantau check warns otherwise, like ssh).
    chown pantau:pantau /etc/pantau/credentials.yaml && chmod 0600 /etc/pantau/credentials.yaml
    chown root:root /etc/pantau/secrets.env && chmod 0600 /etc/pantau/secrets.env
    if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null || true; fi
    if [ -z "$2" ]; then
        echo "pantau: installed. Describe your network in /etc/pantau (inventory, probes, credentials.yaml),"
        echo "pantau: check it: sudo -u pantau pantau check --inventory /etc/pantau/inventory --probes /etc/pantau/probes --credentials /etc/pantau/credentials.yaml"
        echo "pantau: then: systemctl enable --now pantau pantau-backup.timer (no service was started)"
    fi
fi
exit 0
EOF
cat > "$ROOT/DEBIAN/prerm" <<'EOF'
#!/bin/sh
# The package never stops a running monitor by itself: removing it while a unit runs is refused,
# saying which, so an office decides when its monitoring ends (upgrades go through).
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    for unit in pantau.service pantau-web.service pantau-correlate.service pantau-backup.timer; do
        if systemctl is-active --quiet "$unit"; then
            echo "pantau: $unit is running; end and disable it first (the database stays), then remove the package" >&2
            exit 1
        fi
    done
fi
exit 0
EOF
cat > "$ROOT/DEBIAN/postrm" <<'EOF'
#!/bin/sh
# Purge removes the configuration; the database and backups stay (they hold signed months).
set -e
if [ "$1" = purge ]; then
    rm -rf /etc/pantau
    echo "pantau: /var/lib/pantau and /var/backups/pantau are kept (remove them by hand when they are no longer needed)"
fi
if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
exit 0
EOF
chmod 0755 "$ROOT/DEBIAN/postinst" "$ROOT/DEBIAN/prerm" "$ROOT/DEBIAN/postrm"

mkdir -p "$OUT"
fakeroot dpkg-deb --root-owner-group -Zgzip -z6 --build "$ROOT" "$OUT/$NAME.deb" >/dev/null
echo "$OUT/$NAME.deb"
