#!/usr/bin/env python3
"""An order's round trips against a running server, for `make bench`.

Usage: bench_orders.py BASE_URL [RUNS]

Signs in as a manager (liumin) and, RUNS times (default 11), takes an order of two lines
for EP002, confirms it (its lines go into the sales ledger) and cancels it (they leave
the ledger again). Prints p50 / max of each step: at 10 million ledger lines the cancel
shows whether the posting's lines are found by their key or by reading the ledger.
"""
import datetime
import http.cookiejar
import json
import sys
import time
import urllib.request

base = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 11
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def call(endpoint, body):
    req = urllib.request.Request(f"{base}/api/{endpoint}", data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json", "origin": base})
    t = time.perf_counter()
    with opener.open(req) as r:
        data = r.read()
    return (time.perf_counter() - t) * 1000, json.loads(data)


call("login", {"login": "liumin", "password": "qudao2026"})
today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).strftime("%Y-%m-%d")
times = {"create": [], "confirm": [], "cancel": []}
for _ in range(runs):
    ms, order = call("orders/create", {"order": {"customer_code": "EP002", "order_date": today, "lines": [
        {"product_sku": "BJ-500", "quantity": "3"}, {"product_sku": "LY-5L", "quantity": "1"}]}})
    times["create"].append(ms)
    ms, confirmed = call("orders/step", {"id": order, "version": 1, "step": "confirm"})
    times["confirm"].append(ms)
    ms, _ = call("orders/step", {"id": order, "version": confirmed["order"]["version"], "step": "cancel"})
    times["cancel"].append(ms)
print(f"{'order step (two lines)':36s} {'p50 ms':>8s} {'max ms':>8s}")
for step, samples in times.items():
    samples.sort()
    print(f"{step:36s} {samples[len(samples) // 2]:8.1f} {samples[-1]:8.1f}")
