#!/usr/bin/env python3
"""Writes visits and key-person birthdays straight into a bench database for `make bench`.

Usage: gen_visits.py DB

Deterministic (seeded). Every assigned, active customer gets 0-5 visits by its rep over
the last 90 days (a third none, so Today has overdue customers at scale), and one in
five gets a key person's birthday with consent, so the reminders have work to do. Times
are written as the app writes them (RFC 3339, UTC).
"""
import datetime
import random
import sqlite3
import sys
import uuid

db = sqlite3.connect(sys.argv[1])
rnd = random.Random("20261127-visits")
company = db.execute("SELECT id FROM companies LIMIT 1").fetchone()[0]
customers = db.execute(
    "SELECT id, rep_id FROM customers WHERE company_id = ? AND rep_id IS NOT NULL AND status = 'active'",
    (company,)).fetchall()
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
purposes = ["routine", "order", "display", "relationship", "collection"]
visits, birthdays = [], []
for i, (customer, rep) in enumerate(customers):
    count = 0 if i % 3 == 0 else rnd.randrange(1, 6)
    for _ in range(count):
        at = (now - datetime.timedelta(minutes=rnd.randrange(60, 90 * 24 * 60))).isoformat()
        visits.append((company, uuid.uuid4().bytes, customer, rep, at, rnd.choice(purposes),
                       "压测拜访记录", rnd.randrange(2), rnd.randrange(2), rnd.randrange(2), 0, "", "", at))
    if i % 5 == 0:
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rnd.randrange(0, 30 * 365))
        birthdays.append((born.isoformat(), company, customer))
db.executemany(
    "INSERT INTO visits (company_id, id, customer_id, rep_id, checked_in_at, purpose, notes, vivid_display, "
    "stack_display, indoor_ad, outdoor_ad, competitors, next_step, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", visits)
db.executemany(
    "UPDATE customers SET personal_consent = 1, consent_date = '2026-01-01', key_person = '店主', birthday = ? "
    "WHERE company_id = ? AND id = ? AND birthday IS NULL", birthdays)
db.commit()
print(f"{len(visits)} visits for {len(customers)} assigned customers; {len(birthdays)} birthdays")
