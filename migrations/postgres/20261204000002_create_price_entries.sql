-- Price lists (价格体系, issue 19): each row prices one product at one scope — the base
-- list ('base'), a tier's list ('A', 'B', 'C') or one customer's agreed price
-- ('customer', with customer_id) — from valid_from to valid_until (days 'YYYY-MM-DD',
-- both included; no end: until a newer entry of that scope replaces it). The rule that
-- picks a customer's price on a day is domain::pricing::price_on. A price under the
-- product's floor carries the manager who approved it and why (channel discipline).
-- Orders keep the price they were taken at, so an entry may be deleted without
-- changing any order.
CREATE TABLE price_entries (
    company_id      UUID    NOT NULL REFERENCES companies (id),
    id              UUID    NOT NULL,
    product_id      UUID    NOT NULL,
    scope           TEXT COLLATE "C" NOT NULL CHECK (scope IN ('base', 'A', 'B', 'C', 'customer')),
    customer_id     UUID,
    valid_from      TEXT COLLATE "C"   NOT NULL,
    valid_until     TEXT COLLATE "C"   CHECK (valid_until IS NULL OR valid_until >= valid_from),
    price           BIGINT  NOT NULL CHECK (price >= 0),
    approved_by     UUID,
    approval_reason TEXT COLLATE "C"   CHECK ((approved_by IS NULL) = (approval_reason IS NULL)),
    created_by      UUID    NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, product_id) REFERENCES products (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, approved_by) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id),
    CHECK ((scope = 'customer') = (customer_id IS NOT NULL))
);
-- one entry per scope, product and first day (two would leave the price to chance)
CREATE UNIQUE INDEX price_entries_list_day ON price_entries (company_id, product_id, scope, valid_from)
    WHERE customer_id IS NULL;
CREATE UNIQUE INDEX price_entries_agreed_day ON price_entries (company_id, customer_id, product_id, valid_from)
    WHERE customer_id IS NOT NULL;
