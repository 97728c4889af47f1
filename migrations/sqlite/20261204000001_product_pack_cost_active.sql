-- Products gain what orders need (issue 19): the pack (件装数, e.g. 24 瓶 to a 箱: the
-- product's unit is the case, `pack_size` pieces of `piece_unit` each), the cost price
-- (成本价, fen) that a confirmed order's lines take their cost from, and whether the
-- product is still sold (停售 products stay in the ledger and the lists, but take no new
-- order). Existing products keep selling, with no pack and no cost price until set.
ALTER TABLE products ADD COLUMN pack_size INTEGER CHECK (pack_size BETWEEN 1 AND 10000);
ALTER TABLE products ADD COLUMN piece_unit TEXT CHECK (piece_unit IS NULL OR pack_size IS NOT NULL);
ALTER TABLE products ADD COLUMN cost_price INTEGER CHECK (cost_price >= 0);
ALTER TABLE products ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
