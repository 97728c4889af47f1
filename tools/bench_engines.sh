#!/usr/bin/env bash
# make bench, second part: the figures the first part prints for SQLite, measured on both
# engines side by side on identical data, each on a fresh database holding the demo
# company: customer import (10k, then 100k, through the CLI), the customer list at
# ~111 000 customers, the sales import (QUDAO_BENCH_SALES lines, 10 million by default),
# the 12-month classification and the dashboard. PostgreSQL 15 runs in a throwaway
# cluster with durability on (tools/pg.sh with PG_DURABLE=1), as SQLite keeps its own.
#   tools/bench_engines.sh                 both engines, then the table
#   tools/bench_engines.sh ENGINE OUT      one engine (sqlite|postgres), figures into OUT
set -euo pipefail
SELF=$(realpath "$0")
cd "$(dirname "$SELF")/.."

BIN=target/release/qudao
SALES=${QUDAO_BENCH_SALES:-10000000}
[ -x "$BIN" ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }

if [ $# -eq 0 ]; then
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  echo "## Both engines on the same data (~111 000 customers, $SALES sales lines)"
  "$SELF" sqlite "$TMP/sqlite.tsv"
  PG_DURABLE=1 tools/pg.sh run "$SELF" postgres "$TMP/postgres.tsv"
  python3 - "$TMP/sqlite.tsv" "$TMP/postgres.tsv" <<'PY'
import sys

def load(path):
    figures = {}
    for line in open(path, encoding="utf-8"):
        key, _, value = line.rstrip("\n").partition("\t")
        figures[key] = value
    return figures

sqlite, pg = load(sys.argv[1]), load(sys.argv[2])
keys = list(sqlite) + [k for k in pg if k not in sqlite]
width = max(len(k) for k in keys)
print(f"{'figure':<{width}}  {'SQLite':>10}  {'PostgreSQL':>10}  {'PG/SQLite':>9}")
for k in keys:
    a, b = sqlite.get(k, "?"), pg.get(k, "?")
    try:
        ratio = f"{float(b) / float(a):.2f}"
    except (ValueError, ZeroDivisionError):
        ratio = ""
    print(f"{k:<{width}}  {a:>10}  {b:>10}  {ratio:>9}")
PY
  exit 0
fi

ENGINE=$1 OUT=$2
WORK=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
: > "$OUT"
fig() { printf '%s\t%s\n' "$1" "$2" >> "$OUT"; echo "$ENGINE: $1: $2"; }
ADDR=127.0.0.1:${QUDAO_BENCH_PORT:-3201}
case $ENGINE in
  sqlite) export QUDAO_DATABASE_URL="sqlite://$WORK/bench.db" ;;
  postgres)
    [ -n "${QUDAO_TEST_PG:-}" ] || { echo "run by tools/pg.sh: tools/pg.sh run $SELF postgres OUT" >&2; exit 2; }
    "${QUDAO_PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -q "$QUDAO_TEST_PG" -c "CREATE DATABASE qudao_bench"
    export QUDAO_DATABASE_URL="${QUDAO_TEST_PG%/*}/qudao_bench" ;;
  *) echo "engine: sqlite or postgres" >&2; exit 2 ;;
esac
export LEPTOS_SITE_ROOT=target/site QUDAO_ADDR=$ADDR QUDAO_PHOTO_DIR=$WORK/photos
export RUST_LOG="warn,qudao::server=info,qudao::server::segmentation=debug"
start() { QUDAO_SEED_DEMO=true "$BIN" serve > "$WORK/server.log" 2>&1 & PID=$!; }
ready() { # the server answers, or the run stops with its log
  for _ in $(seq 1 3000); do
    curl -sf -o /dev/null "http://$ADDR/healthz" && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "the server did not start:" >&2; cat "$WORK/server.log" >&2; exit 1
}
stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; }
seconds_since() { bc <<< "scale=1; ($(date +%s%N) - $1) / 1000000000"; }
plain_log() { sed 's/\x1b\[[0-9;]*m//g' "$WORK/server.log"; }
jar="$WORK/cookies"
sign_in() {
  curl -sf -c "$jar" -H 'content-type: application/json' -H "origin: http://$ADDR" \
    -d '{"login":"laoban","password":"qudao2026"}' "http://$ADDR/api/login" > /dev/null
}
trip() { # $1 = endpoint, $2 = JSON body: seconds on loopback
  curl -sf -o /dev/null -w '%{time_total}\n' -b "$jar" -H 'content-type: application/json' \
    -H "origin: http://$ADDR" -d "$2" "http://$ADDR/api/$1" || echo "$1 failed" >&2
}
p50_ms() { # $1 = endpoint, $2 = JSON body: median of 21 after 3 warm-ups ("failed" if any fails)
  for _ in 1 2 3; do trip "$1" "$2" > /dev/null; done
  local samples
  samples=$(for _ in $(seq 1 21); do trip "$1" "$2"; done | sort -n)
  if [ "$(wc -l <<< "$samples")" -ne 21 ]; then echo failed; return; fi
  bc <<< "scale=1; $(sed -n 11p <<< "$samples") * 1000 / 1"
}

start; ready; stop   # creates, migrates and seeds the database; not measured

python3 tools/gen_customers.py 10000 K > "$WORK/c10k.csv"
python3 tools/gen_customers.py 100000 B > "$WORK/c100k.csv"
for f in c10k c100k; do
  t0=$(date +%s%N)
  "$BIN" import customers "$WORK/$f.csv" > "$WORK/$f.log" 2>&1 || { cat "$WORK/$f.log"; exit 1; }
  fig "import $(( $(wc -l < "$WORK/$f.csv") - 1 )) customers (s)" "$(seconds_since "$t0")"
done

start; ready; sign_in
fig "list: search 超市 + district (ms p50)" "$(p50_ms customers/list '{"query":{"search":"超市","district":"渝北区"}}')"
fig "list: search cq + kind (ms p50)" "$(p50_ms customers/list '{"query":{"search":"cq","kind":"terminal"}}')"
fig "list: district + sort updated (ms p50)" "$(p50_ms customers/list '{"query":{"district":"江北区","kind":"terminal","sort":"updated","desc":true}}')"
stop

"$BIN" export customers --format csv --output "$WORK/customers.csv" > /dev/null
python3 - "$WORK/customers.csv" > "$WORK/codes.txt" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")):
    print(row["code"])
PY
python3 tools/gen_sales.py "$SALES" "$WORK/codes.txt" > "$WORK/sales.csv"
t0=$(date +%s%N)
"$BIN" import sales "$WORK/sales.csv" --create-products > "$WORK/sales.log" 2>&1 || { cat "$WORK/sales.log"; exit 1; }
fig "import $SALES sales lines (s)" "$(seconds_since "$t0")"

t0=$(date +%s%N)
start; ready
for _ in $(seq 1 6000); do grep -q "indexes loaded" < <(plain_log) && break; sleep 0.1; done
fig "start until indexes loaded (s)" "$(seconds_since "$t0")"
sign_in
year='{"query":{"from":"2025-11-01","to":"2026-10-31"}}'
before=$(grep -c "classified" < <(plain_log) || true)
fig "12-month classification, round trip (ms p50)" "$(p50_ms segmentation/classify "$year")"
server=$( (grep "classified" < <(plain_log) || true) | tail -n +$((before + 4)) | grep -o 'ms=[0-9.]*' | cut -d= -f2 | sort -n || true)
fig "12-month classification, server (ms p50)" "$(sed -n 11p <<< "$server" | xargs -r printf '%.1f')"
fig "dashboard (ms p50)" "$(p50_ms dashboard '{}')"
stop
