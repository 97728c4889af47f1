-- The handbook (手册): the owner's own text (visit procedure, channel rules, foreword) is
-- a draft; publishing compiles it with the standards and tier policies in force into an
-- immutable numbered edition. Employees acknowledge the current edition.
CREATE TABLE handbook_drafts (
    company_id      BLOB NOT NULL PRIMARY KEY,
    foreword        TEXT NOT NULL DEFAULT '',
    visit_procedure TEXT NOT NULL DEFAULT '',
    channel_rules   TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    updated_by      BLOB,
    updated_at      TEXT NOT NULL,
    FOREIGN KEY (company_id) REFERENCES companies (id),
    FOREIGN KEY (company_id, updated_by) REFERENCES employees (company_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE handbook_editions (
    company_id   BLOB    NOT NULL,
    number       INTEGER NOT NULL CHECK (number > 0),
    -- the compiled content as JSON (domain::handbook::Handbook)
    content      TEXT    NOT NULL,
    published_by BLOB,
    published_at TEXT    NOT NULL,
    PRIMARY KEY (company_id, number),
    FOREIGN KEY (company_id) REFERENCES companies (id),
    FOREIGN KEY (company_id, published_by) REFERENCES employees (company_id, id)
) STRICT, WITHOUT ROWID;

-- An edition, once published, never changes: the database refuses it too.
CREATE TRIGGER handbook_editions_immutable BEFORE UPDATE ON handbook_editions
BEGIN
    SELECT RAISE(ABORT, 'published handbook editions are immutable');
END;
CREATE TRIGGER handbook_editions_undeletable BEFORE DELETE ON handbook_editions
BEGIN
    SELECT RAISE(ABORT, 'published handbook editions are immutable');
END;

CREATE TABLE handbook_acknowledgements (
    company_id      BLOB    NOT NULL,
    number          INTEGER NOT NULL,
    employee_id     BLOB    NOT NULL,
    acknowledged_at TEXT    NOT NULL,
    PRIMARY KEY (company_id, number, employee_id),
    FOREIGN KEY (company_id, number) REFERENCES handbook_editions (company_id, number),
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id)
) STRICT, WITHOUT ROWID;
