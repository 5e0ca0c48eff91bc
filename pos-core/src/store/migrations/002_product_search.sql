-- Substring search over names, pinyin initials and SKUs without scanning the whole
-- catalog: an FTS5 trigram index kept in step with `product` by triggers. Queries of
-- three characters or more use it; shorter ones fall back to a scan.
CREATE VIRTUAL TABLE product_search USING fts5(
    name, pinyin, sku,
    content = 'product', content_rowid = 'rowid', tokenize = 'trigram'
);

CREATE TRIGGER product_search_insert AFTER INSERT ON product BEGIN
    INSERT INTO product_search (rowid, name, pinyin, sku) VALUES (new.rowid, new.name, new.pinyin, new.sku);
END;
CREATE TRIGGER product_search_delete AFTER DELETE ON product BEGIN
    INSERT INTO product_search (product_search, rowid, name, pinyin, sku)
    VALUES ('delete', old.rowid, old.name, old.pinyin, old.sku);
END;
CREATE TRIGGER product_search_update AFTER UPDATE OF name, pinyin, sku ON product BEGIN
    INSERT INTO product_search (product_search, rowid, name, pinyin, sku)
    VALUES ('delete', old.rowid, old.name, old.pinyin, old.sku);
    INSERT INTO product_search (rowid, name, pinyin, sku) VALUES (new.rowid, new.name, new.pinyin, new.sku);
END;

INSERT INTO product_search (product_search) VALUES ('rebuild');
