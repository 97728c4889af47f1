-- Downstream customers (客户档案, Pillar 2). The five groups of the profile are plain
-- columns, named as in domain::profile::FIELDS, so lists filter and sort in SQL and the
-- export is one SELECT. Money is integer fen, areas whole m², counts whole numbers,
-- yes/no 0/1, dates 'YYYY-MM-DD' text.
CREATE TABLE customers (
    company_id       BLOB    NOT NULL REFERENCES companies (id),
    id               BLOB    NOT NULL,
    -- 客户编码: the key ERPs and imports use; case kept (segmentation ties break on it).
    code             TEXT    NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
    name             TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    kind             TEXT    NOT NULL CHECK (kind IN ('sub_distributor', 'terminal')),
    terminal_type    TEXT    CHECK (terminal_type IN ('supermarket', 'convenience_store', 'restaurant', 'kiosk', 'other')),
    -- The serving sub-distributor. No cycles: checked by domain::customer::check_parent
    -- before every write, since SQLite cannot express it.
    parent_id        BLOB,
    status           TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dormant', 'closed')),
    district         TEXT,
    township         TEXT,
    address          TEXT,
    phone            TEXT,
    contact          TEXT,
    legal_owner      TEXT,
    business_nature  TEXT,
    licence_no       TEXT,
    opened_on        TEXT,
    -- The assigned rep: the only rep who sees this customer.
    rep_id           BLOB,
    -- group 2: business
    product_lines    TEXT,
    competing_brands TEXT,
    monthly_volume   INTEGER CHECK (monthly_volume >= 0),
    credit_limit     INTEGER CHECK (credit_limit >= 0),
    payment_record   TEXT,
    network_reach    TEXT,
    -- group 3: store
    store_area       INTEGER CHECK (store_area >= 0),
    shelf_position   TEXT,
    stack_displays   INTEGER CHECK (stack_displays >= 0),
    vivid_display    INTEGER CHECK (vivid_display IN (0, 1)),
    indoor_ads       INTEGER CHECK (indoor_ads IN (0, 1)),
    outdoor_ads      INTEGER CHECK (outdoor_ads IN (0, 1)),
    assistants       INTEGER CHECK (assistants >= 0),
    -- group 4: resources
    staff_count      INTEGER CHECK (staff_count >= 0),
    vehicles         INTEGER CHECK (vehicles >= 0),
    sites            INTEGER CHECK (sites >= 0),
    warehouse_area   INTEGER CHECK (warehouse_area >= 0),
    working_capital  INTEGER CHECK (working_capital >= 0),
    -- group 5: personal (PIPL: kept only with the customer's recorded consent)
    personal_consent INTEGER CHECK (personal_consent IN (0, 1)),
    consent_date     TEXT,
    key_person       TEXT,
    birthday         TEXT,
    hometown         TEXT,
    education        TEXT,
    family           TEXT,
    hobbies          TEXT,
    personality      TEXT,
    background       TEXT,
    -- Derived at every write: lower-cased code, name, contact, phone, address and the
    -- pinyin initials of the name (all readings of polyphonic characters), for search.
    search_text      TEXT    NOT NULL DEFAULT '',
    -- Derived at every write (domain::profile::completeness), so lists sort by it.
    completeness     INTEGER NOT NULL DEFAULT 0,
    -- The company's change counter (customer_revisions) at this row's last change, set
    -- by trigger: the in-memory list index reloads only rows above the rev it holds.
    list_rev         INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, code),
    FOREIGN KEY (company_id, parent_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, rep_id) REFERENCES employees (company_id, id)
) STRICT;

-- A rep's list is always filtered by rep; most lists sort by name.
CREATE INDEX customers_rep_name ON customers (company_id, rep_id, name);
CREATE INDEX customers_name ON customers (company_id, name);
CREATE INDEX customers_parent ON customers (company_id, parent_id);
CREATE INDEX customers_list_rev ON customers (company_id, list_rev);
-- The sub-distributor pickers and the kind filter.
CREATE INDEX customers_kind_name ON customers (company_id, kind, name);
CREATE INDEX customers_region ON customers (company_id, district, township);
-- Duplicate detection on import: same name + phone, same licence number.
CREATE INDEX customers_name_phone ON customers (company_id, name, phone);
CREATE INDEX customers_licence ON customers (company_id, licence_no);

-- Every change to a profile, field by field: who, when, old → new (canonical text, as
-- domain::profile::normalize writes it). Field '' marks the creation of the customer.
CREATE TABLE customer_history (
    company_id   BLOB    NOT NULL,
    customer_id  BLOB    NOT NULL,
    -- The customer version this change produced: a stale editor is shown every change
    -- with a version above the one they started from.
    version      INTEGER NOT NULL,
    field        TEXT    NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    -- NULL for changes made by the command line (imports run by the administrator).
    employee_id  BLOB,
    source       TEXT    NOT NULL CHECK (source IN ('create', 'edit', 'import', 'restore', 'assign')),
    changed_at   TEXT    NOT NULL,
    PRIMARY KEY (company_id, customer_id, version, field),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id)
) STRICT;

-- Storefront and display photos. The file lives under the photo folder (data/photos by
-- default) as <company>/<id>.<ext>; it is served only to users who may see the customer.
CREATE TABLE customer_photos (
    company_id   BLOB    NOT NULL,
    id           BLOB    NOT NULL,
    customer_id  BLOB    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('storefront', 'display')),
    content_type TEXT    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0),
    uploaded_by  BLOB,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, uploaded_by) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX customer_photos_customer ON customer_photos (company_id, customer_id, created_at);
