-- A batch's lines are found without reading the whole ledger, which has no index on the
-- batch (one would cost an index insert per imported line):
-- - first_order/last_order: the lowest and highest order id of its lines (the ledger's
--   key after the company), widened by every write of lines in the same transaction
--   (db::sales::insert_lines_in, the only writer of lines); both NULL while it has none;
-- - undone_at: an undone batch (an import undone or replaced, a confirmed order
--   cancelled) is kept and marked instead of deleted, since deleting it would have the
--   database look through every line for one still naming it (the lines' foreign key).
ALTER TABLE sales_batches ADD COLUMN first_order UUID;
ALTER TABLE sales_batches ADD COLUMN last_order UUID;
ALTER TABLE sales_batches ADD COLUMN undone_at TIMESTAMPTZ;

-- PostgreSQL 15 has no min() of uuid; a uuid's text sorts as its bytes do (fixed-width
-- lowercase hexadecimal, dashes in the same places), which is the key's order.
UPDATE sales_batches b SET first_order = r.lo, last_order = r.hi
FROM (SELECT company_id, batch_id,
             min(order_id::text COLLATE "C")::uuid AS lo,
             max(order_id::text COLLATE "C")::uuid AS hi
      FROM sales_lines GROUP BY company_id, batch_id) AS r
WHERE b.company_id = r.company_id AND b.id = r.batch_id;
