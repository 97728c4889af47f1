-- A counter per company that moves with every insert, update or delete of a customer,
-- in the same transaction as the change (triggers), whoever makes it: the web app,
-- an import, the command line. Each inserted or updated row is stamped with the new
-- value (customers.list_rev). The server keeps an in-memory index of the customer list
-- (server::search_index) and trusts it only while this counter is unchanged; when it
-- moved, the rows stamped above the index's rev are read again — so a list is never
-- older than the database, and one edit costs one row, not the whole list.
CREATE TABLE customer_revisions (
    company_id BLOB    NOT NULL PRIMARY KEY REFERENCES companies (id),
    rev        INTEGER NOT NULL
) STRICT;

-- The stamping UPDATE changes only list_rev, which the update trigger's WHEN ignores:
-- one change, one step of the counter.
CREATE TRIGGER customers_rev_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
    UPDATE customers SET list_rev = (SELECT rev FROM customer_revisions WHERE company_id = NEW.company_id)
    WHERE company_id = NEW.company_id AND id = NEW.id;
END;

CREATE TRIGGER customers_rev_update AFTER UPDATE ON customers
WHEN NEW.list_rev IS OLD.list_rev BEGIN
    INSERT INTO customer_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
    UPDATE customers SET list_rev = (SELECT rev FROM customer_revisions WHERE company_id = NEW.company_id)
    WHERE company_id = NEW.company_id AND id = NEW.id;
END;

CREATE TRIGGER customers_rev_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customer_revisions (company_id, rev) VALUES (OLD.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
END;
