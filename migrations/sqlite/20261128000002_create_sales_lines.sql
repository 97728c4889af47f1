-- The sales ledger. One row per product per order; a return is a negative line.
-- Orders are not a table of their own: the lines of one order share `order_id` (a
-- time-ordered UUID v7, so 10 million lines append to the end of the B-tree instead of
-- landing at random pages), and its date, customer and rep.

-- Who brought lines in and how: an order typed in the app, an import file, the demo.
CREATE TABLE sales_batches (
    company_id  BLOB    NOT NULL REFERENCES companies (id),
    id          BLOB    NOT NULL,
    source      TEXT    NOT NULL CHECK (source IN ('order', 'import', 'demo')),
    file_name   TEXT,
    line_count  INTEGER NOT NULL CHECK (line_count >= 0),
    -- NULL for the command line and the demo.
    created_by  BLOB,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, created_by) REFERENCES employees (company_id, id)
) STRICT;

CREATE TABLE sales_lines (
    company_id  BLOB    NOT NULL,
    order_id    BLOB    NOT NULL,
    line_no     INTEGER NOT NULL CHECK (line_no >= 1),
    -- 'YYYY-MM-DD': text compares in date order; the accepted years are 2000–2099
    -- (domain::sales::parse_order_date).
    order_date  TEXT    NOT NULL CHECK (length(order_date) = 10 AND order_date BETWEEN '2000-01-01' AND '2099-12-31'),
    customer_id BLOB    NOT NULL,
    product_id  BLOB    NOT NULL,
    -- The rep credited with the sale (the customer's rep unless the file names another).
    rep_id      BLOB,
    quantity    INTEGER NOT NULL CHECK (quantity <> 0),
    -- fen; gross profit = amount − cost
    amount      INTEGER NOT NULL,
    cost        INTEGER NOT NULL,
    batch_id    BLOB    NOT NULL,
    PRIMARY KEY (company_id, order_id, line_no),
    CHECK ((quantity > 0 AND amount >= 0 AND cost >= 0) OR (quantity < 0 AND amount <= 0 AND cost <= 0)),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, product_id) REFERENCES products (company_id, id),
    FOREIGN KEY (company_id, rep_id) REFERENCES employees (company_id, id),
    FOREIGN KEY (company_id, batch_id) REFERENCES sales_batches (company_id, id)
) STRICT, WITHOUT ROWID;
-- Day ranges that are not whole months (a classification from the 15th), the ledger list.
-- Covering (customer and figures included), so summing the loose days of a period reads
-- the index alone instead of one table lookup per line. The only secondary index: at 10
-- million lines each index costs a B-tree insert per line; a customer's figures come from
-- the monthly rollups instead.
CREATE INDEX sales_lines_date ON sales_lines (company_id, order_date, customer_id, amount, cost, quantity);
