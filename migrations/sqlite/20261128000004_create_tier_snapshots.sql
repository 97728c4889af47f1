-- Official tiers (Pillar 3): a manager or owner saves a classification — period, measure,
-- thresholds — and every customer of the company at that moment gets a tier row, so each
-- customer's "tier at date" history is complete. Customers without lines in the period are
-- C with total 0 and no rank (SEGMENTATION.md § Population).
CREATE TABLE tier_snapshots (
    company_id  BLOB    NOT NULL REFERENCES companies (id),
    id          BLOB    NOT NULL,
    name        TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    period_from TEXT    NOT NULL,
    period_to   TEXT    NOT NULL CHECK (period_to >= period_from),
    measure     TEXT    NOT NULL CHECK (measure IN ('sales', 'profit', 'quantity')),
    a_bp        INTEGER NOT NULL,
    b_bp        INTEGER NOT NULL,
    -- customers with lines in the period, and the positive grand total G
    ranked      INTEGER NOT NULL,
    grand_total INTEGER NOT NULL,
    created_by  BLOB,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    CHECK (0 < a_bp AND a_bp < b_bp AND b_bp <= 10000),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX tier_snapshots_created ON tier_snapshots (company_id, created_at);

CREATE TABLE customer_tiers (
    company_id  BLOB    NOT NULL,
    customer_id BLOB    NOT NULL,
    snapshot_id BLOB    NOT NULL,
    class       TEXT    NOT NULL CHECK (class IN ('A', 'B', 'C')),
    total       INTEGER NOT NULL,
    -- NULL: no lines in the period
    rank        INTEGER,
    PRIMARY KEY (company_id, customer_id, snapshot_id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, snapshot_id) REFERENCES tier_snapshots (company_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX customer_tiers_snapshot ON customer_tiers (company_id, snapshot_id, rank);

-- The tier in force (from the latest snapshot), on the customer so lists filter by it.
-- NULL: the customer has not been classified yet (created after the last snapshot).
ALTER TABLE customers ADD COLUMN tier TEXT CHECK (tier IN ('A', 'B', 'C'));
CREATE INDEX customers_tier ON customers (company_id, tier);
