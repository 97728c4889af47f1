-- Policies per tier (Pillar 4): what each tier gets. Versions, never edited in place: the
-- version in force on a day is the latest one of its tier that took effect on or before
-- it (domain::tier::in_force). Two versions of a tier never take effect the same day.
CREATE TABLE tier_policies (
    company_id       BLOB    NOT NULL REFERENCES companies (id),
    id               BLOB    NOT NULL,
    tier             TEXT    NOT NULL CHECK (tier IN ('A', 'B', 'C')),
    effective_from   TEXT    NOT NULL,
    visits_per_month INTEGER NOT NULL CHECK (visits_per_month BETWEEN 0 AND 31),
    -- support types (domain::tier::SupportType), comma-separated, sorted
    supports         TEXT    NOT NULL DEFAULT '',
    -- share of the promotion budget, basis points
    budget_share_bp  INTEGER NOT NULL CHECK (budget_share_bp BETWEEN 0 AND 10000),
    credit_limit     INTEGER NOT NULL CHECK (credit_limit >= 0),
    credit_days      INTEGER NOT NULL CHECK (credit_days BETWEEN 0 AND 365),
    notes            TEXT,
    created_by       BLOB,
    created_at       TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, tier, effective_from),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
) STRICT;

-- When a snapshot changes a customer's tier in force: old → new, the policy that now
-- applies (none when no version is in force yet) and the rep who had the customer then,
-- so each rep sees the changes of their customers.
CREATE TABLE tier_changes (
    company_id  BLOB NOT NULL,
    snapshot_id BLOB NOT NULL,
    customer_id BLOB NOT NULL,
    -- NULL: the customer had no tier before (first classification)
    old_tier    TEXT CHECK (old_tier IN ('A', 'B', 'C')),
    new_tier    TEXT NOT NULL CHECK (new_tier IN ('A', 'B', 'C')),
    policy_id   BLOB,
    rep_id      BLOB,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (company_id, snapshot_id, customer_id),
    FOREIGN KEY (company_id, snapshot_id) REFERENCES tier_snapshots (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, policy_id) REFERENCES tier_policies (company_id, id),
    FOREIGN KEY (company_id, rep_id) REFERENCES employees (company_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX tier_changes_rep ON tier_changes (company_id, rep_id, created_at);
CREATE INDEX tier_changes_customer ON tier_changes (company_id, customer_id, created_at);

-- The growth watch's support-candidate rule and the "A at risk" limit, per company
-- (NULL: the defaults of domain::growth::CandidateRule and 20 %).
ALTER TABLE companies ADD COLUMN candidate_min_growth_bp INTEGER;
ALTER TABLE companies ADD COLUMN candidate_hits INTEGER;
ALTER TABLE companies ADD COLUMN candidate_of_last INTEGER;
ALTER TABLE companies ADD COLUMN candidate_ordering_months INTEGER;
