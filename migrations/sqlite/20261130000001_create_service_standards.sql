-- Quantified service standards (Pillar 5): one row per kind and company. Durations are
-- minutes; a tier column, when set, is a stricter limit for customers of that tier.
CREATE TABLE service_standards (
    company_id         BLOB    NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('delivery', 'first_answer', 'resolution')),
    minutes            INTEGER NOT NULL CHECK (minutes > 0),
    tier_a_minutes     INTEGER CHECK (tier_a_minutes > 0 AND tier_a_minutes <= minutes),
    tier_b_minutes     INTEGER CHECK (tier_b_minutes > 0 AND tier_b_minutes <= minutes),
    tier_c_minutes     INTEGER CHECK (tier_c_minutes > 0 AND tier_c_minutes <= minutes),
    working_hours_only INTEGER NOT NULL DEFAULT 0 CHECK (working_hours_only IN (0, 1)),
    updated_by         BLOB,
    updated_at         TEXT    NOT NULL,
    PRIMARY KEY (company_id, kind),
    FOREIGN KEY (company_id) REFERENCES companies (id),
    FOREIGN KEY (company_id, updated_by) REFERENCES employees (company_id, id)
) STRICT, WITHOUT ROWID;

-- The working calendar the "working hours only" timers run on (Beijing wall-clock time).
-- Weekdays as ISO digits, '12345' = Monday to Friday.
ALTER TABLE companies ADD COLUMN work_open TEXT NOT NULL DEFAULT '09:00';
ALTER TABLE companies ADD COLUMN work_close TEXT NOT NULL DEFAULT '18:00';
ALTER TABLE companies ADD COLUMN work_weekdays TEXT NOT NULL DEFAULT '123456';

-- Public holidays (休息) and the weekend days worked instead (调休上班).
CREATE TABLE work_days (
    company_id BLOB NOT NULL,
    day        TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (company_id, day),
    FOREIGN KEY (company_id) REFERENCES companies (id)
) STRICT, WITHOUT ROWID;
