-- Credit control (issue 19): confirming an order is refused while the customer's open
-- receivables, their confirmed orders not yet delivered and this order together pass the
-- credit limit (the customer's own, else the tier policy's), or while any invoice is past
-- its credit days. A manager may release it with a reason: the release is kept with the
-- figures they saw, and the customer's profile lists it.
CREATE TABLE credit_releases (
    company_id  UUID    NOT NULL REFERENCES companies (id),
    order_id    UUID    NOT NULL,
    customer_id UUID    NOT NULL,
    released_by UUID    NOT NULL,
    released_at TIMESTAMPTZ NOT NULL,
    reason      TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    -- fen: the limit (none: no limit set), what was open, the customer's credit, what
    -- was confirmed and not yet delivered, this order, and what was past due (less credit)
    credit_limit BIGINT ,
    open_amount  BIGINT  NOT NULL,
    credit       BIGINT  NOT NULL DEFAULT 0,
    pending      BIGINT  NOT NULL,
    order_amount BIGINT  NOT NULL,
    overdue      BIGINT  NOT NULL,
    PRIMARY KEY (company_id, order_id),
    FOREIGN KEY (company_id, order_id) REFERENCES orders (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, released_by) REFERENCES employees (company_id, id)
);
CREATE INDEX credit_releases_customer ON credit_releases (company_id, customer_id, released_at);
