-- The document numbers (单据编号) sales imports brought, once each. A line whose document
-- is already here came with an earlier import and is refused, so importing an ERP export
-- that overlaps the last one cannot double the ledger. One row per document, not a
-- column of sales_lines: an index there would cost a B-tree insert per line.
CREATE TABLE sales_documents (
    company_id  BLOB NOT NULL,
    document_no TEXT NOT NULL CHECK (length(document_no) BETWEEN 1 AND 64),
    batch_id    BLOB NOT NULL,
    PRIMARY KEY (company_id, document_no),
    FOREIGN KEY (company_id, batch_id) REFERENCES sales_batches (company_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX sales_documents_batch ON sales_documents (company_id, batch_id);
