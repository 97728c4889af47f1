-- Drivers (司机, role 'driver') see only the deliveries given to them. SQLite cannot widen
-- a CHECK constraint in place, so the table is rebuilt. sqlx runs every migration inside
-- a transaction, where `PRAGMA foreign_keys = OFF` has no effect; instead the foreign-key
-- checks are deferred to the commit: dropping the table counts each row other tables
-- still point at, and putting the same keys back into the new `employees` settles them,
-- so the commit fails if any reference were lost. The drop also runs the one cascading
-- action on employees (sessions, ON DELETE CASCADE): the sessions are kept aside and put
-- back, so nobody is signed out by the upgrade. Columns, keys and index are those of
-- 20261126000002_create_employees.sql; only the role check is wider.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE employees_copy AS SELECT * FROM employees;
CREATE TEMP TABLE sessions_copy AS SELECT * FROM sessions;
DROP TABLE employees;
CREATE TABLE employees (
    company_id     BLOB    NOT NULL REFERENCES companies (id),
    id             BLOB    NOT NULL,
    name           TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    -- Sign-in name, stored lower-case (domain::staff::Login), unique within the company.
    login          TEXT    NOT NULL,
    phone          TEXT,
    role           TEXT    NOT NULL CHECK (role IN ('owner', 'manager', 'rep', 'driver')),
    territory      TEXT,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Argon2id PHC string; never leaves the server.
    password_hash  TEXT    NOT NULL,
    hire_date      TEXT,
    -- Optimistic locking: an edit names the version it started from.
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, login)
) STRICT;
INSERT INTO employees
    (company_id, id, name, login, phone, role, territory, active, password_hash, hire_date,
     version, created_at, updated_at)
SELECT company_id, id, name, login, phone, role, territory, active, password_hash, hire_date,
       version, created_at, updated_at
FROM employees_copy;
DROP TABLE employees_copy;
INSERT INTO sessions SELECT * FROM sessions_copy;
DROP TABLE sessions_copy;
-- Sign-in finds candidates by login alone.
CREATE INDEX employees_login ON employees (login);
