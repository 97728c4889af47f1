#!/usr/bin/env bash
# make bench: prints figures, never fails on timing.
#   1. release wasm / JS / CSS sizes: raw, gzip -9, brotli -q 11
#   2. cold start with an existing database: process start → /healthz answers (median of 7)
#   3. wrk (2 threads, 16 connections, 10 s) on the sign-in page and /healthz: p50, p99, req/s
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=target/release/qudao
PORT=${QUDAO_BENCH_PORT:-3200}
ADDR=127.0.0.1:$PORT
TMP=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
export LEPTOS_SITE_ROOT=target/site QUDAO_ADDR=$ADDR QUDAO_DATABASE_URL="sqlite://$TMP/bench.db" RUST_LOG=warn

[ -x "$BIN" ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }

echo "## Release bundle (target/site/pkg)"
printf '%-34s %10s %10s %10s\n' file raw gzip brotli
for f in target/site/pkg/*; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c); br=$(brotli -q 11 -c "$f" | wc -c)
  printf '%-34s %9.1fK %9.1fK %9.1fK\n' "$(basename "$f")" "$(bc <<< "scale=1; $raw/1024")" "$(bc <<< "scale=1; $gz/1024")" "$(bc <<< "scale=1; $br/1024")"
done
echo "(budget at this stage: wasm ≤ 350 KB brotli)"
echo

start() { "$BIN" serve >"$TMP/server.log" 2>&1 & PID=$!; }
ready() { until curl -sf -o /dev/null "http://$ADDR/healthz"; do sleep 0.002; done; }
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }

# First start creates, migrates and seeds the database; not measured.
start; ready; stop

echo "## Cold start with an existing database (ms, 7 runs)"
times=()
for _ in 1 2 3 4 5 6 7; do
  t0=$(date +%s%N); start; ready; t1=$(date +%s%N); stop
  times+=($(( (t1 - t0) / 1000000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
echo "runs: $sorted  median: $(printf '%s\n' "${times[@]}" | sort -n | sed -n 4p) ms"
echo

echo "## wrk -t2 -c16 -d10s on loopback"
start; ready
printf '%-10s %10s %10s %12s\n' path p50 p99 req/s
for path in /login /healthz; do
  out=$(wrk -t2 -c16 -d10s --latency "http://$ADDR$path")
  p50=$(awk '$1=="50%" {print $2}' <<< "$out")
  p99=$(awk '$1=="99%" {print $2}' <<< "$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<< "$out")
  printf '%-10s %10s %10s %12s %s\n' "$path" "$p50" "$p99" "$rps" "${non2xx:+(non-2xx: $non2xx)}"
done
stop
