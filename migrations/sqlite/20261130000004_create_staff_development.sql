-- Staff development (Pillar 1): training records, the skills matrix and improvement
-- suggestions. Hours in tenths so sums stay exact.
CREATE TABLE trainings (
    company_id  BLOB    NOT NULL,
    id          BLOB    NOT NULL,
    employee_id BLOB    NOT NULL,
    day         TEXT    NOT NULL,
    topic       TEXT    NOT NULL CHECK (length(trim(topic)) > 0),
    tenths      INTEGER NOT NULL CHECK (tenths > 0),
    trainer     TEXT,
    external    INTEGER NOT NULL DEFAULT 0 CHECK (external IN (0, 1)),
    created_by  BLOB,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX trainings_employee ON trainings (company_id, employee_id, day);

CREATE TABLE employee_skills (
    company_id  BLOB    NOT NULL,
    employee_id BLOB    NOT NULL,
    skill       TEXT    NOT NULL CHECK (length(trim(skill)) > 0),
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (company_id, employee_id, skill),
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE suggestions (
    company_id  BLOB    NOT NULL,
    id          BLOB    NOT NULL,
    employee_id BLOB    NOT NULL,
    title       TEXT    NOT NULL CHECK (length(trim(title)) > 0),
    body        TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'accepted', 'done', 'declined')),
    response    TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, employee_id) REFERENCES employees (company_id, id)
) STRICT;
CREATE INDEX suggestions_status ON suggestions (company_id, status, created_at);
