-- Each company's ticket counter moves on every change of one of its objections,
-- deliveries or objection pauses and stamps the changed ticket (clock_rev); a deletion
-- moves `deletions` too. The compliance report keeps every ticket's clock in memory by it
-- (server::tickets::clock_index). See the SQLite migration of the same name.
CREATE TABLE ticket_revisions (
    company_id UUID   NOT NULL PRIMARY KEY REFERENCES companies (id),
    rev        BIGINT NOT NULL,
    deletions  BIGINT NOT NULL DEFAULT 0
);

ALTER TABLE objections ADD COLUMN clock_rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN clock_rev BIGINT NOT NULL DEFAULT 0;
CREATE INDEX objections_clock_rev ON objections (company_id, clock_rev);
CREATE INDEX deliveries_clock_rev ON deliveries (company_id, clock_rev);

CREATE FUNCTION tickets_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_revisions AS r (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = r.rev + 1
    RETURNING r.rev INTO NEW.clock_rev;
    RETURN NEW;
END $$;

CREATE FUNCTION tickets_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_revisions AS r (company_id, rev, deletions) VALUES (OLD.company_id, 1, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = r.rev + 1, deletions = r.deletions + 1;
    RETURN OLD;
END $$;

CREATE TRIGGER objections_clock_insert BEFORE INSERT ON objections
FOR EACH ROW EXECUTE FUNCTION tickets_stamp();
CREATE TRIGGER objections_clock_update BEFORE UPDATE ON objections
FOR EACH ROW WHEN (NEW.clock_rev IS NOT DISTINCT FROM OLD.clock_rev) EXECUTE FUNCTION tickets_stamp();
CREATE TRIGGER objections_clock_delete AFTER DELETE ON objections
FOR EACH ROW EXECUTE FUNCTION tickets_deleted();

CREATE TRIGGER deliveries_clock_insert BEFORE INSERT ON deliveries
FOR EACH ROW EXECUTE FUNCTION tickets_stamp();
CREATE TRIGGER deliveries_clock_update BEFORE UPDATE ON deliveries
FOR EACH ROW WHEN (NEW.clock_rev IS NOT DISTINCT FROM OLD.clock_rev) EXECUTE FUNCTION tickets_stamp();
CREATE TRIGGER deliveries_clock_delete AFTER DELETE ON deliveries
FOR EACH ROW EXECUTE FUNCTION tickets_deleted();

-- A pause is part of its objection's clock: writing one stamps the objection (through
-- its update trigger above).
CREATE FUNCTION objection_pauses_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE objections SET clock_rev = clock_rev
        WHERE company_id = OLD.company_id AND id = OLD.objection_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE objections SET clock_rev = clock_rev
        WHERE company_id = NEW.company_id AND id = NEW.objection_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER objection_pauses_clock AFTER INSERT OR UPDATE OR DELETE ON objection_pauses
FOR EACH ROW EXECUTE FUNCTION objection_pauses_stamp();
