#!/usr/bin/env python3
"""Writes while a long customer import runs, for `make bench`.

Usage: bench_import_writes.py BASE_URL IMPORT_COMMAND...

Signs in as a rep (zhangwei), starts IMPORT_COMMAND (the CLI import of 100 000
customers, writing to the same database), and until it ends sends, one after another,
the writes a working day makes: a tablet's sync (one visit), an order, an order confirmed
in the office (manager liumin; the confirmation posts it to the ledger) and a ticket step
(a comment on an objection). Prints, per kind, how many were answered 200
and otherwise, the median, p95 and slowest round trip, and the import's own time.
"""
import datetime
import http.cookiejar
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

base = sys.argv[1]
command = sys.argv[2:]


def call(opener, endpoint, body):
    req = urllib.request.Request(f"{base}/api/{endpoint}", data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json", "origin": base})
    t = time.perf_counter()
    try:
        with opener.open(req) as r:
            status, data = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, data = e.code, e.read()
    return status, (time.perf_counter() - t) * 1000, data


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
call(opener, "login", {"login": "zhangwei", "password": "qudao2026"})
bundle = json.loads(call(opener, "visits/offline_bundle", {})[2])
customer = bundle["customers"][0]
sku = bundle["products"][0]["sku"]
beijing = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)
minutes_ago = (beijing - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
me = bundle["user_id"]
status, _, data = call(opener, "tickets/objections/open", {"input": {
    "customer": customer["code"], "category": "quality", "description": "压测：两箱破损",
    "assignee": me, "opened_at": minutes_ago}})
objection = json.loads(data) if status == 200 else None


def visit():
    return {"items": [{"kind": "visit", "input": {
        "id": str(uuid.uuid4()), "customer_id": customer["id"], "checked_in_at": minutes_ago,
        "location": None, "purpose": "routine", "notes": "bench", "vivid_display": False,
        "stack_display": False, "indoor_ad": False, "outdoor_ad": False, "competitors": "",
        "prices": [], "next_step": "", "next_step_on": ""}}]}


def order(code):
    return {"order": {"customer_code": code, "order_date": "",
                      "lines": [{"product_sku": sku, "quantity": "2"}]}}


# an active customer of the rep (a dormant or closed one takes no order)
for c in bundle["customers"]:
    if call(opener, "orders/create", order(c["code"]))[0] == 200:
        customer = c
        break

office = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
call(office, "login", {"login": "liumin", "password": "qudao2026"})


def confirm():
    """Takes an order in the office, then times its confirmation (posting to the ledger)."""
    status, _, data = call(office, "orders/create", order(customer["code"]))
    if status != 200:
        return status, 0.0, data
    return call(office, "orders/step", {"id": json.loads(data), "version": 1, "step": "confirm"})


writes = [
    ("sync", lambda: call(opener, "visits/sync", visit())),
    ("order", lambda: call(opener, "orders/create", order(customer["code"]))),
    ("confirm", confirm),
]
if objection:
    writes.append(("ticket step", lambda: call(opener, "tickets/objections/comment", {"id": objection, "body": "压测"})))
else:
    print(f"(could not open an objection: {status} {data[:200]!r})")
samples = {label: [] for label, _ in writes}
refused = {label: 0 for label, _ in writes}

t0 = time.perf_counter()
importing = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
while importing.poll() is None:
    for label, write in writes:
        status, ms, data = write()
        ok = status == 200 and (label != "sync" or json.loads(data)[0]["outcome"] == "Saved")
        if ok:
            samples[label].append(ms)
        else:
            refused[label] += 1
import_s = time.perf_counter() - t0
if importing.returncode != 0:
    print(f"(the import failed: {importing.stderr.read()[:300]!r})")

print(f"import of the file: {import_s:.1f} s while these writes ran")
print(f"{'write':12s} {'saved':>6s} {'other':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
for label, _ in writes:
    runs = sorted(samples[label])
    if runs:
        p50, p95, top = runs[len(runs) // 2], runs[max(0, int(len(runs) * 0.95) - 1)], runs[-1]
        print(f"{label:12s} {len(runs):6d} {refused[label]:6d} {p50:8.1f} {p95:8.1f} {top:8.1f}")
    else:
        print(f"{label:12s} {0:6d} {refused[label]:6d}")
