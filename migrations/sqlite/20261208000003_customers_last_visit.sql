-- Each customer's last visit, kept on the customer by triggers on visits (same
-- transaction, whoever writes), so the visit plan, Today, the offline bundle and the
-- dashboard's overdue count read a column instead of looking up the visits of every
-- customer (at 111 000 customers and 190 000 visits that lookup was most of their time).
-- The plan's index carries it: the overdue count reads that index alone.
ALTER TABLE customers ADD COLUMN last_visit_at TEXT;

-- A visit is not a change of the customer: the company's customer counter (the lists'
-- in-memory index, the customer import's change check) does not move when only the
-- last visit does.
DROP TRIGGER customers_rev_update;
CREATE TRIGGER customers_rev_update AFTER UPDATE ON customers
WHEN NEW.list_rev IS OLD.list_rev AND NEW.last_visit_at IS OLD.last_visit_at BEGIN
    INSERT INTO customer_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
    UPDATE customers SET list_rev = (SELECT rev FROM customer_revisions WHERE company_id = NEW.company_id)
    WHERE company_id = NEW.company_id AND id = NEW.id;
END;

UPDATE customers SET last_visit_at = (
    SELECT max(v.checked_in_at) FROM visits v
    WHERE v.company_id = customers.company_id AND v.customer_id = customers.id)
WHERE EXISTS (SELECT 1 FROM visits v
              WHERE v.company_id = customers.company_id AND v.customer_id = customers.id);

DROP INDEX customers_visit_plan;
CREATE INDEX customers_visit_plan ON customers (status, company_id, rep_id, tier, id, last_visit_at);

CREATE TRIGGER visits_last_insert AFTER INSERT ON visits BEGIN
    UPDATE customers SET last_visit_at = NEW.checked_in_at
    WHERE company_id = NEW.company_id AND id = NEW.customer_id
      AND (last_visit_at IS NULL OR last_visit_at < NEW.checked_in_at);
END;

CREATE TRIGGER visits_last_delete AFTER DELETE ON visits BEGIN
    UPDATE customers SET last_visit_at = (
        SELECT max(v.checked_in_at) FROM visits v
        WHERE v.company_id = OLD.company_id AND v.customer_id = OLD.customer_id)
    WHERE company_id = OLD.company_id AND id = OLD.customer_id;
END;

CREATE TRIGGER visits_last_update AFTER UPDATE OF customer_id, checked_in_at ON visits BEGIN
    UPDATE customers SET last_visit_at = (
        SELECT max(v.checked_in_at) FROM visits v
        WHERE v.company_id = customers.company_id AND v.customer_id = customers.id)
    WHERE company_id = NEW.company_id AND id IN (OLD.customer_id, NEW.customer_id);
END;
