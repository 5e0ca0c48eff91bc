-- When each store's stock began to have a history: its opening balance (the catalog
-- file's stock and serial rows, `head-office import --store`) or the first accepted
-- document that moved its stock. Stock at head office is the sum of the store's
-- documents on top of that one opening balance, so an import's stock rows are taken
-- only for a store without a row here, never as an overwrite. Ingest and the import
-- both insert the store's row before they touch its stock: whichever commits first
-- starts the history, and the other waits for it on the key.
CREATE TABLE stock_histories (
    store_id    text        PRIMARY KEY,
    started_at  timestamptz NOT NULL DEFAULT now(),
    -- 'opening_balance', or the kind of the document that started it.
    started_by  text        NOT NULL,
    document_id uuid,
    CHECK ((started_by = 'opening_balance') = (document_id IS NULL))
);

-- Stores with a history already: those with documents that move stock, then those whose
-- stock or serials an earlier import set (their opening balance).
INSERT INTO stock_histories (store_id, started_at, started_by, document_id)
SELECT DISTINCT ON (store_id) store_id, received_at, kind, id
FROM documents
WHERE kind IN ('sale', 'return', 'void', 'goods_receipt', 'write_off', 'stocktake')
ORDER BY store_id, received_at, id;
INSERT INTO stock_histories (store_id, started_by)
SELECT store_id, 'opening_balance' FROM stock
UNION
SELECT store_id, 'opening_balance' FROM serials
ON CONFLICT (store_id) DO NOTHING;
