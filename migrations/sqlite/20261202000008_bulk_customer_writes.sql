-- Bulk customer writes (an import of 100 000 rows) cost what each row costs SQLite: a
-- trigger run and an entry in every index. Measured on such an import (make bench), the
-- write held the lock 14.7 s before this migration, time-ordered ids (UUIDv7, appended
-- at the end of the primary key instead of scattered through it) and mimalloc; 10.6 s
-- after. sqlite3 alone inserting the same rows: 7.3 s before, 3.9 s after.

-- A multi-row insert that stamps its rows itself (list_rev set, the company's counter
-- moved once for the statement: db::customers::insert_many) skips the per-row trigger.
-- Every other insert leaves list_rev at its default 0 and is stamped as before.
DROP TRIGGER customers_rev_insert;
CREATE TRIGGER customers_rev_insert AFTER INSERT ON customers
WHEN NEW.list_rev = 0 BEGIN
    INSERT INTO customer_revisions (company_id, rev) VALUES (NEW.company_id, 1)
    ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1;
    UPDATE customers SET list_rev = (SELECT rev FROM customer_revisions WHERE company_id = NEW.company_id)
    WHERE company_id = NEW.company_id AND id = NEW.id;
END;

-- Duplicates (same licence number, same name and phone) are found in memory
-- (server::customers::Directory, loaded whole for every check); no query reads these.
DROP INDEX customers_name_phone;
DROP INDEX customers_licence;

-- Only the sub-distributor pickers read customers by kind in SQL (lists filter on kind
-- in memory, server::search_index): an index of the sub-distributors alone, not of
-- every terminal.
DROP INDEX customers_kind_name;
CREATE INDEX customers_sub_distributors ON customers (company_id, name)
WHERE kind = 'sub_distributor';
