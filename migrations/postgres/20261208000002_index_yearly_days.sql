-- Reminders and the dashboard's birthdays read only the customers whose birthday or
-- opening date falls on one of the coming days (server::db::visits::plan, `within`):
-- the month-day of the stored YYYY-MM-DD, indexed, instead of every customer's row.
-- The month-day comes first: an index led by company_id, with no statistics yet, looks
-- to SQLite's planner like the best way to read "all of a company's customers" and
-- slowed every such query tenfold.
CREATE INDEX customers_birthday_day ON customers (substr(birthday, 6, 5), company_id)
    WHERE personal_consent = TRUE;
CREATE INDEX customers_opened_day ON customers (substr(opened_on, 6, 5), company_id);
