-- The SHA-256 of an imported file: the same file imported twice would double the ledger
-- and every tier computed from it, so a second import of it is refused (or replaces the
-- first, when asked). NULL for orders and the demo.
ALTER TABLE sales_batches ADD COLUMN fingerprint TEXT;
CREATE UNIQUE INDEX sales_batches_fingerprint ON sales_batches (company_id, fingerprint)
    WHERE fingerprint IS NOT NULL;
