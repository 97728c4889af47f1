-- A company is one distributor (tenant). A single install serves one, but every business
-- table carries company_id first in its keys so the schema can be distributed by company
-- later (PostgreSQL / Citus) without a rewrite.
-- Ids are UUIDs stored as 16-byte BLOBs (sqlx's SQLite encoding of uuid::Uuid); times are
-- UTC, RFC 3339 text for humans reading the file, unix seconds where SQL compares them.
CREATE TABLE companies (
    id          BLOB    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    -- IANA time zone used for "today", reports and SLA clocks.
    time_zone   TEXT    NOT NULL DEFAULT 'Asia/Shanghai',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;
