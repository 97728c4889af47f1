-- Indexes for the visit reports at scale (measured at ~100 000 customers and ~170 000
-- visits by `make bench`):
-- * the latest visits, newest first, walk this index backwards instead of sorting every
--   visit of the company (about 560 ms before, a few ms after). Without `id` in it, a
--   single customer's visits keep using visits_customer.
CREATE INDEX visits_recent ON visits (company_id, checked_in_at);
-- * the overdue count and plan-against-actual read tier and rep of every active customer;
--   this index holds them, so no table row is read (with the aggregation in SQL, about
--   a third of the time). `status` leads, not `company_id`: a plain index, not a key, and
--   led by `company_id` SQLite took it for lookups by `(company_id, id)` (the customer
--   list's health scores), scanning every customer instead of using the primary key.
CREATE INDEX customers_visit_plan ON customers (status, company_id, rep_id, tier, id);
