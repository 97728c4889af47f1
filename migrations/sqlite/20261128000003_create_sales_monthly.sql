-- Per-customer monthly rollups of the ledger, kept in step by triggers in the writer's
-- transaction — whoever writes (the app, an import, the command line, raw SQL), the
-- rollups equal the sums of the lines. A month-aligned classification reads these
-- (or the server's in-memory copy of them, server::sales_index) instead of the lines.
-- `month` is year·12 + month − 1 (domain::sales::month_of). A row whose lines were all
-- deleted stays with zeros and `lines = 0`, so the in-memory copy sees the change.
CREATE TABLE sales_monthly (
    company_id  BLOB    NOT NULL,
    customer_id BLOB    NOT NULL,
    month       INTEGER NOT NULL,
    amount      INTEGER NOT NULL,
    cost        INTEGER NOT NULL,
    quantity    INTEGER NOT NULL,
    lines       INTEGER NOT NULL CHECK (lines >= 0),
    -- The company's sales counter at this row's last change: the in-memory copy reads
    -- only rows above the rev it holds.
    rev         INTEGER NOT NULL,
    PRIMARY KEY (company_id, customer_id, month),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX sales_monthly_rev ON sales_monthly (company_id, rev);

CREATE TABLE sales_revisions (
    company_id BLOB    NOT NULL PRIMARY KEY REFERENCES companies (id),
    rev        INTEGER NOT NULL
) STRICT;

CREATE TRIGGER sales_lines_insert AFTER INSERT ON sales_lines BEGIN
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

CREATE TRIGGER sales_lines_delete AFTER DELETE ON sales_lines BEGIN
    INSERT INTO sales_revisions (company_id, rev) VALUES (OLD.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
    UPDATE sales_monthly SET
        amount = amount - OLD.amount, cost = cost - OLD.cost, quantity = quantity - OLD.quantity,
        lines = lines - 1,
        rev = (SELECT rev FROM sales_revisions WHERE company_id = OLD.company_id)
    WHERE company_id = OLD.company_id AND customer_id = OLD.customer_id
      AND month = CAST(substr(OLD.order_date, 1, 4) AS INTEGER) * 12 + CAST(substr(OLD.order_date, 6, 2) AS INTEGER) - 1;
END;

-- An edited line moves out of its old month and into its new one.
CREATE TRIGGER sales_lines_update AFTER UPDATE OF order_date, customer_id, quantity, amount, cost ON sales_lines BEGIN
    INSERT INTO sales_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
    UPDATE sales_monthly SET
        amount = amount - OLD.amount, cost = cost - OLD.cost, quantity = quantity - OLD.quantity,
        lines = lines - 1,
        rev = (SELECT rev FROM sales_revisions WHERE company_id = OLD.company_id)
    WHERE company_id = OLD.company_id AND customer_id = OLD.customer_id
      AND month = CAST(substr(OLD.order_date, 1, 4) AS INTEGER) * 12 + CAST(substr(OLD.order_date, 6, 2) AS INTEGER) - 1;
    INSERT INTO sales_monthly (company_id, customer_id, month, amount, cost, quantity, lines, rev)
    VALUES (NEW.company_id, NEW.customer_id,
            CAST(substr(NEW.order_date, 1, 4) AS INTEGER) * 12 + CAST(substr(NEW.order_date, 6, 2) AS INTEGER) - 1,
            NEW.amount, NEW.cost, NEW.quantity, 1,
            (SELECT rev FROM sales_revisions WHERE company_id = NEW.company_id))
    ON CONFLICT (company_id, customer_id, month) DO UPDATE SET
        amount = amount + excluded.amount, cost = cost + excluded.cost,
        quantity = quantity + excluded.quantity, lines = lines + 1, rev = excluded.rev;
END;
