#!/usr/bin/env python3
"""Round trips of the visit features against a running server, for `make bench`.

Usage: bench_visits.py BASE_URL

Signs in as the owner (laoban) and a rep (zhangwei), then prints p50 / p95 over 21
runs (after 3 warm-ups) and the payload of each request: the dashboard (overdue visits,
birthdays), the customer list (a health score per row), the rep's Today plan and
offline bundle (customers as columns, as the tablet asks, and as rows, as the version
before asks), compliance and reminders, and the tablet's sync of 20 new visits, then
of the same 20 again (every one "already saved").
"""
import datetime
import http.cookiejar
import json
import sys
import time
import urllib.request
import uuid

base = sys.argv[1]


def call(opener, endpoint, body):
    req = urllib.request.Request(f"{base}/api/{endpoint}", data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json", "origin": base})
    t = time.perf_counter()
    with opener.open(req) as r:
        data = r.read()
    return (time.perf_counter() - t) * 1000, data


def client(login):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    call(opener, "login", {"login": login, "password": "qudao2026"})
    return opener


def bench(who, opener, endpoint, body, label=None, fresh=None, n=21):
    make = fresh or (lambda: body)
    for _ in range(3):
        call(opener, endpoint, make())
    runs = sorted(call(opener, endpoint, make())[0] for _ in range(n))
    size = len(call(opener, endpoint, make())[1])
    label = label or json.dumps(body, ensure_ascii=False)[:34]
    print(f"{who:6s} {endpoint:24s} {label:36s} {runs[n // 2]:8.1f} {runs[int(n * 0.95) - 1]:8.1f} {size / 1024:9.1f}")


owner, rep = client("laoban"), client("zhangwei")
bundle = json.loads(call(rep, "visits/offline_bundle", {})[1])
mine = [c["id"] for c in bundle["customers"]]
# the tablet's check-in field: local time (UTC+8), a few minutes ago
now = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8, minutes=-5)).strftime("%Y-%m-%dT%H:%M")


def batch():
    return {"items": [{"kind": "visit", "input": {
        "id": str(uuid.uuid4()), "customer_id": mine[i % len(mine)], "checked_in_at": now, "location": None,
        "purpose": "routine", "notes": "bench", "vivid_display": False, "stack_display": False,
        "indoor_ad": False, "outdoor_ad": False, "competitors": "", "prices": [], "next_step": "",
        "next_step_on": ""}} for i in range(20)]}


same = batch()
print(f"zhangwei's customers (all in the offline bundle): {len(mine)}")
print(f"{'who':6s} {'request':24s} {'body':36s} {'p50 ms':>8s} {'p95 ms':>8s} {'KB':>9s}")
page1 = {"query": {"search": "", "kind": "", "terminal_type": "", "status": "", "district": "", "township": "",
                   "rep": "", "parent": "", "sort": "", "desc": False, "page": 1}}
bench("owner", owner, "dashboard", {})
bench("owner", owner, "customers/list", page1, label="page 1 (health per row)")
bench("rep", rep, "customers/list", page1, label="page 1 (health per row)")
bench("rep", rep, "visits/today", {"rep": ""})
bench("rep", rep, "visits/offline_bundle", {"columns": True}, label="as the tablet asks (columns)")
bench("rep", rep, "visits/offline_bundle", {}, label="rows (the version before)")
bench("owner", owner, "visits/compliance", {"days": 28})
bench("owner", owner, "visits/compliance", {"days": 84})
bench("owner", owner, "visits/reminders", {"days": 14})
bench("owner", owner, "visits/list", {})
bench("rep", rep, "visits/sync", None, label="20 new visits", fresh=batch)
bench("rep", rep, "visits/sync", same, label="the same 20 again")
