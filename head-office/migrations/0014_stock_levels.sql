-- A store's own minimum (safety stock) and maximum (order-up-to level) for a SKU, set in
-- the console; where a store has none, replenishment takes the product's safety stock
-- and works the maximum out of the store's sales (src/replenishment.rs).
CREATE TABLE stock_levels (
    store_id   text        NOT NULL,
    sku        text        NOT NULL,
    min_qty    bigint      CHECK (min_qty >= 0),
    max_qty    bigint      CHECK (max_qty >= 0),
    set_by     text        NOT NULL,
    set_at     timestamptz NOT NULL,
    PRIMARY KEY (store_id, sku),
    CHECK (max_qty IS NULL OR min_qty IS NULL OR max_qty >= min_qty)
);
