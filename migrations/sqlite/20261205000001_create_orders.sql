-- Sales orders (订单, issue 19). An order is a document of its own: numbered
-- 'SO-<year>-<six digits>' per company and year (order_counters hands the numbers out
-- inside the writing transaction, so two orders never share one), priced line by line
-- when taken (domain::pricing::price_on; the price and where it came from are kept, so a
-- later change of the lists never changes an order), and moved one step at a time
-- (domain::orders::OrderStatus). Its lines reach the sales ledger when it is confirmed:
-- batch_id then names the ledger batch (source 'order') holding them, and a cancel
-- takes that batch out again — an order is in the ledger exactly while batch_id is set.
-- version guards every step (optimistic locking: two people confirming at once, one
-- wins, the other is told).
CREATE TABLE orders (
    company_id  BLOB    NOT NULL REFERENCES companies (id),
    id          BLOB    NOT NULL,
    number      TEXT    NOT NULL CHECK (length(number) = 14),
    customer_id BLOB    NOT NULL,
    -- the customer's rep when the order was taken (credited in the ledger)
    rep_id      BLOB,
    order_date  TEXT    NOT NULL CHECK (length(order_date) = 10 AND order_date BETWEEN '2000-01-01' AND '2099-12-31'),
    status      TEXT    NOT NULL CHECK (status IN ('draft', 'confirmed', 'picked', 'out_for_delivery', 'delivered', 'closed', 'cancelled')),
    -- 'office' (typed in the app) or 'tablet' (taken in the shop, synced from the outbox)
    source      TEXT    NOT NULL CHECK (source IN ('office', 'tablet')),
    -- fen, the sum of the lines' amounts
    total       INTEGER NOT NULL CHECK (total >= 0),
    batch_id    BLOB,
    version     INTEGER NOT NULL CHECK (version >= 1),
    created_by  BLOB    NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, rep_id) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, batch_id) REFERENCES sales_batches (company_id, id),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
) STRICT;
CREATE UNIQUE INDEX orders_number ON orders (company_id, number);
-- the list: newest first, by status
CREATE INDEX orders_status_date ON orders (company_id, status, order_date);
CREATE INDEX orders_customer ON orders (company_id, customer_id, order_date);

CREATE TABLE order_lines (
    company_id      BLOB    NOT NULL,
    order_id        BLOB    NOT NULL,
    line_no         INTEGER NOT NULL CHECK (line_no >= 1),
    product_id      BLOB    NOT NULL,
    -- whole units of the product (箱, 件 …)
    quantity        INTEGER NOT NULL CHECK (quantity >= 1),
    -- fen per unit, and quantity × unit_price
    unit_price      INTEGER NOT NULL CHECK (unit_price >= 0),
    amount          INTEGER NOT NULL CHECK (amount >= 0),
    -- the list the price came from ('base', 'A', 'B', 'C', 'customer'), or 'manual' when
    -- an owner or manager set it on the order
    price_source    TEXT    NOT NULL CHECK (price_source IN ('base', 'A', 'B', 'C', 'customer', 'manual')),
    -- a manual price under the product's floor: who approved it and why
    approved_by     BLOB,
    approval_reason TEXT    CHECK ((approved_by IS NULL) = (approval_reason IS NULL)),
    PRIMARY KEY (company_id, order_id, line_no),
    FOREIGN KEY (company_id, order_id) REFERENCES orders (company_id, id),
    FOREIGN KEY (company_id, product_id) REFERENCES products (company_id, id),
    FOREIGN KEY (company_id, approved_by) REFERENCES employees (company_id, id)
) STRICT, WITHOUT ROWID;

-- Every step of an order, with who and when (the order's history).
CREATE TABLE order_events (
    company_id  BLOB    NOT NULL,
    order_id    BLOB    NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    step        TEXT    NOT NULL CHECK (step IN ('create', 'confirm', 'pick', 'dispatch', 'deliver', 'close', 'cancel')),
    by_id       BLOB    NOT NULL,
    happened_at TEXT    NOT NULL,
    reason      TEXT,
    PRIMARY KEY (company_id, order_id, seq),
    FOREIGN KEY (company_id, order_id) REFERENCES orders (company_id, id),
    FOREIGN KEY (company_id, by_id) REFERENCES employees (company_id, id)
) STRICT, WITHOUT ROWID;

-- The last order number handed out per company and year.
CREATE TABLE order_counters (
    company_id  BLOB    NOT NULL REFERENCES companies (id),
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2099),
    last_seq    INTEGER NOT NULL CHECK (last_seq BETWEEN 1 AND 999999),
    PRIMARY KEY (company_id, year)
) STRICT, WITHOUT ROWID;
