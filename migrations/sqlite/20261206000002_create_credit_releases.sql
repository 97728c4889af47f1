-- Credit control (issue 19): confirming an order is refused while the customer's open
-- receivables, their confirmed orders not yet delivered and this order together pass the
-- credit limit (the customer's own, else the tier policy's), or while any invoice is past
-- its credit days. A manager may release it with a reason: the release is kept with the
-- figures they saw, and the customer's profile lists it.
CREATE TABLE credit_releases (
    company_id  BLOB    NOT NULL REFERENCES companies (id),
    order_id    BLOB    NOT NULL,
    customer_id BLOB    NOT NULL,
    released_by BLOB    NOT NULL,
    released_at TEXT    NOT NULL,
    reason      TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    -- fen: the limit (none: no limit set), what was open, the customer's credit, what
    -- was confirmed and not yet delivered, this order, and what was past due (less credit)
    credit_limit INTEGER,
    open_amount  INTEGER NOT NULL,
    credit       INTEGER NOT NULL DEFAULT 0,
    pending      INTEGER NOT NULL,
    order_amount INTEGER NOT NULL,
    overdue      INTEGER NOT NULL,
    PRIMARY KEY (company_id, order_id),
    FOREIGN KEY (company_id, order_id) REFERENCES orders (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, released_by) REFERENCES employees (company_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX credit_releases_customer ON credit_releases (company_id, customer_id, released_at);
