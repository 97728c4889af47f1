-- The compliance report runs the timers of every ticket of up to two years through the
-- working-hours rules; at 100 000 tickets reading and running them took half a second.
-- The server keeps each ticket's clock and decided outcome in memory instead
-- (server::tickets::clock_index) and trusts that copy only while this counter is
-- unchanged. Like customer_revisions: every insert or update of a ticket, in the same
-- transaction and whoever makes it, moves its company's counter and stamps the row with it
-- (clock_rev), so a moved counter costs a read of the stamped rows alone. A deletion
-- cannot be patched in: it moves `deletions` too, and the copy is read again whole.
CREATE TABLE ticket_revisions (
    company_id BLOB    NOT NULL PRIMARY KEY REFERENCES companies (id),
    rev        INTEGER NOT NULL,
    deletions  INTEGER NOT NULL DEFAULT 0
) STRICT;

ALTER TABLE objections ADD COLUMN clock_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN clock_rev INTEGER NOT NULL DEFAULT 0;
CREATE INDEX objections_clock_rev ON objections (company_id, clock_rev);
CREATE INDEX deliveries_clock_rev ON deliveries (company_id, clock_rev);

-- The stamping UPDATE changes clock_rev, which the update trigger's WHEN ignores: one
-- change, one step of the counter.
CREATE TRIGGER objections_clock_insert AFTER INSERT ON objections BEGIN
    INSERT INTO ticket_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
    UPDATE objections SET clock_rev = (SELECT rev FROM ticket_revisions WHERE company_id = NEW.company_id)
    WHERE company_id = NEW.company_id AND id = NEW.id;
END;

CREATE TRIGGER objections_clock_update AFTER UPDATE ON objections
WHEN NEW.clock_rev IS OLD.clock_rev BEGIN
    INSERT INTO ticket_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
    UPDATE objections SET clock_rev = (SELECT rev FROM ticket_revisions WHERE company_id = NEW.company_id)
    WHERE company_id = NEW.company_id AND id = NEW.id;
END;

CREATE TRIGGER objections_clock_delete AFTER DELETE ON objections BEGIN
    INSERT INTO ticket_revisions (company_id, rev, deletions) VALUES (OLD.company_id, 1, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1, deletions = deletions + 1;
END;

CREATE TRIGGER deliveries_clock_insert AFTER INSERT ON deliveries BEGIN
    INSERT INTO ticket_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
    UPDATE deliveries SET clock_rev = (SELECT rev FROM ticket_revisions WHERE company_id = NEW.company_id)
    WHERE company_id = NEW.company_id AND id = NEW.id;
END;

CREATE TRIGGER deliveries_clock_update AFTER UPDATE ON deliveries
WHEN NEW.clock_rev IS OLD.clock_rev BEGIN
    INSERT INTO ticket_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
    UPDATE deliveries SET clock_rev = (SELECT rev FROM ticket_revisions WHERE company_id = NEW.company_id)
    WHERE company_id = NEW.company_id AND id = NEW.id;
END;

CREATE TRIGGER deliveries_clock_delete AFTER DELETE ON deliveries BEGIN
    INSERT INTO ticket_revisions (company_id, rev, deletions) VALUES (OLD.company_id, 1, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1, deletions = deletions + 1;
END;

-- A pause is part of its objection's clock: writing one stamps the objection (through
-- its update trigger above).
CREATE TRIGGER objection_pauses_clock_insert AFTER INSERT ON objection_pauses BEGIN
    UPDATE objections SET clock_rev = clock_rev
    WHERE company_id = NEW.company_id AND id = NEW.objection_id;
END;

CREATE TRIGGER objection_pauses_clock_update AFTER UPDATE ON objection_pauses BEGIN
    UPDATE objections SET clock_rev = clock_rev
    WHERE company_id = OLD.company_id AND id IN (OLD.objection_id, NEW.objection_id);
END;

CREATE TRIGGER objection_pauses_clock_delete AFTER DELETE ON objection_pauses BEGIN
    UPDATE objections SET clock_rev = clock_rev
    WHERE company_id = OLD.company_id AND id = OLD.objection_id;
END;
