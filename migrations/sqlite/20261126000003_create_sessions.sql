-- Server-side sessions. The cookie holds a random 256-bit token; only its SHA-256 is
-- stored, so a copy of the database cannot be used to sign in.
-- A session is found by its token before the company is known, so the token hash alone is
-- the primary key (in a distributed setup this stays a small local table, not a
-- company-distributed one). Deactivating an employee deletes their rows at once.
CREATE TABLE sessions (
    id            BLOB    NOT NULL PRIMARY KEY,
    company_id    BLOB    NOT NULL,
    employee_id   BLOB    NOT NULL,
    created_at    INTEGER NOT NULL,   -- unix seconds, UTC
    last_seen_at  INTEGER NOT NULL,   -- unix seconds, UTC
    expires_at    INTEGER NOT NULL,   -- unix seconds, UTC; sliding
    user_agent    TEXT,
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX sessions_employee ON sessions (company_id, employee_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
