-- Reminders and the dashboard's birthdays read only the customers whose birthday or
-- opening date falls on one of the coming days (server::db::visits::plan, `within`):
-- the month-day of the stored YYYY-MM-DD, indexed, instead of every customer's row.
CREATE INDEX customers_birthday_day ON customers (company_id, substr(birthday, 6, 5))
    WHERE personal_consent = TRUE;
CREATE INDEX customers_opened_day ON customers (company_id, substr(opened_on, 6, 5));
