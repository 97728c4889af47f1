-- Dashboard and board counts: unfinished objections (not resolved) and breaches by day.
-- (objections_open leads with closed_at, which "open" — not yet resolved — cannot use.)
CREATE INDEX objections_unresolved ON objections (company_id, resolved_at);
CREATE INDEX objections_breached ON objections (company_id, breached_at);
CREATE INDEX deliveries_breached ON deliveries (company_id, breached_at);
-- Reports read tickets raised since a date.
CREATE INDEX objections_opened ON objections (company_id, opened_at);
CREATE INDEX deliveries_ordered ON deliveries (company_id, ordered_at);
