-- Large writes of the ledger merge the monthly rollups once per group of lines instead of
-- once per line (the 10-million-line import spent most of its time in the per-line
-- trigger: three statements and a rev-index move per line).
--
-- While a batch is listed here, its new lines skip the per-line rollup trigger; the
-- writer (server::db::sales::insert_lines) lists the batch, stores a group of lines, merges
-- their sums into sales_monthly with one revision, and removes the batch again, all in its
-- own transaction. Nothing can commit with a batch still listed, so every other writer
-- (the app, raw SQL, a later import of the same batch) keeps the per-line trigger and the
-- rollups stay equal to the sums of the lines. This is what PostgreSQL's statement-level
-- trigger does with its transition table.
CREATE TABLE sales_bulk_batches (
    company_id BLOB NOT NULL,
    batch_id   BLOB NOT NULL,
    PRIMARY KEY (company_id, batch_id)
) STRICT, WITHOUT ROWID;

DROP TRIGGER sales_lines_insert;
CREATE TRIGGER sales_lines_insert AFTER INSERT ON sales_lines
WHEN NOT EXISTS (SELECT 1 FROM sales_bulk_batches b
                 WHERE b.company_id = NEW.company_id AND b.batch_id = NEW.batch_id)
BEGIN
    INSERT INTO sales_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
    INSERT INTO sales_monthly (company_id, customer_id, month, amount, cost, quantity, lines, rev)
    VALUES (NEW.company_id, NEW.customer_id,
            CAST(substr(NEW.order_date, 1, 4) AS INTEGER) * 12 + CAST(substr(NEW.order_date, 6, 2) AS INTEGER) - 1,
            NEW.amount, NEW.cost, NEW.quantity, 1,
            (SELECT rev FROM sales_revisions WHERE company_id = NEW.company_id))
    ON CONFLICT (company_id, customer_id, month) DO UPDATE SET
        amount = amount + excluded.amount, cost = cost + excluded.cost,
        quantity = quantity + excluded.quantity, lines = lines + 1, rev = excluded.rev;
END;
