-- A driver's list ("my deliveries"): their open deliveries and those delivered this week.
CREATE INDEX deliveries_driver ON deliveries (company_id, driver_id, delivered_at);
