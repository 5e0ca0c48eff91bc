-- Counts (盘点) at stores with more than one till. A count's figure includes the sales
-- every till of the store rang up before it, also those that reach head office only
-- afterwards. So head office posts counted less its own stock as of the count's moment
-- (not the counting till's view), and a document created before the latest count of a
-- store, SKU and lot that arrives after it moves no stock there (src/ingest/counts.rs).

-- The latest count per store, SKU and lot ('' for no lot): its moment on the till.
CREATE TABLE stock_counts (
    store_id    text        NOT NULL,
    sku         text        NOT NULL,
    lot_no      text        NOT NULL,
    counted_at  timestamptz NOT NULL,
    document_id uuid        NOT NULL,
    PRIMARY KEY (store_id, sku, lot_no)
);
-- Every stock batch asks for the store's counts later than its earliest document.
CREATE INDEX stock_counts_by_moment ON stock_counts (store_id, counted_at);

-- What each count line posted at head office, beside what the till saw: `posted` is
-- counted less head office's stock as of the count; NULL when a later count of the
-- same stock had already arrived (that one stands).
CREATE TABLE count_postings (
    document_id   uuid        NOT NULL,
    store_id      text        NOT NULL,
    sku           text        NOT NULL,
    lot_no        text        NOT NULL,
    counted_at    timestamptz NOT NULL,
    counted       bigint      NOT NULL,
    till_expected bigint      NOT NULL,
    posted        bigint,
    PRIMARY KEY (document_id, sku, lot_no)
);

-- Stock moves left out because a count taken after the document was created already
-- holds them: the document, the stock, the move, and the count that covers it.
CREATE TABLE count_covered_moves (
    document_id       uuid   NOT NULL,
    store_id          text   NOT NULL,
    sku               text   NOT NULL,
    lot_no            text   NOT NULL,
    quantity          bigint NOT NULL,
    count_document_id uuid   NOT NULL,
    PRIMARY KEY (document_id, sku, lot_no)
);

-- A count finds the documents of its store created after it that head office already
-- has.
CREATE INDEX documents_by_store_created ON documents (store_id, created_at);
