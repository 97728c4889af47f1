#!/usr/bin/env bash
# make bench: prints figures, never fails on timing.
#   1. release wasm / JS / CSS sizes: raw, gzip -9, brotli -q 11
#   2. cold start with an existing database: process start → /healthz answers (median of 7)
#   3. wrk (2 threads, 16 connections, 10 s) on the sign-in page and /healthz: p50, p99, req/s
#   4. customer import (10k, 100k), writes (sync, order, ticket step) during a 100k
#      import, and list latency at ~111 000 customers
#   5. sales: 10 million lines imported for those customers, 12-month classification
#      (server time, round trip, payload), SQL baseline, an order confirmed and cancelled
#      (tools/bench_orders.py), threshold moves in Chromium
#   6. service tickets: 100 000 objections and deliveries over six months; the board, the
#      compliance report and the overdue job's SLA arithmetic against a plain SQL count
#   7. visits: ~190 000 visits for those customers; dashboard, Today, the offline bundle,
#      compliance, reminders and the tablet's sync (tools/bench_visits.py)
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

start() { QUDAO_SEED_DEMO=true "$BIN" serve >"$TMP/server.log" 2>&1 & PID=$!; }
ready() { # the server answers (polled every 2 ms: the cold start is timed by it), or the
  # run stops with its log when the server has exited or not answered in five minutes
  local deadline=$((SECONDS + 300))
  until curl -sf -o /dev/null "http://$ADDR/healthz"; do
    if ! kill -0 "$PID" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "the server did not start:" >&2; cat "$TMP/server.log" >&2; exit 1
    fi
    sleep 0.002
  done
}
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

echo "## Precompressed front end (tools/precompress.sh): what a browser is sent"
start; ready
for f in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  [ -f "$f" ] || continue
  name=$(basename "$f")
  enc=$(curl -s -o /dev/null -D - -H 'accept-encoding: br, gzip' "http://$ADDR/pkg/$name" | awk -F': ' 'tolower($1)=="content-encoding" {print $2}' | tr -d '\r')
  t=$(curl -s -o /dev/null -w '%{time_total}' -H 'accept-encoding: br, gzip' "http://$ADDR/pkg/$name")
  [ "$enc" = br ] || echo "$name: sent as '${enc:-identity}', not the brotli copy"
  last_t=$t
done
echo "every asset sent as its brotli copy unless said above (last one in ${last_t:-?} s)"
echo

echo "## First-load wasm (brotli): the main module, and the chunks of the other pages"
# /login, the shell and /today are in the main module (see lazy_groups! in src/app.rs); every other
# page's code is in chunks fetched when the page is first opened.
br_size() { brotli -q 11 -c "$1" | wc -c; }
main_wasm=$(ls target/site/pkg/qudao.*wasm target/site/pkg/qudao.wasm 2>/dev/null | head -1 || true)
if [ -n "$main_wasm" ]; then
  printf 'main module: %s KB raw, %s KB brotli (budget for /login and /today: ≤ 350 KB; before splitting: 954 KiB)\n' \
    "$(( $(stat -c %s "$main_wasm") / 1000 ))" "$(( $(br_size "$main_wasm") / 1000 ))"
fi
chunks=0; chunk_bytes=0; largest=0
for f in target/site/pkg/*.wasm; do
  [ "$f" = "$main_wasm" ] && continue
  n=$(br_size "$f"); chunks=$((chunks + 1)); chunk_bytes=$((chunk_bytes + n))
  [ "$n" -gt "$largest" ] && largest=$n
done
echo "lazy chunks: $chunks, $(( chunk_bytes / 1000 )) KB brotli together, the largest $(( largest / 1000 )) KB"
echo

echo "## wrk -t2 on loopback: signed out, then signed in at the demo size (-c64)"
printf '%-12s %5s %10s %10s %12s\n' path conns p50 p99 req/s
jar="$TMP/cookies"
curl -sf -c "$jar" -H 'content-type: application/json' -H "origin: http://$ADDR" \
  -d '{"login":"laoban","password":"qudao2026"}' "http://$ADDR/api/login" > /dev/null
owner_cookie=$(sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep="; " }')
for entry in "/login|16|" "/healthz|16|" "/customers|64|$owner_cookie" "/|64|$owner_cookie"; do
  IFS='|' read -r path conns cookie <<< "$entry"
  auth=(); [ -n "$cookie" ] && auth=(-H "Cookie: $cookie")
  out=$(wrk -t2 -c"$conns" -d10s --latency "${auth[@]}" "http://$ADDR$path")
  p50=$(awk '$1=="50%" {print $2}' <<< "$out")
  p99=$(awk '$1=="99%" {print $2}' <<< "$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<< "$out")
  printf '%-12s %5s %10s %10s %12s %s\n' "$path" "$conns" "$p50" "$p99" "$rps" "${non2xx:+(non-2xx: $non2xx)}"
done
echo "(budget: /customers ≥ 500 req/s signed in)"
echo

echo "## Lighthouse, mobile profile, demo company"
# the demo company rests on Sundays and holidays, when its reps have nobody planned for
# today: as the end-to-end suite does, it works every day here, so Today is measured with
# a full day's plan whatever the date
curl -sf -b "$jar" -H 'content-type: application/json' -H "origin: http://$ADDR" \
  -d '{"input":{"open":"09:00","close":"18:00","weekdays":"1234567","days":[]}}' \
  "http://$ADDR/api/standards/calendar" > /dev/null || echo "(the calendar was not saved: Today may have nobody planned)"
tools/lighthouse.sh "http://$ADDR" || echo "(lighthouse failed)"
stop
echo

echo "## Customer import through the CLI (same path as the import page)"
printf '%-10s %10s %12s\n' rows seconds rows/s
python3 tools/gen_customers.py 10000 K > "$TMP/c10k.csv"
python3 tools/gen_customers.py 100000 B > "$TMP/c100k.csv"
for f in c10k c100k; do
  t0=$(date +%s%N)
  "$BIN" import customers "$TMP/$f.csv" > "$TMP/$f.log" 2>&1
  t1=$(date +%s%N)
  rows=$(($(wc -l < "$TMP/$f.csv") - 1))
  ms=$(( (t1 - t0) / 1000000 ))
  printf '%-10s %10s %12s\n' "$rows" "$(bc <<< "scale=2; $ms/1000")" "$(( rows * 1000 / (ms > 0 ? ms : 1) ))"
done
echo "customers now: $(sqlite3 "$TMP/bench.db" 'select count(*) from customers' 2>/dev/null || echo '?')"
echo

echo "## Writes while 100 000 customers are imported (CLI import into a copy of that database)"
# The import reads and checks the file outside SQLite's write lock and writes it in one
# short transaction: a rep's sync, an order and a ticket step keep being saved meanwhile.
cp "$TMP/bench.db" "$TMP/writes.db"
python3 tools/gen_customers.py 100000 W > "$TMP/c100k-w.csv"
QUDAO_DATABASE_URL="sqlite://$TMP/writes.db" start; ready
python3 tools/bench_import_writes.py "http://$ADDR" \
  env QUDAO_DATABASE_URL="sqlite://$TMP/writes.db" "$BIN" import customers "$TMP/c100k-w.csv" \
  || echo "(writes-during-import bench failed)"
stop; rm -f "$TMP"/writes.db*
echo

echo "## Customer list at ~111 000 customers: page of 50, search + filter (server round trip on loopback, ms)"
start; ready
jar="$TMP/cookies"
curl -sf -c "$jar" -H 'content-type: application/json' -H "origin: http://$ADDR" \
  -d '{"login":"laoban","password":"qudao2026"}' "http://$ADDR/api/login" > /dev/null
list() { # $1 = JSON query
  curl -s -o /dev/null -w '%{time_total}\n' -b "$jar" -H 'content-type: application/json' -H "origin: http://$ADDR" \
    -d "{\"query\":$1}" "http://$ADDR/api/customers/list"
}
printf '%-58s %8s %8s\n' query p50 p95
for q in '{"search":"超市","district":"渝北区"}' \
         '{"search":"cq","kind":"terminal"}' \
         '{"search":"138","status":"active","sort":"code"}' \
         '{"search":"兴隆 刘记","page":2}' \
         '{"district":"江北区","kind":"terminal","sort":"updated","desc":true}'; do
  for _ in 1 2 3; do list "$q" > /dev/null; done
  samples=$(for _ in $(seq 1 40); do list "$q"; done | sort -n)
  p50=$(sed -n 20p <<< "$samples"); p95=$(sed -n 38p <<< "$samples")
  printf '%-58s %8.1f %8.1f\n' "$q" "$(bc <<< "$p50*1000")" "$(bc <<< "$p95*1000")"
done
echo "(target: p95 ≤ 50 ms)"
# After any change the in-memory search index reloads once (every row's list columns).
after=()
for i in 1 2 3 4 5; do
  curl -s -o /dev/null -b "$jar" -H 'content-type: application/json' -H "origin: http://$ADDR" \
    -d "{\"values\":{\"code\":\"BENCH-$i\",\"name\":\"压测新店$i\",\"kind\":\"二批\"}}" "http://$ADDR/api/customers/create"
  after+=("$(list '{"search":"超市"}')")
done
printf 'first list after a change (index reload), median of 5: %.1f ms\n' "$(bc <<< "$(printf '%s\n' "${after[@]}" | sort -n | sed -n 3p)*1000")"
stop
echo

SALES=${QUDAO_BENCH_SALES:-10000000}
echo "## Sales ledger: $SALES lines for the ~111 000 customers (CLI import, same path as the page)"
sqlite3 "$TMP/bench.db" "select code from customers" > "$TMP/codes.txt"
python3 tools/gen_sales.py "$SALES" "$TMP/codes.txt" > "$TMP/sales.csv"
t0=$(date +%s%N)
"$BIN" import sales "$TMP/sales.csv" --create-products > "$TMP/sales.log" 2>&1 || { cat "$TMP/sales.log"; exit 1; }
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "$(tail -1 "$TMP/sales.log")"
printf 'import: %s s, %s lines/s; database now %s MB; rollup rows: %s\n' "$(bc <<< "scale=1; $ms/1000")" \
  "$(( SALES * 1000 / (ms > 0 ? ms : 1) ))" "$(( $(stat -c %s "$TMP/bench.db") / 1048576 ))" \
  "$(sqlite3 "$TMP/bench.db" 'select count(*) from sales_monthly')"
echo "(budget at 10 million lines: ≤ 60 s, the file read included; the issue's baseline 376 s)"
echo

echo "## 12-month classification (2025-11-01 … 2026-10-31, by sales) at that scale"
RUST_LOG="warn,qudao::server=info,qudao::server::segmentation=debug" start; ready
t0=$(date +%s%N)
plain_log() { sed 's/\x1b\[[0-9;]*m//g' "$TMP/server.log"; }
until plain_log | grep -q "indexes loaded"; do sleep 0.1; done
t1=$(date +%s%N)
printf 'indexes (customers + sales rollups) loaded in the background after start: %s ms\n' "$(( (t1 - t0) / 1000000 ))"
curl -sf -c "$jar" -H 'content-type: application/json' -H "origin: http://$ADDR" \
  -d '{"login":"laoban","password":"qudao2026"}' "http://$ADDR/api/login" > /dev/null
classify() { # $1 = JSON query, $2 = accept-encoding
  curl -s -o /dev/null -w '%{time_total} %{size_download}\n' -b "$jar" -H 'content-type: application/json' \
    -H "origin: http://$ADDR" -H "accept-encoding: $2" -d "{\"query\":$1}" "http://$ADDR/api/segmentation/classify"
}
printf '%-46s %12s %12s %12s %12s %12s\n' period first-trip server-p50 server-p95 trip-p50 payload
for q in '{"from":"2025-11-01","to":"2026-10-31"}' '{"from":"2025-10-15","to":"2026-10-14"}' '{"from":"2024-01-01","to":"2026-10-31","measure":"profit"}'; do
  # the first request for a period reads its loose days from the lines; later ones (the
  # table's pages, saving tiers, coming back) find them kept
  first=$(classify "$q" identity | awk '{print $1}')
  for _ in 1 2; do classify "$q" identity > /dev/null; done
  before=$(plain_log | grep -c "classified" || true)
  trips=$(for _ in $(seq 1 21); do classify "$q" identity; done)
  server=$(plain_log | grep "classified" | tail -n +$((before + 1)) | grep -o 'ms=[0-9.]*' | cut -d= -f2 | sort -n || true)
  [ -n "$server" ] || { echo "no server timings in the log"; server=0; }
  s50=$(sed -n 11p <<< "$server"); s95=$(sed -n 20p <<< "$server")
  t50=$(awk '{print $1}' <<< "$trips" | sort -n | sed -n 11p)
  size=$(awk '{print $2}' <<< "$trips" | tail -1)
  printf '%-46s %10.1fms %10.1fms %10.1fms %10.1fms %10.1fKB\n' "$q" "$(bc <<< "$first*1000")" "$s50" "$s95" "$(bc <<< "$t50*1000")" "$(bc <<< "scale=1; $size/1024")"
done
for enc in gzip br; do
  printf 'payload with accept-encoding %s: %s KB\n' "$enc" "$(( $(classify '{"from":"2025-11-01","to":"2026-10-31"}' "$enc" | awk '{print $2}') / 1024 ))"
done
echo "(target: server p50 ≤ 50 ms; the issue's reference: DuckDB ≈ 200 ms, pandas ≈ 420 ms on this machine;"
echo " payload budget: ≤ 1 MB brotli at 100 000 customers — totals only, names come a table page at a time)"
rows_trips=$(for _ in $(seq 1 11); do
  curl -s -o /dev/null -w '%{time_total} %{size_download}\n' -b "$jar" -H 'content-type: application/json' \
    -H "origin: http://$ADDR" -H 'accept-encoding: br' \
    -d '{"query":{"from":"2025-11-01","to":"2026-10-31"},"start":50000,"count":200}' "http://$ADDR/api/segmentation/rows"
done)
printf 'a table page further down (200 rows from rank 50 000, segmentation/rows): p50 %.1f ms, %s KB brotli\n' \
  "$(bc <<< "$(awk '{print $1}' <<< "$rows_trips" | sort -n | sed -n 6p)*1000")" "$(( $(awk '{print $2}' <<< "$rows_trips" | tail -1) / 1024 ))"
python3 - "$TMP/bench.db" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
q = "SELECT customer_id, sum(amount) FROM sales_lines WHERE order_date BETWEEN '2025-11-01' AND '2026-10-31' GROUP BY customer_id"
runs = []
for _ in range(5):
    t = time.perf_counter(); rows = db.execute(q).fetchall(); runs.append((time.perf_counter() - t) * 1000)
runs.sort()
print(f"baseline, SQL GROUP BY over the raw lines (no rollups), sums only: median {runs[2]:.0f} ms for {len(rows)} customers")
PY
echo
echo "## Managing by tier at that scale"
t0=$(date +%s%N)
curl -s -o /dev/null -b "$jar" -H 'content-type: application/json' -H "origin: http://$ADDR" \
  -d '{"query":{"from":"2025-11-01","to":"2026-10-31"},"name":"bench"}' "http://$ADDR/api/segmentation/save"
t1=$(date +%s%N)
printf 'saving the 12-month classification as official tiers (a tier row per customer, tier-change records): %s ms; changes recorded: %s\n' \
  "$(( (t1 - t0) / 1000000 ))" "$(sqlite3 "$TMP/bench.db" 'select count(*) from tier_changes' 2>/dev/null || echo '?')"
echo "round trips on loopback, ms, 21 runs:"
call() { # $1 = endpoint, $2 = JSON body
  curl -s -o /dev/null -w '%{time_total}\n' -b "$jar" -H 'content-type: application/json' \
    -H "origin: http://$ADDR" -d "$2" "http://$ADDR/api/$1"
}
printf '%-66s %8s %8s\n' request p50 p95
for spec in 'segmentation/classify|{"query":{"from":"2025-11-01","to":"2026-10-31"}}' \
            'tiers/transitions|{"query":{"from":"2024-11-01:2025-10-31","to":"2025-11-01:2026-10-31"}}' \
            'tiers/moved|{"query":{"from":"2024-11-01:2025-10-31","to":"2025-11-01:2026-10-31"},"from":"C","to":"B","page":1}' \
            'growth/watch|{"query":{"kind":"month","anchor":"2026-10"}}' \
            'growth/watch|{"query":{"kind":"quarter","anchor":"2026-Q3","tiers":"A,B,C,none","sort":"name"}}' \
            'dashboard|{}'; do
  ep=${spec%%|*}; body=${spec#*|}
  for _ in 1 2 3; do call "$ep" "$body" > /dev/null; done
  samples=$(for _ in $(seq 1 21); do call "$ep" "$body"; done | sort -n)
  label="$ep $(cut -c1-50 <<< "${body#\{\"query\":}")"
  printf '%-66s %8.1f %8.1f\n' "$label" "$(bc <<< "$(sed -n 11p <<< "$samples")*1000")" "$(bc <<< "$(sed -n 20p <<< "$samples")*1000")"
done
echo "(a transition classifies two periods: compare with two classifications above)"
echo
echo "## An order at that scale: taken, confirmed (into the ledger), cancelled (out of it)"
python3 tools/bench_orders.py "http://$ADDR" || echo "(orders bench failed)"
echo "(a cancel reads only its posting's lines; before, it read every line of the ledger twice)"
echo
echo "## Service tickets at that scale (${TICKETS:=50000} objections + $TICKETS deliveries, 500 of each open)"
python3 tools/gen_tickets.py "$TMP/bench.db" "$TICKETS" 500
for kind in delivery first_answer resolution; do
  hours=24; [ "$kind" = first_answer ] && hours=4; [ "$kind" = resolution ] && hours=48
  curl -s -o /dev/null -b "$jar" -H 'content-type: application/json' -H "origin: http://$ADDR" \
    -d "{\"input\":{\"kind\":\"$kind\",\"hours\":\"$hours\",\"tier_a_hours\":\"\",\"tier_b_hours\":\"\",\"tier_c_hours\":\"\",\"working_hours_only\":$([ "$kind" = first_answer ] && echo true || echo false)}}" \
    "http://$ADDR/api/standards/save"
done
printf '%-66s %8s %8s\n' request p50 p95
for spec in 'tickets/board|{"rep":"","tier":"","standard":""}' \
            'tickets/board|{"rep":"","tier":"A","standard":"first_answer"}' \
            'tickets/compliance|{"months":6}' \
            'tickets/compliance|{"months":12}' \
            'dashboard|{}'; do
  ep=${spec%%|*}; body=${spec#*|}
  for _ in 1 2 3; do call "$ep" "$body" > /dev/null; done
  samples=$(for _ in $(seq 1 21); do call "$ep" "$body"; done | sort -n)
  printf '%-66s %8.1f %8.1f\n' "$ep $(cut -c1-50 <<< "$body")" "$(bc <<< "$(sed -n 11p <<< "$samples")*1000")" "$(bc <<< "$(sed -n 20p <<< "$samples")*1000")"
done
python3 - "$TMP/bench.db" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
q = ("SELECT substr(opened_at, 1, 7) AS m, COUNT(*), SUM(answered_at IS NOT NULL) FROM objections "
     "GROUP BY m UNION ALL SELECT substr(ordered_at, 1, 7), COUNT(*), SUM(delivered_at IS NOT NULL) "
     "FROM deliveries GROUP BY 1")
runs = []
for _ in range(5):
    t = time.perf_counter(); db.execute(q).fetchall(); runs.append((time.perf_counter() - t) * 1000)
runs.sort()
print(f"baseline, plain SQL counts per month (no timers, no working hours): median {runs[2]:.1f} ms")
PY
echo "(compliance: every ticket's timers — working hours, holidays, pauses — run through domain::sla once and kept"
echo " in memory, server::tickets::clock_index; the warm-ups above read them, the samples add up kept outcomes; budget ≤ 300 ms)"
echo
echo "## Receivables at that scale (${INVOICES:=1000000} invoices over the customers, a tenth open)"
python3 tools/gen_invoices.py "$TMP/bench.db" "$INVOICES"
printf '%-66s %8s %8s\n' request p50 p95
for spec in 'receivables/aging|{"page":1}' \
            'receivables/aging|{"page":20}' \
            'dashboard|{}'; do
  ep=${spec%%|*}; body=${spec#*|}
  for _ in 1 2 3; do call "$ep" "$body" > /dev/null; done
  samples=$(for _ in $(seq 1 21); do call "$ep" "$body"; done | sort -n)
  printf '%-66s %8.1f %8.1f\n' "$ep $(cut -c1-50 <<< "$body")" "$(bc <<< "$(sed -n 11p <<< "$samples")*1000")" "$(bc <<< "$(sed -n 20p <<< "$samples")*1000")"
done
echo "(the aging report groups the open invoices by customer and by rep; the dashboard's tile does the same)"
echo
echo "## Threshold moves in Chromium at that scale"
(cd end2end && node bench/recompute.mjs "http://$ADDR" 2025-11-01 2026-10-31) || echo "(browser bench failed)"
echo "(targets: hydrated ≤ 1.5 s, before the compact payload 4.1 s; a move ≤ 16 ms, one frame)"
echo
echo "## Visits at that scale (0-5 visits per assigned customer over 90 days, a fifth with a birthday)"
python3 tools/gen_visits.py "$TMP/bench.db"
python3 tools/bench_visits.py "http://$ADDR" || echo "(visits bench failed)"
echo "(for comparison, the demo company: dashboard ≈ 7 ms, Today ≈ 2 ms, offline bundle ≈ 3 ms for 114 customers)"
stop
