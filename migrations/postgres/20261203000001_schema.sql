-- Qudao's schema on PostgreSQL 15, the scale-out engine (SQLite, the embedded default,
-- has its own migrations in ../sqlite). One file: no PostgreSQL database predates it.
-- The two schemas match table for table, column for column, key for key and index for
-- index (src/tests/schema.rs checks it). Types: ids UUID, amounts and counts BIGINT,
-- flags BOOLEAN, instants TIMESTAMPTZ, the sales day and classification periods DATE,
-- other days TEXT 'YYYY-MM-DD' as on SQLite; text sorts byte-wise (COLLATE "C") as
-- SQLite's does. Every key of a business table leads with company_id (the Citus
-- distribution column); sessions and sign-in failures are found before any company is
-- known and stay keyed by their own key.

CREATE TABLE companies (
    id          UUID    NOT NULL PRIMARY KEY,
    name        TEXT COLLATE "C"    NOT NULL CHECK (length(trim(name)) > 0),
    -- IANA time zone used for "today", reports and SLA clocks.
    time_zone   TEXT COLLATE "C"    NOT NULL DEFAULT 'Asia/Shanghai',
    created_at  TIMESTAMPTZ    NOT NULL,
    updated_at  TIMESTAMPTZ    NOT NULL,
    candidate_min_growth_bp BIGINT,
    candidate_hits BIGINT,
    candidate_of_last BIGINT,
    candidate_ordering_months BIGINT,
    work_open TEXT COLLATE "C" NOT NULL DEFAULT '09:00',
    work_close TEXT COLLATE "C" NOT NULL DEFAULT '18:00',
    work_weekdays TEXT COLLATE "C" NOT NULL DEFAULT '123456',
    daily_visits BIGINT NOT NULL DEFAULT 20 CHECK (daily_visits BETWEEN 1 AND 60)
);

CREATE TABLE employees (
    company_id     UUID    NOT NULL REFERENCES companies (id),
    id             UUID    NOT NULL,
    name           TEXT COLLATE "C"    NOT NULL CHECK (length(trim(name)) > 0),
    -- Sign-in name, stored lower-case (domain::staff::Login), unique within the company.
    login          TEXT COLLATE "C"    NOT NULL,
    phone          TEXT COLLATE "C",
    role           TEXT COLLATE "C"    NOT NULL CHECK (role IN ('owner', 'manager', 'rep', 'driver')),
    territory      TEXT COLLATE "C",
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    -- Argon2id PHC string; never leaves the server.
    password_hash  TEXT COLLATE "C"    NOT NULL,
    hire_date      TEXT COLLATE "C",
    -- Optimistic locking: an edit names the version it started from.
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ    NOT NULL,
    updated_at     TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, login)
);

CREATE TABLE sessions (
    -- the SHA-256 of the session token (the cookie holds the token itself)
    id            BYTEA   NOT NULL PRIMARY KEY,
    company_id    UUID    NOT NULL,
    employee_id   UUID    NOT NULL,
    created_at    BIGINT NOT NULL,   -- unix seconds, UTC
    last_seen_at  BIGINT NOT NULL,   -- unix seconds, UTC
    expires_at    BIGINT NOT NULL,   -- unix seconds, UTC; sliding
    user_agent    TEXT COLLATE "C",
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id) ON DELETE CASCADE
);

CREATE TABLE customers (
    company_id       UUID    NOT NULL REFERENCES companies (id),
    id               UUID    NOT NULL,
    -- 客户编码: the key ERPs and imports use; case kept (segmentation ties break on it).
    code             TEXT COLLATE "C"    NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
    name             TEXT COLLATE "C"    NOT NULL CHECK (length(trim(name)) > 0),
    kind             TEXT COLLATE "C"    NOT NULL CHECK (kind IN ('sub_distributor', 'terminal')),
    terminal_type    TEXT COLLATE "C"    CHECK (terminal_type IN ('supermarket', 'convenience_store', 'restaurant', 'kiosk', 'other')),
    -- The serving sub-distributor. No cycles: checked by domain::customer::check_parent
    -- before every write, since SQLite cannot express it.
    parent_id        UUID,
    status           TEXT COLLATE "C"    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dormant', 'closed')),
    district         TEXT COLLATE "C",
    township         TEXT COLLATE "C",
    address          TEXT COLLATE "C",
    phone            TEXT COLLATE "C",
    contact          TEXT COLLATE "C",
    legal_owner      TEXT COLLATE "C",
    business_nature  TEXT COLLATE "C",
    licence_no       TEXT COLLATE "C",
    opened_on        TEXT COLLATE "C",
    -- The assigned rep: the only rep who sees this customer.
    rep_id           UUID,
    -- group 2: business
    product_lines    TEXT COLLATE "C",
    competing_brands TEXT COLLATE "C",
    monthly_volume   BIGINT CHECK (monthly_volume >= 0),
    credit_limit     BIGINT CHECK (credit_limit >= 0),
    payment_record   TEXT COLLATE "C",
    network_reach    TEXT COLLATE "C",
    -- group 3: store
    store_area       BIGINT CHECK (store_area >= 0),
    shelf_position   TEXT COLLATE "C",
    stack_displays   BIGINT CHECK (stack_displays >= 0),
    vivid_display    BOOLEAN,
    indoor_ads       BOOLEAN,
    outdoor_ads      BOOLEAN,
    assistants       BIGINT CHECK (assistants >= 0),
    -- group 4: resources
    staff_count      BIGINT CHECK (staff_count >= 0),
    vehicles         BIGINT CHECK (vehicles >= 0),
    sites            BIGINT CHECK (sites >= 0),
    warehouse_area   BIGINT CHECK (warehouse_area >= 0),
    working_capital  BIGINT CHECK (working_capital >= 0),
    -- group 5: personal (PIPL: kept only with the customer's recorded consent)
    personal_consent BOOLEAN,
    consent_date     TEXT COLLATE "C",
    key_person       TEXT COLLATE "C",
    birthday         TEXT COLLATE "C",
    hometown         TEXT COLLATE "C",
    education        TEXT COLLATE "C",
    family           TEXT COLLATE "C",
    hobbies          TEXT COLLATE "C",
    personality      TEXT COLLATE "C",
    background       TEXT COLLATE "C",
    -- Derived at every write: lower-cased code, name, contact, phone, address and the
    -- pinyin initials of the name (all readings of polyphonic characters), for search.
    search_text      TEXT COLLATE "C"    NOT NULL DEFAULT '',
    -- Derived at every write (domain::profile::completeness), so lists sort by it.
    completeness     BIGINT NOT NULL DEFAULT 0,
    -- The company's change counter (customer_revisions) at this row's last change, set
    -- by trigger: the in-memory list index reloads only rows above the rev it holds.
    list_rev         BIGINT NOT NULL DEFAULT 0,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ    NOT NULL,
    updated_at       TIMESTAMPTZ    NOT NULL,
    tier             TEXT COLLATE "C" CHECK (tier IN ('A', 'B', 'C')),
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, code),
    FOREIGN KEY (company_id, parent_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, rep_id) REFERENCES employees (company_id, id)
);

CREATE TABLE customer_history (
    company_id   UUID    NOT NULL,
    customer_id  UUID    NOT NULL,
    -- The customer version this change produced: a stale editor is shown every change
    -- with a version above the one they started from.
    version      BIGINT NOT NULL,
    field        TEXT COLLATE "C"    NOT NULL,
    old_value    TEXT COLLATE "C",
    new_value    TEXT COLLATE "C",
    -- NULL for changes made by the command line (imports run by the administrator).
    employee_id  UUID,
    source       TEXT COLLATE "C"    NOT NULL CHECK (source IN ('create', 'edit', 'import', 'restore', 'assign')),
    changed_at   TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, customer_id, version, field),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id)
);

CREATE TABLE customer_photos (
    company_id   UUID    NOT NULL,
    id           UUID    NOT NULL,
    customer_id  UUID    NOT NULL,
    kind         TEXT COLLATE "C"    NOT NULL CHECK (kind IN ('storefront', 'display')),
    content_type TEXT COLLATE "C"    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    size_bytes   BIGINT NOT NULL CHECK (size_bytes > 0),
    uploaded_by  UUID,
    created_at   TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, uploaded_by) REFERENCES employees (company_id, id)
);

CREATE TABLE customer_revisions (
    company_id UUID    NOT NULL PRIMARY KEY REFERENCES companies (id),
    rev        BIGINT NOT NULL
);

CREATE TABLE products (
    company_id  UUID    NOT NULL REFERENCES companies (id),
    id          UUID    NOT NULL,
    -- 商品编码: the key ERPs and imports use.
    sku         TEXT COLLATE "C"    NOT NULL CHECK (length(sku) BETWEEN 1 AND 32),
    name        TEXT COLLATE "C"    NOT NULL CHECK (length(trim(name)) > 0),
    category    TEXT COLLATE "C",
    unit        TEXT COLLATE "C",
    list_price  BIGINT CHECK (list_price >= 0),
    price_floor BIGINT CHECK (price_floor >= 0),
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ    NOT NULL,
    updated_at  TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, sku),
    CHECK (price_floor IS NULL OR list_price IS NULL OR price_floor <= list_price)
);

CREATE TABLE sales_batches (
    company_id  UUID    NOT NULL REFERENCES companies (id),
    id          UUID    NOT NULL,
    source      TEXT COLLATE "C"    NOT NULL CHECK (source IN ('order', 'import', 'demo')),
    file_name   TEXT COLLATE "C",
    line_count  BIGINT NOT NULL CHECK (line_count >= 0),
    -- NULL for the command line and the demo.
    created_by  UUID,
    created_at  TIMESTAMPTZ    NOT NULL,
    fingerprint TEXT COLLATE "C",
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
);

CREATE TABLE sales_lines (
    company_id  UUID    NOT NULL,
    order_id    UUID    NOT NULL,
    line_no     BIGINT NOT NULL CHECK (line_no >= 1),
    -- 'YYYY-MM-DD': text compares in date order; the accepted years are 2000–2099
    -- (domain::sales::parse_order_date).
    order_date  DATE    NOT NULL CHECK (order_date BETWEEN '2000-01-01' AND '2099-12-31'),
    customer_id UUID    NOT NULL,
    product_id  UUID    NOT NULL,
    -- The rep credited with the sale (the customer's rep unless the file names another).
    rep_id      UUID,
    quantity    BIGINT NOT NULL CHECK (quantity <> 0),
    -- fen; gross profit = amount − cost
    amount      BIGINT NOT NULL,
    cost        BIGINT NOT NULL,
    batch_id    UUID    NOT NULL,
    PRIMARY KEY (company_id, order_id, line_no),
    CHECK ((quantity > 0 AND amount >= 0 AND cost >= 0) OR (quantity < 0 AND amount <= 0 AND cost <= 0)),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, product_id) REFERENCES products (company_id, id),
    FOREIGN KEY (company_id, rep_id) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, batch_id) REFERENCES sales_batches (company_id, id)
);

CREATE TABLE sales_monthly (
    company_id  UUID    NOT NULL,
    customer_id UUID    NOT NULL,
    month       BIGINT NOT NULL,
    amount      BIGINT NOT NULL,
    cost        BIGINT NOT NULL,
    quantity    BIGINT NOT NULL,
    lines       BIGINT NOT NULL CHECK (lines >= 0),
    -- The company's sales counter at this row's last change: the in-memory copy reads
    -- only rows above the rev it holds.
    rev         BIGINT NOT NULL,
    PRIMARY KEY (company_id, customer_id, month),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id)
);

CREATE TABLE sales_revisions (
    company_id UUID    NOT NULL PRIMARY KEY REFERENCES companies (id),
    rev        BIGINT NOT NULL
);

CREATE TABLE tier_snapshots (
    company_id  UUID    NOT NULL REFERENCES companies (id),
    id          UUID    NOT NULL,
    name        TEXT COLLATE "C"    NOT NULL CHECK (length(trim(name)) > 0),
    period_from DATE    NOT NULL,
    period_to   DATE    NOT NULL CHECK (period_to >= period_from),
    measure     TEXT COLLATE "C"    NOT NULL CHECK (measure IN ('sales', 'profit', 'quantity')),
    a_bp        BIGINT NOT NULL,
    b_bp        BIGINT NOT NULL,
    -- customers with lines in the period, and the positive grand total G
    ranked      BIGINT NOT NULL,
    grand_total BIGINT NOT NULL,
    created_by  UUID,
    created_at  TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    CHECK (0 < a_bp AND a_bp < b_bp AND b_bp <= 10000),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
);

CREATE TABLE customer_tiers (
    company_id  UUID    NOT NULL,
    customer_id UUID    NOT NULL,
    snapshot_id UUID    NOT NULL,
    class       TEXT COLLATE "C"    NOT NULL CHECK (class IN ('A', 'B', 'C')),
    total       BIGINT NOT NULL,
    -- NULL: no lines in the period
    rank        BIGINT,
    PRIMARY KEY (company_id, customer_id, snapshot_id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, snapshot_id) REFERENCES tier_snapshots (company_id, id)
);

CREATE TABLE tier_policies (
    company_id       UUID    NOT NULL REFERENCES companies (id),
    id               UUID    NOT NULL,
    tier             TEXT COLLATE "C"    NOT NULL CHECK (tier IN ('A', 'B', 'C')),
    effective_from   TEXT COLLATE "C"    NOT NULL,
    visits_per_month BIGINT NOT NULL CHECK (visits_per_month BETWEEN 0 AND 31),
    -- support types (domain::tier::SupportType), comma-separated, sorted
    supports         TEXT COLLATE "C"    NOT NULL DEFAULT '',
    -- share of the promotion budget, basis points
    budget_share_bp  BIGINT NOT NULL CHECK (budget_share_bp BETWEEN 0 AND 10000),
    credit_limit     BIGINT NOT NULL CHECK (credit_limit >= 0),
    credit_days      BIGINT NOT NULL CHECK (credit_days BETWEEN 0 AND 365),
    notes            TEXT COLLATE "C",
    created_by       UUID,
    created_at       TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, tier, effective_from),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
);

CREATE TABLE tier_changes (
    company_id  UUID NOT NULL,
    snapshot_id UUID NOT NULL,
    customer_id UUID NOT NULL,
    -- NULL: the customer had no tier before (first classification)
    old_tier    TEXT COLLATE "C" CHECK (old_tier IN ('A', 'B', 'C')),
    new_tier    TEXT COLLATE "C" NOT NULL CHECK (new_tier IN ('A', 'B', 'C')),
    policy_id   UUID,
    rep_id      UUID,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (company_id, snapshot_id, customer_id),
    FOREIGN KEY (company_id, snapshot_id) REFERENCES tier_snapshots (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, policy_id) REFERENCES tier_policies (company_id, id),
    FOREIGN KEY (company_id, rep_id) REFERENCES employees (company_id, id)
);

CREATE TABLE customer_territories (
    company_id  UUID NOT NULL,
    customer_id UUID NOT NULL,
    district    TEXT COLLATE "C" NOT NULL CHECK (length(trim(district)) > 0),
    township    TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (company_id, customer_id, district, township),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id) ON DELETE CASCADE
);

CREATE TABLE violations (
    company_id  UUID    NOT NULL,
    id          UUID    NOT NULL,
    customer_id UUID    NOT NULL,
    kind        TEXT COLLATE "C"    NOT NULL CHECK (kind IN ('cross_region', 'dumping', 'below_floor')),
    status      TEXT COLLATE "C"    NOT NULL DEFAULT 'reported'
                CHECK (status IN ('reported', 'confirmed', 'penalised', 'dismissed')),
    occurred_on TEXT COLLATE "C"    NOT NULL,
    product_id  UUID,
    place       TEXT COLLATE "C",
    description TEXT COLLATE "C"    NOT NULL CHECK (length(trim(description)) > 0),
    -- fen; only once penalised
    penalty     BIGINT CHECK (penalty >= 0),
    notes       TEXT COLLATE "C",
    reported_by UUID,
    decided_by  UUID,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ    NOT NULL,
    updated_at  TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    CHECK (penalty IS NULL OR status = 'penalised'),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, product_id) REFERENCES products (company_id, id),
    FOREIGN KEY (company_id, reported_by) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, decided_by) REFERENCES employees (company_id, id)
);

CREATE TABLE violation_photos (
    company_id   UUID    NOT NULL,
    id           UUID    NOT NULL,
    violation_id UUID    NOT NULL,
    content_type TEXT COLLATE "C"    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    size_bytes   BIGINT NOT NULL CHECK (size_bytes > 0),
    uploaded_by  UUID,
    created_at   TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, violation_id) REFERENCES violations (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, uploaded_by) REFERENCES employees (company_id, id)
);

CREATE TABLE service_standards (
    company_id         UUID    NOT NULL,
    kind               TEXT COLLATE "C"    NOT NULL CHECK (kind IN ('delivery', 'first_answer', 'resolution')),
    minutes            BIGINT NOT NULL CHECK (minutes > 0),
    tier_a_minutes     BIGINT CHECK (tier_a_minutes > 0 AND tier_a_minutes <= minutes),
    tier_b_minutes     BIGINT CHECK (tier_b_minutes > 0 AND tier_b_minutes <= minutes),
    tier_c_minutes     BIGINT CHECK (tier_c_minutes > 0 AND tier_c_minutes <= minutes),
    working_hours_only BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by         UUID,
    updated_at         TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, kind),
    FOREIGN KEY (company_id) REFERENCES companies (id),
    FOREIGN KEY (company_id, updated_by) REFERENCES employees (company_id, id)
);

CREATE TABLE work_days (
    company_id UUID NOT NULL,
    day        TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name       TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (company_id, day),
    FOREIGN KEY (company_id) REFERENCES companies (id)
);

CREATE TABLE deliveries (
    company_id   UUID    NOT NULL,
    id           UUID    NOT NULL,
    customer_id  UUID    NOT NULL,
    order_ref    TEXT COLLATE "C"    NOT NULL CHECK (length(trim(order_ref)) > 0),
    ordered_at   TIMESTAMPTZ    NOT NULL,
    promised_at  TIMESTAMPTZ,
    driver_id    UUID,
    delivered_at TIMESTAMPTZ    CHECK (delivered_at IS NULL OR delivered_at >= ordered_at),
    note         TEXT COLLATE "C",
    -- set once by the overdue job (or when completed late): the moment it breached
    breached_at  TIMESTAMPTZ,
    created_by   UUID,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ    NOT NULL,
    updated_at   TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, order_ref),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, driver_id) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
);

CREATE TABLE objections (
    company_id  UUID    NOT NULL,
    id          UUID    NOT NULL,
    customer_id UUID    NOT NULL,
    category    TEXT COLLATE "C"    NOT NULL
                CHECK (category IN ('quality', 'price', 'delivery', 'display', 'service', 'other')),
    description TEXT COLLATE "C"    NOT NULL CHECK (length(trim(description)) > 0),
    assignee_id UUID,
    opened_at   TIMESTAMPTZ    NOT NULL,
    answered_at TIMESTAMPTZ    CHECK (answered_at IS NULL OR answered_at >= opened_at),
    resolved_at TIMESTAMPTZ    CHECK (resolved_at IS NULL OR (answered_at IS NOT NULL AND resolved_at >= answered_at)),
    closed_at   TIMESTAMPTZ    CHECK (closed_at IS NULL OR (resolved_at IS NOT NULL AND closed_at >= resolved_at)),
    -- waiting for the customer: the clock stands still from this moment
    paused_at   TIMESTAMPTZ,
    breached_at TIMESTAMPTZ,
    created_by  UUID,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ    NOT NULL,
    updated_at  TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, assignee_id) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
);

CREATE TABLE objection_pauses (
    company_id   UUID NOT NULL,
    objection_id UUID NOT NULL,
    paused_at    TIMESTAMPTZ NOT NULL,
    resumed_at   TIMESTAMPTZ NOT NULL CHECK (resumed_at >= paused_at),
    PRIMARY KEY (company_id, objection_id, paused_at),
    FOREIGN KEY (company_id, objection_id) REFERENCES objections (company_id, id) ON DELETE CASCADE
);

CREATE TABLE objection_comments (
    company_id   UUID NOT NULL,
    id           UUID NOT NULL,
    objection_id UUID NOT NULL,
    kind         TEXT COLLATE "C" NOT NULL DEFAULT 'comment'
                 CHECK (kind IN ('comment', 'answered', 'resolved', 'closed', 'paused', 'resumed')),
    body         TEXT COLLATE "C" NOT NULL,
    author_id    UUID,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, objection_id) REFERENCES objections (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, author_id) REFERENCES employees (company_id, id)
);

CREATE TABLE ticket_photos (
    company_id   UUID    NOT NULL,
    id           UUID    NOT NULL,
    ticket_kind  TEXT COLLATE "C"    NOT NULL CHECK (ticket_kind IN ('objection', 'delivery')),
    ticket_id    UUID    NOT NULL,
    content_type TEXT COLLATE "C"    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    size_bytes   BIGINT NOT NULL CHECK (size_bytes > 0),
    uploaded_by  UUID,
    created_at   TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, uploaded_by) REFERENCES employees (company_id, id)
);

CREATE TABLE handbook_drafts (
    company_id      UUID NOT NULL PRIMARY KEY,
    foreword        TEXT COLLATE "C" NOT NULL DEFAULT '',
    visit_procedure TEXT COLLATE "C" NOT NULL DEFAULT '',
    channel_rules   TEXT COLLATE "C" NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 1,
    updated_by      UUID,
    updated_at      TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (company_id) REFERENCES companies (id),
    FOREIGN KEY (company_id, updated_by) REFERENCES employees (company_id, id)
);

CREATE TABLE handbook_editions (
    company_id   UUID    NOT NULL,
    number       BIGINT NOT NULL CHECK (number > 0),
    -- the compiled content as JSON (domain::handbook::Handbook)
    content      TEXT COLLATE "C"    NOT NULL,
    published_by UUID,
    published_at TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, number),
    FOREIGN KEY (company_id) REFERENCES companies (id),
    FOREIGN KEY (company_id, published_by) REFERENCES employees (company_id, id)
);

CREATE TABLE handbook_acknowledgements (
    company_id      UUID    NOT NULL,
    number          BIGINT NOT NULL,
    employee_id     UUID    NOT NULL,
    acknowledged_at TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, number, employee_id),
    FOREIGN KEY (company_id, number) REFERENCES handbook_editions (company_id, number),
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id)
);

CREATE TABLE trainings (
    company_id  UUID    NOT NULL,
    id          UUID    NOT NULL,
    employee_id UUID    NOT NULL,
    day         TEXT COLLATE "C"    NOT NULL,
    topic       TEXT COLLATE "C"    NOT NULL CHECK (length(trim(topic)) > 0),
    tenths      BIGINT NOT NULL CHECK (tenths > 0),
    trainer     TEXT COLLATE "C",
    external    BOOLEAN NOT NULL DEFAULT FALSE,
    created_by  UUID,
    created_at  TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
);

CREATE TABLE employee_skills (
    company_id  UUID    NOT NULL,
    employee_id UUID    NOT NULL,
    skill       TEXT COLLATE "C"    NOT NULL CHECK (length(trim(skill)) > 0),
    level       BIGINT NOT NULL CHECK (level BETWEEN 1 AND 5),
    updated_at  TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, employee_id, skill),
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id)
);

CREATE TABLE suggestions (
    company_id  UUID    NOT NULL,
    id          UUID    NOT NULL,
    employee_id UUID    NOT NULL,
    title       TEXT COLLATE "C"    NOT NULL CHECK (length(trim(title)) > 0),
    body        TEXT COLLATE "C"    NOT NULL DEFAULT '',
    status      TEXT COLLATE "C"    NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'accepted', 'done', 'declined')),
    response    TEXT COLLATE "C",
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ    NOT NULL,
    updated_at  TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id)
);

CREATE TABLE visits (
    company_id     UUID    NOT NULL,
    id             UUID    NOT NULL,
    customer_id    UUID    NOT NULL,
    rep_id         UUID    NOT NULL,
    -- check-in, UTC RFC 3339 (the tablet's clock, checked not to be in the future)
    checked_in_at  TIMESTAMPTZ    NOT NULL,
    -- the tablet's location when the rep allowed it: micro-degrees, metres
    lat_e6         BIGINT CHECK (lat_e6 BETWEEN -90000000 AND 90000000),
    lon_e6         BIGINT CHECK (lon_e6 BETWEEN -180000000 AND 180000000),
    accuracy_m     BIGINT CHECK (accuracy_m >= 0),
    purpose        TEXT COLLATE "C"    NOT NULL
                   CHECK (purpose IN ('routine', 'order', 'display', 'objection', 'relationship', 'collection')),
    notes          TEXT COLLATE "C"    NOT NULL DEFAULT '',
    -- the display checklist (domain::profile's store group, seen on the day)
    vivid_display  BOOLEAN NOT NULL,
    stack_display  BOOLEAN NOT NULL,
    indoor_ad      BOOLEAN NOT NULL,
    outdoor_ad     BOOLEAN NOT NULL,
    competitors    TEXT COLLATE "C"    NOT NULL DEFAULT '',
    next_step      TEXT COLLATE "C"    NOT NULL DEFAULT '',
    next_step_on   TEXT COLLATE "C",
    created_at     TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, rep_id) REFERENCES employees (company_id, id)
);

CREATE TABLE visit_prices (
    company_id  UUID    NOT NULL,
    visit_id    UUID    NOT NULL,
    product_id  UUID    NOT NULL,
    price       BIGINT NOT NULL CHECK (price > 0),
    PRIMARY KEY (company_id, visit_id, product_id),
    FOREIGN KEY (company_id, visit_id) REFERENCES visits (company_id, id),
    FOREIGN KEY (company_id, product_id) REFERENCES products (company_id, id)
);

CREATE TABLE visit_photos (
    company_id   UUID    NOT NULL,
    id           UUID    NOT NULL,
    visit_id     UUID    NOT NULL,
    content_type TEXT COLLATE "C"    NOT NULL,
    size         BIGINT NOT NULL,
    created_at   TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, visit_id) REFERENCES visits (company_id, id)
);

CREATE TABLE touches (
    company_id   UUID NOT NULL,
    id           UUID NOT NULL,
    customer_id  UUID NOT NULL,
    employee_id  UUID NOT NULL,
    touched_on   TEXT COLLATE "C" NOT NULL,
    kind         TEXT COLLATE "C" NOT NULL CHECK (kind IN ('call', 'message', 'gift', 'meal', 'other')),
    note         TEXT COLLATE "C" NOT NULL CHECK (length(trim(note)) > 0),
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id)
);

CREATE TABLE gift_lists (
    company_id UUID NOT NULL REFERENCES companies (id),
    tier       TEXT COLLATE "C" NOT NULL CHECK (tier IN ('A', 'B', 'C')),
    occasion   TEXT COLLATE "C" NOT NULL CHECK (occasion IN ('birthday', 'anniversary', 'spring_festival', 'mid_autumn')),
    gifts      TEXT COLLATE "C" NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (company_id, tier, occasion)
);

CREATE TABLE sign_in_failures (
    key     TEXT COLLATE "C"    PRIMARY KEY,
    count   BIGINT NOT NULL CHECK (count > 0),
    last_at BIGINT NOT NULL
);

CREATE TABLE sales_documents (
    company_id  UUID NOT NULL,
    document_no TEXT COLLATE "C" NOT NULL CHECK (length(document_no) BETWEEN 1 AND 64),
    batch_id    UUID NOT NULL,
    PRIMARY KEY (company_id, document_no),
    FOREIGN KEY (company_id, batch_id) REFERENCES sales_batches (company_id, id)
);

CREATE INDEX customer_photos_customer ON customer_photos (company_id, customer_id, created_at);
CREATE INDEX customer_tiers_snapshot ON customer_tiers (company_id, snapshot_id, rank);
CREATE INDEX customers_list_rev ON customers (company_id, list_rev);
CREATE INDEX customers_name ON customers (company_id, name);
CREATE INDEX customers_parent ON customers (company_id, parent_id);
CREATE INDEX customers_region ON customers (company_id, district, township);
CREATE INDEX customers_rep_name ON customers (company_id, rep_id, name);
CREATE INDEX customers_sub_distributors ON customers (company_id, name)
WHERE kind = 'sub_distributor';
CREATE INDEX customers_tier ON customers (company_id, tier);
CREATE INDEX customers_visit_plan ON customers (status, company_id, rep_id, tier, id);
CREATE INDEX deliveries_breached ON deliveries (company_id, breached_at);
CREATE INDEX deliveries_customer ON deliveries (company_id, customer_id);
CREATE INDEX deliveries_driver ON deliveries (company_id, driver_id, delivered_at);
CREATE INDEX deliveries_open ON deliveries (company_id, delivered_at, ordered_at);
CREATE INDEX deliveries_ordered ON deliveries (company_id, ordered_at);
CREATE INDEX employees_login ON employees (login);
CREATE INDEX objection_comments_objection ON objection_comments (company_id, objection_id, created_at);
CREATE INDEX objections_breached ON objections (company_id, breached_at);
CREATE INDEX objections_customer ON objections (company_id, customer_id);
CREATE INDEX objections_open ON objections (company_id, closed_at, opened_at);
CREATE INDEX objections_opened ON objections (company_id, opened_at);
CREATE INDEX objections_unresolved ON objections (company_id, resolved_at);
CREATE INDEX products_name ON products (company_id, name);
CREATE UNIQUE INDEX sales_batches_fingerprint ON sales_batches (company_id, fingerprint)
    WHERE fingerprint IS NOT NULL;
CREATE INDEX sales_documents_batch ON sales_documents (company_id, batch_id);
CREATE INDEX sales_lines_date ON sales_lines (company_id, order_date, customer_id, amount, cost, quantity);
CREATE INDEX sales_monthly_rev ON sales_monthly (company_id, rev);
CREATE INDEX sessions_employee ON sessions (company_id, employee_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX sign_in_failures_last_at ON sign_in_failures (last_at);
CREATE INDEX suggestions_status ON suggestions (company_id, status, created_at);
CREATE INDEX ticket_photos_ticket ON ticket_photos (company_id, ticket_kind, ticket_id);
CREATE INDEX tier_changes_customer ON tier_changes (company_id, customer_id, created_at);
CREATE INDEX tier_changes_rep ON tier_changes (company_id, rep_id, created_at);
CREATE INDEX tier_snapshots_created ON tier_snapshots (company_id, created_at);
CREATE INDEX touches_customer ON touches (company_id, customer_id, touched_on);
CREATE INDEX trainings_employee ON trainings (company_id, employee_id, day);
CREATE INDEX violation_photos_violation ON violation_photos (company_id, violation_id);
CREATE INDEX violations_customer ON violations (company_id, customer_id, created_at);
CREATE INDEX violations_status ON violations (company_id, status, created_at);
CREATE INDEX visit_photos_visit ON visit_photos (company_id, visit_id);
CREATE INDEX visits_customer ON visits (company_id, customer_id, checked_in_at);
CREATE INDEX visits_recent ON visits (company_id, checked_in_at);
CREATE INDEX visits_rep ON visits (company_id, rep_id, checked_in_at);

-- Each company's customer counter moves on every change of one of its customers and
-- stamps the changed row (lists keep their in-memory index valid by it). A multi-row
-- insert that stamped its rows itself (list_rev > 0) skips the per-row step.
CREATE FUNCTION customers_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_revisions AS r (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = r.rev + 1
    RETURNING r.rev INTO NEW.list_rev;
    RETURN NEW;
END $$;

CREATE TRIGGER customers_rev_insert BEFORE INSERT ON customers
FOR EACH ROW WHEN (NEW.list_rev = 0) EXECUTE FUNCTION customers_stamp();

CREATE TRIGGER customers_rev_update BEFORE UPDATE ON customers
FOR EACH ROW WHEN (NEW.list_rev IS NOT DISTINCT FROM OLD.list_rev) EXECUTE FUNCTION customers_stamp();

CREATE FUNCTION customers_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_revisions AS r (company_id, rev) VALUES (OLD.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = r.rev + 1;
    RETURN OLD;
END $$;

CREATE TRIGGER customers_rev_delete AFTER DELETE ON customers
FOR EACH ROW EXECUTE FUNCTION customers_deleted();

-- Monthly rollups per customer follow every sales line written, changed or removed,
-- stamped with the company's sales counter. SQLite does it row by row; here one
-- set-based step per statement (transition tables), so a bulk import of a million lines
-- moves the counter once per company and merges each month once.
CREATE FUNCTION sales_month(d DATE) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT (extract(year FROM d)::BIGINT) * 12 + extract(month FROM d)::BIGINT - 1
$$;

CREATE FUNCTION sales_lines_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO sales_revisions AS r (company_id, rev)
        SELECT DISTINCT company_id, 1 FROM old_lines
        ON CONFLICT (company_id) DO UPDATE SET rev = r.rev + 1;
        UPDATE sales_monthly m SET
            amount = m.amount - o.amount, cost = m.cost - o.cost,
            quantity = m.quantity - o.quantity, lines = m.lines - o.lines,
            rev = (SELECT r.rev FROM sales_revisions r WHERE r.company_id = m.company_id)
        FROM (SELECT company_id, customer_id, sales_month(order_date) AS month,
                     sum(amount) AS amount, sum(cost) AS cost, sum(quantity) AS quantity,
                     count(*) AS lines
              FROM old_lines GROUP BY 1, 2, 3) o
        WHERE m.company_id = o.company_id AND m.customer_id = o.customer_id
          AND m.month = o.month;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sales_revisions AS r (company_id, rev)
        SELECT DISTINCT company_id, 1 FROM new_lines
        ON CONFLICT (company_id) DO UPDATE SET rev = r.rev + 1;
        INSERT INTO sales_monthly AS m
            (company_id, customer_id, month, amount, cost, quantity, lines, rev)
        SELECT n.company_id, n.customer_id, sales_month(n.order_date),
               sum(n.amount), sum(n.cost), sum(n.quantity), count(*),
               (SELECT r.rev FROM sales_revisions r WHERE r.company_id = n.company_id)
        FROM new_lines n GROUP BY n.company_id, n.customer_id, sales_month(n.order_date)
        ON CONFLICT (company_id, customer_id, month) DO UPDATE SET
            amount = m.amount + excluded.amount, cost = m.cost + excluded.cost,
            quantity = m.quantity + excluded.quantity, lines = m.lines + excluded.lines,
            rev = excluded.rev;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER sales_lines_insert AFTER INSERT ON sales_lines
REFERENCING NEW TABLE AS new_lines
FOR EACH STATEMENT EXECUTE FUNCTION sales_lines_rollup();

CREATE TRIGGER sales_lines_delete AFTER DELETE ON sales_lines
REFERENCING OLD TABLE AS old_lines
FOR EACH STATEMENT EXECUTE FUNCTION sales_lines_rollup();

CREATE TRIGGER sales_lines_update AFTER UPDATE ON sales_lines
REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
FOR EACH STATEMENT EXECUTE FUNCTION sales_lines_rollup();

-- A published handbook edition is never changed or removed.
CREATE FUNCTION handbook_editions_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'published handbook editions are immutable';
END $$;

CREATE TRIGGER handbook_editions_immutable BEFORE UPDATE ON handbook_editions
FOR EACH ROW EXECUTE FUNCTION handbook_editions_refuse();

CREATE TRIGGER handbook_editions_undeletable BEFORE DELETE ON handbook_editions
FOR EACH ROW EXECUTE FUNCTION handbook_editions_refuse();
