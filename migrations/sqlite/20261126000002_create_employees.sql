-- Employees are the users of the app (Pillar 1: staff are the first customer).
CREATE TABLE employees (
    company_id     BLOB    NOT NULL REFERENCES companies (id),
    id             BLOB    NOT NULL,
    name           TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    -- Sign-in name, stored lower-case (domain::staff::Login). Unique within the company;
    -- sign-in looks it up across companies and checks the password of each match, so a
    -- later multi-distributor install needs no global uniqueness.
    login          TEXT    NOT NULL,
    phone          TEXT,
    role           TEXT    NOT NULL CHECK (role IN ('owner', 'manager', 'rep')),
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

-- Sign-in finds candidates by login alone.
CREATE INDEX employees_login ON employees (login);
