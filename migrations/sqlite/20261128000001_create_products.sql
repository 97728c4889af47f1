-- The product catalogue (商品): what sales lines refer to. Prices are integer fen; the
-- price floor (最低限价) is what channel discipline later checks sales prices against.
CREATE TABLE products (
    company_id  BLOB    NOT NULL REFERENCES companies (id),
    id          BLOB    NOT NULL,
    -- 商品编码: the key ERPs and imports use.
    sku         TEXT    NOT NULL CHECK (length(sku) BETWEEN 1 AND 32),
    name        TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    category    TEXT,
    unit        TEXT,
    list_price  INTEGER CHECK (list_price >= 0),
    price_floor INTEGER CHECK (price_floor >= 0),
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, sku),
    CHECK (price_floor IS NULL OR list_price IS NULL OR price_floor <= list_price)
) STRICT;
CREATE INDEX products_name ON products (company_id, name);
