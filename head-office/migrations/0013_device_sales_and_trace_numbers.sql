-- 医疗器械销售记录: a row per sale, return or void line of a class II or III device,
-- quantity negative for returns and voids. The catalog's fields (class, model/spec,
-- registration number when the line has none, manufacturer and its licence or filing
-- number, a lot's expiry when the line has none) are taken when the line is folded and
-- kept: a later edit of the product does not rewrite the record, and the rebuild
-- recomputes what the documents say while keeping them. Filled when the aggregates
-- queue is folded and by the rebuild the migration runner calls after this one.
CREATE TABLE device_sales (
    document_id          uuid    NOT NULL,
    line_no              integer NOT NULL,
    kind                 text    NOT NULL,
    store_id             text    NOT NULL,
    business_date        date    NOT NULL,
    sku                  text    NOT NULL,
    name                 text    NOT NULL,
    device_class         text    NOT NULL,
    model_spec           text,
    registration_no      text,
    quantity             bigint  NOT NULL,
    unit_price           numeric NOT NULL,
    lot_no               text,
    serial               text,
    expiry_date          date,
    manufacturer         text,
    manufacturer_licence text,
    member_id            text,
    PRIMARY KEY (document_id, line_no)
);
CREATE INDEX device_sales_by_date ON device_sales (business_date, store_id);

-- A serial's life asked without its SKU (GET /v1/trace/serial?serial=).
CREATE INDEX lot_trace_by_serial_alone ON lot_trace (serial) WHERE serial IS NOT NULL;

-- Each movement keeps its document's number (till and sequence), so a recall list of a
-- lot sold in every store reads no document: the rebuild after this migration fills
-- them for the movements already traced.
ALTER TABLE lot_trace ADD COLUMN terminal_id text NOT NULL DEFAULT '',
                      ADD COLUMN sequence bigint NOT NULL DEFAULT 0;
