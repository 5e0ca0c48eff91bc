-- Transfers between stores (调拨): each transfer's dispatch by one store and receipt by
-- the other, as ingest accepts them. In transit: dispatched, not yet received. A receipt
-- may arrive before its dispatch is known (the sending till was offline); the row then
-- waits for it. Each side is one document: a second one is rejected by ingest.
CREATE TABLE transfers (
    transfer_id       text  PRIMARY KEY,
    from_store        text  NOT NULL,
    to_store          text  NOT NULL,
    dispatch_document uuid  UNIQUE,
    dispatched_on     date,
    -- The dispatch's lines: [{sku, lot, expiry_date, serials, quantity}].
    dispatched_lines  jsonb,
    receipt_document  uuid  UNIQUE,
    received_on       date,
    -- The receipt's lines: the same, with `expected`.
    received_lines    jsonb
);
CREATE INDEX transfers_in_transit ON transfers (to_store)
    WHERE dispatch_document IS NOT NULL AND receipt_document IS NULL;
