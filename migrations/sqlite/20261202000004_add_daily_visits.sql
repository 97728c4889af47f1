-- How many visits a rep can make in a day: Today's plan never holds more, and moves the
-- rest to the next working days (domain::visits::schedule). Set by the owner.
ALTER TABLE companies ADD COLUMN daily_visits INTEGER NOT NULL DEFAULT 20
    CHECK (daily_visits BETWEEN 1 AND 60);
