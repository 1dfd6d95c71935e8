#!/usr/bin/env bash
# PostgreSQL benchmark (issue 12): ENGINES engines x SITES sites each writing to one PostgreSQL
# on this machine (observations/s sustained, the server's CPU), then the monthly availability of
# MONTH_SITES sites computed from PostgreSQL and, side by side, from SQLite (identical figures
# required). The server is the bench's own: a fresh cluster in a temp directory on a free
# loopback port (Debian's postgresql package), stopped at the end. Nothing else is touched.
# Usage: scripts/bench-postgres.sh [ENGINES=4] [SITES=1000] [ROUNDS=30] [MONTH_SITES=4000]
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINES="${1:-4}"; SITES="${2:-1000}"; ROUNDS="${3:-30}"; MONTH_SITES="${4:-4000}"
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/initdb" ] || { echo "PostgreSQL is not installed (scripts/setup.sh installs it)" >&2; exit 2; }
swift build -c release --product pantau ${SWIFT_BUILD_FLAGS:-} >/dev/null
WORK=$(mktemp -d /tmp/pantau-bench-pg.XXXXXX)
AS=(); if [ "$(id -u)" -eq 0 ]; then AS=(runuser -u postgres --); chown postgres: "$WORK"; chmod 755 "$WORK"; fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { "${AS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
"${AS[@]}" "$BIN/initdb" -D "$WORK/data" -U pantau --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 30 start \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -k $WORK -c shared_buffers=256MB" >/dev/null
"${AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U pantau bench
echo "pantau bench postgres: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (fsync on, defaults + shared_buffers 256MB), release build, $(nproc) cores"
.build/release/pantau bench postgres --to "postgresql://pantau@127.0.0.1:$PORT/bench" --engines "$ENGINES" --sites-per-engine "$SITES" \
  --rounds "$ROUNDS" --sites "$MONTH_SITES"
