#!/usr/bin/env python3
"""Writes N synthetic sales lines as an import CSV (canonical headers) for `make bench`.

Usage: gen_sales.py N CODES_FILE > sales.csv  (CODES_FILE: one customer code per line)

Deterministic (seeded). Customers get Pareto weights (the 80/20 shape), so a few buy
most; dates spread over the 36 months 2023-11-01 .. 2026-10-31 with a Spring Festival
peak; 50 products; 1 % returns (negative lines). Lines of one order are consecutive.
"""
import datetime
import random
import sys

n = int(sys.argv[1])
codes = [c.strip() for c in open(sys.argv[2], encoding="utf-8") if c.strip()]
rnd = random.Random("20261127-sales")
weights = [1.0 / (rnd.random() ** (1 / 1.16) + 1e-9) for _ in codes]
start = datetime.date(2023, 11, 1)
days = [(start + datetime.timedelta(days=i)) for i in range((datetime.date(2026, 10, 31) - start).days + 1)]
peak_months = {(2024, 1), (2024, 12), (2026, 1)}
day_weights = [2.4 if (d.year, d.month) in peak_months else 1.0 for d in days]
day_text = [d.isoformat() for d in days]
products = [(f"SKU{i:03d}", f"商品{i:03d}", 500 + 137 * i, 700 + (i * 13) % 250) for i in range(50)]
out = sys.stdout
out.write("order_date,customer_code,product_sku,quantity,amount,cost,product_name\n")
written = 0
batch = 50_000
while written < n:
    custs = rnd.choices(codes, weights=weights, k=batch)
    dts = rnd.choices(day_text, weights=day_weights, k=batch)
    rows = []
    for c, d in zip(custs, dts):
        for _ in range(1 + int(rnd.random() * 3)):
            if written >= n:
                break
            sku, name, price, cost_pm = products[int(rnd.random() * 50)]
            q = 1 + int(rnd.random() * 20)
            if rnd.random() < 0.01:
                q = -q
            amount = price * q
            cost = price * cost_pm // 1000 * q
            rows.append(f"{d},{c},{sku},{q},{amount // 100}.{abs(amount) % 100:02d},{cost // 100}.{abs(cost) % 100:02d},{name}\n"
                        if amount >= 0 else
                        f"{d},{c},{sku},{q},-{-amount // 100}.{-amount % 100:02d},-{-cost // 100}.{-cost % 100:02d},{name}\n")
            written += 1
    out.write("".join(rows))
