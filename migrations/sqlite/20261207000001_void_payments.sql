-- A payment recorded by mistake (a typo in the amount, the wrong customer, a transfer
-- that bounced) is voided by a manager, with a reason, never deleted: its allocations are
-- taken back (the invoices it paid are open again, the credit it left is gone) in the same
-- transaction, and its reference is free for the right entry. A voided payment keeps
-- `unallocated = 0` and has no allocations. (SQLite cannot add a two-column foreign key to
-- a table, so neither engine declares `voided_by`'s; the writer sets it to the signed-in
-- manager.)
ALTER TABLE payments ADD COLUMN voided_at TEXT;
ALTER TABLE payments ADD COLUMN voided_by BLOB;
ALTER TABLE payments ADD COLUMN void_reason TEXT CHECK (length(void_reason) BETWEEN 1 AND 200);
DROP INDEX payments_reference;
CREATE UNIQUE INDEX payments_reference ON payments (company_id, method, reference)
    WHERE reference IS NOT NULL AND voided_at IS NULL;
