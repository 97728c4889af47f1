-- Visits (拜访) and the relationship log (客户 + 朋友). A visit's id is minted by the
-- tablet (a UUID), so a record made offline and sent twice is stored once: the second
-- insert finds the id taken and the server answers "already synced".
CREATE TABLE visits (
    company_id     BLOB    NOT NULL,
    id             BLOB    NOT NULL,
    customer_id    BLOB    NOT NULL,
    rep_id         BLOB    NOT NULL,
    -- check-in, UTC RFC 3339 (the tablet's clock, checked not to be in the future)
    checked_in_at  TEXT    NOT NULL,
    -- the tablet's location when the rep allowed it: micro-degrees, metres
    lat_e6         INTEGER CHECK (lat_e6 BETWEEN -90000000 AND 90000000),
    lon_e6         INTEGER CHECK (lon_e6 BETWEEN -180000000 AND 180000000),
    accuracy_m     INTEGER CHECK (accuracy_m >= 0),
    purpose        TEXT    NOT NULL
                   CHECK (purpose IN ('routine', 'order', 'display', 'objection', 'relationship', 'collection')),
    notes          TEXT    NOT NULL DEFAULT '',
    -- the display checklist (domain::profile's store group, seen on the day)
    vivid_display  INTEGER NOT NULL CHECK (vivid_display IN (0, 1)),
    stack_display  INTEGER NOT NULL CHECK (stack_display IN (0, 1)),
    indoor_ad      INTEGER NOT NULL CHECK (indoor_ad IN (0, 1)),
    outdoor_ad     INTEGER NOT NULL CHECK (outdoor_ad IN (0, 1)),
    competitors    TEXT    NOT NULL DEFAULT '',
    next_step      TEXT    NOT NULL DEFAULT '',
    next_step_on   TEXT,
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, rep_id) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX visits_customer ON visits (company_id, customer_id, checked_in_at);
CREATE INDEX visits_rep ON visits (company_id, rep_id, checked_in_at);

-- Shelf prices seen on a visit, fen per unit; below the product's floor feeds the
-- below-floor signal of channel discipline.
CREATE TABLE visit_prices (
    company_id  BLOB    NOT NULL,
    visit_id    BLOB    NOT NULL,
    product_id  BLOB    NOT NULL,
    price       INTEGER NOT NULL CHECK (price > 0),
    PRIMARY KEY (company_id, visit_id, product_id),
    FOREIGN KEY (company_id, visit_id) REFERENCES visits (company_id, id),
    FOREIGN KEY (company_id, product_id) REFERENCES products (company_id, id)
) STRICT;

-- Photos from the tablet's camera; the id is minted on the tablet too, so a photo
-- uploaded twice is kept once.
CREATE TABLE visit_photos (
    company_id   BLOB    NOT NULL,
    id           BLOB    NOT NULL,
    visit_id     BLOB    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, visit_id) REFERENCES visits (company_id, id)
) STRICT;
CREATE INDEX visit_photos_visit ON visit_photos (company_id, visit_id);

-- The touch log: calls, gifts, meals, messages — the "friend" half of the relationship.
CREATE TABLE touches (
    company_id   BLOB NOT NULL,
    id           BLOB NOT NULL,
    customer_id  BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
    touched_on   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('call', 'message', 'gift', 'meal', 'other')),
    note         TEXT NOT NULL CHECK (length(trim(note)) > 0),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX touches_customer ON touches (company_id, customer_id, touched_on);

-- Gifts per tier for birthdays, anniversaries and festivals: one list per tier and
-- occasion, set by the owner.
CREATE TABLE gift_lists (
    company_id BLOB NOT NULL REFERENCES companies (id),
    tier       TEXT NOT NULL CHECK (tier IN ('A', 'B', 'C')),
    occasion   TEXT NOT NULL CHECK (occasion IN ('birthday', 'anniversary', 'spring_festival', 'mid_autumn')),
    gifts      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (company_id, tier, occasion)
) STRICT;
