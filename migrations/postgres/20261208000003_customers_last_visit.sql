-- Each customer's last visit, kept on the customer by a trigger on visits (same
-- transaction, whoever writes), so the visit plan, Today, the offline bundle and the
-- dashboard's overdue count read a column instead of looking up the visits of every
-- customer. The plan's index carries it: the overdue count reads that index alone.
ALTER TABLE customers ADD COLUMN last_visit_at TIMESTAMPTZ;

-- A visit is not a change of the customer: the company's customer counter (the lists'
-- in-memory index, the customer import's change check) does not move when only the
-- last visit does, and a visit's transaction locks only its customer's row.
DROP TRIGGER customers_rev_update ON customers;
CREATE TRIGGER customers_rev_update BEFORE UPDATE ON customers
FOR EACH ROW WHEN (NEW.list_rev IS NOT DISTINCT FROM OLD.list_rev
                   AND NEW.last_visit_at IS NOT DISTINCT FROM OLD.last_visit_at)
EXECUTE FUNCTION customers_stamp();

UPDATE customers c SET last_visit_at = v.last
FROM (SELECT company_id, customer_id, max(checked_in_at) AS last FROM visits GROUP BY 1, 2) v
WHERE c.company_id = v.company_id AND c.id = v.customer_id;

DROP INDEX customers_visit_plan;
CREATE INDEX customers_visit_plan ON customers (status, company_id, rep_id, tier, id, last_visit_at);

CREATE FUNCTION visits_last() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE customers SET last_visit_at = NEW.checked_in_at
        WHERE company_id = NEW.company_id AND id = NEW.customer_id
          AND (last_visit_at IS NULL OR last_visit_at < NEW.checked_in_at);
        RETURN NULL;
    END IF;
    UPDATE customers c SET last_visit_at = (
        SELECT max(v.checked_in_at) FROM visits v
        WHERE v.company_id = c.company_id AND v.customer_id = c.id)
    WHERE c.company_id = OLD.company_id AND c.id = OLD.customer_id;
    IF TG_OP = 'UPDATE' THEN
        UPDATE customers c SET last_visit_at = (
            SELECT max(v.checked_in_at) FROM visits v
            WHERE v.company_id = c.company_id AND v.customer_id = c.id)
        WHERE c.company_id = NEW.company_id AND c.id = NEW.customer_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER visits_last AFTER INSERT OR DELETE OR UPDATE OF customer_id, checked_in_at ON visits
FOR EACH ROW EXECUTE FUNCTION visits_last();
