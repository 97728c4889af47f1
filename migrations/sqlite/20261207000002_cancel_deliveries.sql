-- Cancelling an order no longer deletes its delivery ticket: the ticket is marked
-- cancelled (when), leaves every open list and the overdue job, and keeps its driver,
-- photos and any breach recorded before — the service standard's history does not change
-- because an order was cancelled. A cancelled delivery counts in compliance only if it
-- was already breached.
ALTER TABLE deliveries ADD COLUMN cancelled_at TEXT CHECK (cancelled_at IS NULL OR delivered_at IS NULL);
