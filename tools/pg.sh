#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL 15 cluster (Debian's postgresql-15; see
# tools/setup.sh postgres), then stops the cluster and removes its files:
#   tools/pg.sh run cargo test --features ssr --test integration
# The command sees QUDAO_TEST_PG, the cluster's admin URL, and QUDAO_PG_BIN. The cluster trades durability
# for speed (fsync off; not with PG_DURABLE=1): it holds test data only. initdb and postgres refuse to run as
# root, so under root they run as the postgres user.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ "${1:-}" = run ] || { echo "usage: tools/pg.sh run COMMAND…" >&2; exit 2; }
shift
if [ ! -x "$PG_BIN/initdb" ]; then
  echo "pg.sh: PostgreSQL 15 is not installed ($PG_BIN/initdb); run tools/setup.sh postgres" >&2
  exit 1
fi

as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi

dir=$(mktemp -d /tmp/qudao-pg.XXXXXX)
[ ${#as_pg[@]} -eq 0 ] || chown postgres "$dir"
stop() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

# a free port: ask the kernel for one, then let it go
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_pg[@]}" "$PG_BIN/initdb" -N -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# PG_DURABLE=1 (the benchmark) keeps PostgreSQL's durability, as a real install would
fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${PG_DURABLE:-}" = 1 ] && fast=""
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
  "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 $fast" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

export QUDAO_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres"
# pg_dump and pg_restore of the same version, for the backup tests
export QUDAO_PG_BIN="$PG_BIN"
echo "pg.sh: PostgreSQL 15 on port $port for: $*"
"$@"
