-- The batches whose lines skip SQLite's per-line rollup trigger while their writer merges
-- the sums itself (see the SQLite migration of the same name). PostgreSQL's rollup
-- trigger already merges once per statement, so nothing lists a batch here; the table
-- keeps both engines' schemas the same.
CREATE TABLE sales_bulk_batches (
    company_id UUID NOT NULL,
    batch_id   UUID NOT NULL,
    PRIMARY KEY (company_id, batch_id)
);
