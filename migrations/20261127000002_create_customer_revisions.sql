-- A counter per company that moves with every insert, update or delete of a customer,
-- in the same transaction as the change (triggers), whoever makes it: the web app,
-- an import, the command line. The server keeps an in-memory search index of the
-- customer list and trusts it only while this counter is unchanged
-- (server::search_index), so it can never serve a list older than the database.
CREATE TABLE customer_revisions (
    company_id BLOB    NOT NULL PRIMARY KEY REFERENCES companies (id),
    rev        INTEGER NOT NULL
) STRICT;

CREATE TRIGGER customers_rev_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
END;

CREATE TRIGGER customers_rev_update AFTER UPDATE ON customers BEGIN
    INSERT INTO customer_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
END;

CREATE TRIGGER customers_rev_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customer_revisions (company_id, rev) VALUES (OLD.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
END;
