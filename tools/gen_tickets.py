#!/usr/bin/env python3
"""Writes N objections and N deliveries straight into a bench database for `make bench`.

Usage: gen_tickets.py DB N OPEN

Deterministic (seeded). Tickets are spread over the last six months across the demo
company's customers; all but OPEN of each kind are finished (answered within 0-8 hours,
resolved within 4-72 hours, delivered within 2-36 hours), so compliance has real
history and the board has OPEN open tickets of each kind. Times are written as the app
writes them (RFC 3339, UTC).
"""
import datetime
import random
import sqlite3
import sys
import uuid

db_path, n, open_n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random("20261127-tickets")
db = sqlite3.connect(db_path)
company = db.execute("SELECT id FROM companies LIMIT 1").fetchone()[0]
customers = [r[0] for r in db.execute("SELECT id FROM customers WHERE company_id = ?", (company,))]
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def ts(t):
    return t.isoformat()


categories = ["quality", "price", "delivery", "display", "service", "other"]
objections, deliveries = [], []
for i in range(n):
    opened = now - datetime.timedelta(minutes=rnd.randrange(10, 180 * 24 * 60))
    done = i >= open_n
    answered = opened + datetime.timedelta(minutes=rnd.randrange(0, 8 * 60)) if done else None
    resolved = answered + datetime.timedelta(minutes=rnd.randrange(4 * 60, 72 * 60)) if done else None
    if resolved and resolved > now:
        answered = resolved = None
    objections.append((company, uuid.uuid4().bytes, rnd.choice(customers), rnd.choice(categories),
                       "客户反映问题（压测数据）", ts(opened), answered and ts(answered),
                       resolved and ts(resolved), ts(now), ts(now)))
    ordered = now - datetime.timedelta(minutes=rnd.randrange(10, 180 * 24 * 60))
    delivered = ordered + datetime.timedelta(minutes=rnd.randrange(2 * 60, 36 * 60)) if done else None
    if delivered and delivered > now:
        delivered = None
    deliveries.append((company, uuid.uuid4().bytes, rnd.choice(customers), f"BENCH-{i:07d}", ts(ordered),
                       delivered and ts(delivered), ts(now), ts(now)))
db.executemany(
    "INSERT INTO objections (company_id, id, customer_id, category, description, opened_at, answered_at, "
    "resolved_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", objections)
db.executemany(
    "INSERT INTO deliveries (company_id, id, customer_id, order_ref, ordered_at, delivered_at, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", deliveries)
db.commit()
print(f"{n} objections and {n} deliveries written ({open_n} of each open)")
