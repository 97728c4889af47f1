#!/usr/bin/env python3
"""Writes N invoices straight into a bench database for `make bench` (the aging report at
scale: 100k customers × 1M invoices).

Usage: gen_invoices.py DB N

Deterministic (seeded). Invoices are spread over the last two years across the company's
customers, due 0-60 days after issue; nine in ten are paid in full, the rest open or part
paid, so the open set (what aging reads) is about a tenth, as in a real ledger. Written
as the app writes them (dates 'YYYY-MM-DD', times RFC 3339 UTC). The bench's own
connection leaves foreign keys unchecked, so the invoices name orders that are not
stored: the aging report never reads orders.
"""
import datetime
import random
import sqlite3
import sys
import uuid

db_path, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random("20261206-invoices")
db = sqlite3.connect(db_path)
company = db.execute("SELECT id FROM companies LIMIT 1").fetchone()[0]
customers = [r[0] for r in db.execute("SELECT id FROM customers WHERE company_id = ?", (company,))]
today = datetime.date.today()
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
rows = []
for i in range(n):
    issued = today - datetime.timedelta(days=rnd.randrange(0, 730))
    due = issued + datetime.timedelta(days=rnd.choice([0, 15, 30, 45, 60]))
    amount = rnd.randrange(1_000, 5_000_000)
    roll = rnd.random()
    paid = amount if roll < 0.9 else (0 if roll < 0.96 else amount // 2)
    rows.append((company, uuid.uuid4().bytes, uuid.uuid4().bytes, rnd.choice(customers),
                 issued.isoformat(), due.isoformat(), amount, paid, now))
    if len(rows) == 100_000:
        db.executemany("INSERT INTO invoices (company_id, id, order_id, customer_id, issued_on, due_on, "
                       "amount, paid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        rows.clear()
if rows:
    db.executemany("INSERT INTO invoices (company_id, id, order_id, customer_id, issued_on, due_on, "
                   "amount, paid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
db.commit()
db.execute("ANALYZE")
print(f"invoices: {db.execute('SELECT COUNT(*) FROM invoices').fetchone()[0]}, "
      f"open: {db.execute('SELECT COUNT(*) FROM invoices WHERE paid < amount').fetchone()[0]}, "
      f"customers owing: {db.execute('SELECT COUNT(DISTINCT customer_id) FROM invoices WHERE paid < amount').fetchone()[0]}")
