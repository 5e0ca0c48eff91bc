-- What a goods receipt (收货入库) found against its delivery note: one row per line whose
-- shortage (announced, not received) or excess (received, not announced) is not zero,
-- written in ingest's transaction with the receipt, so head office can report and
-- settle them with the supplier. `expected` is NULL when nothing was announced for the
-- line (then all of it is excess). Shortage and excess are the domain's
-- (`ReceiptLine::shortage`, `excess`), kept as they were worked out.
CREATE TABLE receipt_discrepancies (
    document_id   uuid    NOT NULL REFERENCES documents (id),
    line_no       integer NOT NULL CHECK (line_no >= 1),
    store_id      text    NOT NULL,
    reference     text    NOT NULL,
    supplier      text    NOT NULL,
    sku           text    NOT NULL,
    lot_no        text    NOT NULL DEFAULT '',
    expected      bigint  CHECK (expected >= 0),
    received      bigint  NOT NULL CHECK (received >= 0),
    shortage      bigint  NOT NULL CHECK (shortage >= 0),
    excess        bigint  NOT NULL CHECK (excess >= 0),
    business_date date    NOT NULL,
    PRIMARY KEY (document_id, line_no),
    CHECK (shortage > 0 OR excess > 0)
);
-- The report asks by date, for one store or all.
CREATE INDEX receipt_discrepancies_by_date ON receipt_discrepancies (business_date, store_id);
CREATE INDEX receipt_discrepancies_by_store ON receipt_discrepancies (store_id, business_date);
