-- Where each lot and serial went (追溯): a row per document line that moved a lot or a
-- serial unit, filled when the queue is folded (ingest queues stock documents too now)
-- and by the rebuild the migration runner calls after this one. A recall list of a lot
-- is one read of (sku, lot_no); a serial's life one read of (sku, serial).
CREATE TABLE lot_trace (
    sku           text   NOT NULL,
    lot_no        text   NOT NULL,
    serial        text,
    store_id      text   NOT NULL,
    document_id   uuid   NOT NULL,
    kind          text   NOT NULL,
    business_date date   NOT NULL,
    quantity      bigint NOT NULL,
    member_id     text
);
CREATE INDEX lot_trace_by_lot ON lot_trace (sku, lot_no, business_date);
CREATE INDEX lot_trace_by_serial ON lot_trace (sku, serial) WHERE serial IS NOT NULL;
