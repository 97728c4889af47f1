-- Delivery from the order (issue 19): confirming an order opens its delivery ticket
-- (order_ref = the order's number; the service standard's timer starts at the
-- confirmation), and recording that delivery — by the driver or the office — delivers the
-- order and issues its invoice. A delivery opened by hand has no order. (SQLite cannot add
-- a two-column foreign key to a table; the writers set it from the order they hold.)
ALTER TABLE deliveries ADD COLUMN order_id BLOB;
CREATE UNIQUE INDEX deliveries_order ON deliveries (company_id, order_id) WHERE order_id IS NOT NULL;
