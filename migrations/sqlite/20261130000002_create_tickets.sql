-- Delivery and objection tickets, timed against the service standards. Times are UTC
-- (RFC 3339); the timers read them in Beijing time. A rep sees the tickets of their own
-- customers only, so every read joins customers and filters by rep in SQL.
CREATE TABLE deliveries (
    company_id   BLOB    NOT NULL,
    id           BLOB    NOT NULL,
    customer_id  BLOB    NOT NULL,
    order_ref    TEXT    NOT NULL CHECK (length(trim(order_ref)) > 0),
    ordered_at   TEXT    NOT NULL,
    promised_at  TEXT,
    driver_id    BLOB,
    delivered_at TEXT    CHECK (delivered_at IS NULL OR delivered_at >= ordered_at),
    note         TEXT,
    -- set once by the overdue job (or when completed late): the moment it breached
    breached_at  TEXT,
    created_by   BLOB,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, order_ref),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, driver_id) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX deliveries_open ON deliveries (company_id, delivered_at, ordered_at);
CREATE INDEX deliveries_customer ON deliveries (company_id, customer_id);

CREATE TABLE objections (
    company_id  BLOB    NOT NULL,
    id          BLOB    NOT NULL,
    customer_id BLOB    NOT NULL,
    category    TEXT    NOT NULL
                CHECK (category IN ('quality', 'price', 'delivery', 'display', 'service', 'other')),
    description TEXT    NOT NULL CHECK (length(trim(description)) > 0),
    assignee_id BLOB,
    opened_at   TEXT    NOT NULL,
    answered_at TEXT    CHECK (answered_at IS NULL OR answered_at >= opened_at),
    resolved_at TEXT    CHECK (resolved_at IS NULL OR (answered_at IS NOT NULL AND resolved_at >= answered_at)),
    closed_at   TEXT    CHECK (closed_at IS NULL OR (resolved_at IS NOT NULL AND closed_at >= resolved_at)),
    -- waiting for the customer: the clock stands still from this moment
    paused_at   TEXT,
    breached_at TEXT,
    created_by  BLOB,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, assignee_id) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX objections_open ON objections (company_id, closed_at, opened_at);
CREATE INDEX objections_customer ON objections (company_id, customer_id);

-- Finished pauses of an objection's clock.
CREATE TABLE objection_pauses (
    company_id   BLOB NOT NULL,
    objection_id BLOB NOT NULL,
    paused_at    TEXT NOT NULL,
    resumed_at   TEXT NOT NULL CHECK (resumed_at >= paused_at),
    PRIMARY KEY (company_id, objection_id, paused_at),
    FOREIGN KEY (company_id, objection_id) REFERENCES objections (company_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The conversation on an objection; also records each step (kind = the step).
CREATE TABLE objection_comments (
    company_id   BLOB NOT NULL,
    id           BLOB NOT NULL,
    objection_id BLOB NOT NULL,
    kind         TEXT NOT NULL DEFAULT 'comment'
                 CHECK (kind IN ('comment', 'answered', 'resolved', 'closed', 'paused', 'resumed')),
    body         TEXT NOT NULL,
    author_id    BLOB,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, objection_id) REFERENCES objections (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, author_id) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX objection_comments_objection ON objection_comments (company_id, objection_id, created_at);

-- Photos of both kinds of ticket (objection evidence, proof of delivery); stored like
-- customer photos and served only to users who may see the ticket's customer.
CREATE TABLE ticket_photos (
    company_id   BLOB    NOT NULL,
    id           BLOB    NOT NULL,
    ticket_kind  TEXT    NOT NULL CHECK (ticket_kind IN ('objection', 'delivery')),
    ticket_id    BLOB    NOT NULL,
    content_type TEXT    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0),
    uploaded_by  BLOB,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, uploaded_by) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX ticket_photos_ticket ON ticket_photos (company_id, ticket_kind, ticket_id);
