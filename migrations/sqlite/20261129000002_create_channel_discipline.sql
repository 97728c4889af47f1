-- Channel discipline (Pillar 4). Territories: the districts (or single townships) a
-- customer may sell into; '' as township means the whole district (a NULL would break
-- the primary key's uniqueness).
CREATE TABLE customer_territories (
    company_id  BLOB NOT NULL,
    customer_id BLOB NOT NULL,
    district    TEXT NOT NULL CHECK (length(trim(district)) > 0),
    township    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (company_id, customer_id, district, township),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Violation records: 窜货, dumping, below-floor prices, with status, penalty and notes.
-- Reported by anyone who sees the customer; decided by owner and managers.
CREATE TABLE violations (
    company_id  BLOB    NOT NULL,
    id          BLOB    NOT NULL,
    customer_id BLOB    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('cross_region', 'dumping', 'below_floor')),
    status      TEXT    NOT NULL DEFAULT 'reported'
                CHECK (status IN ('reported', 'confirmed', 'penalised', 'dismissed')),
    occurred_on TEXT    NOT NULL,
    product_id  BLOB,
    place       TEXT,
    description TEXT    NOT NULL CHECK (length(trim(description)) > 0),
    -- fen; only once penalised
    penalty     INTEGER CHECK (penalty >= 0),
    notes       TEXT,
    reported_by BLOB,
    decided_by  BLOB,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    CHECK (penalty IS NULL OR status = 'penalised'),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, product_id) REFERENCES products (company_id, id),
    FOREIGN KEY (company_id, reported_by) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, decided_by) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX violations_status ON violations (company_id, status, created_at);
CREATE INDEX violations_customer ON violations (company_id, customer_id, created_at);

-- Evidence photos; stored like customer photos (photo folder, <company>/<id>.<ext>) and
-- served only to users who may see the violation's customer.
CREATE TABLE violation_photos (
    company_id   BLOB    NOT NULL,
    id           BLOB    NOT NULL,
    violation_id BLOB    NOT NULL,
    content_type TEXT    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0),
    uploaded_by  BLOB,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, violation_id) REFERENCES violations (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, uploaded_by) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX violation_photos_violation ON violation_photos (company_id, violation_id);
