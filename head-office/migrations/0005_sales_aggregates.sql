-- Sales figures kept up to date from ingest, so the console's dashboard and reports read a
-- few thousand rows, never the raw lines. Ingest queues each batch's tally in the
-- transaction that stores its documents (`sales_tally_queue`); folding adds the queue to
-- the tables (every second in `serve`, and before a page reads).
-- Every sale, return and void counts in the bucket of its own business date (and hour of
-- the chain's day, UTC+8): a void subtracts its sale's lines on the day it was voided.
-- `scope` is a store id, or '' for the whole chain (the chain's rows keep chain-wide
-- reports over a year to a few thousand rows). The rows are filled from the documents
-- already stored by `aggregates::rebuild`, which the migration runner calls after this.

CREATE TABLE sales_by_store_hour (
    store_id        text     NOT NULL,
    business_date   date     NOT NULL,
    hour            smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
    sales_count     bigint   NOT NULL,
    sales_amount    numeric  NOT NULL,
    returns_count   bigint   NOT NULL,
    returns_amount  numeric  NOT NULL,
    voids_count     bigint   NOT NULL,
    voids_amount    numeric  NOT NULL,
    discount_amount numeric  NOT NULL,
    PRIMARY KEY (store_id, business_date, hour)
);
CREATE INDEX sales_by_store_hour_by_date ON sales_by_store_hour (business_date);

CREATE TABLE sales_by_store_day (
    store_id        text    NOT NULL,
    business_date   date    NOT NULL,
    sales_count     bigint  NOT NULL,
    sales_amount    numeric NOT NULL,
    returns_count   bigint  NOT NULL,
    returns_amount  numeric NOT NULL,
    voids_count     bigint  NOT NULL,
    voids_amount    numeric NOT NULL,
    discount_amount numeric NOT NULL,
    PRIMARY KEY (store_id, business_date)
);
CREATE INDEX sales_by_store_day_by_date ON sales_by_store_day (business_date);

-- Per SKU: quantity and amount sold net of voids; returns apart. `period` is the
-- business date (day table) or the first day of its month (month table).
CREATE TABLE sales_by_sku_day (
    scope             text    NOT NULL,
    period            date    NOT NULL,
    sku               text    NOT NULL,
    category          text    NOT NULL,
    quantity          bigint  NOT NULL,
    amount            numeric NOT NULL,
    discount          numeric NOT NULL,
    returned_quantity bigint  NOT NULL,
    returned_amount   numeric NOT NULL,
    PRIMARY KEY (scope, period, sku)
);
CREATE TABLE sales_by_sku_month (LIKE sales_by_sku_day INCLUDING ALL);

-- Per promotion: the discount it gave and the sales of the lines it applied to.
CREATE TABLE sales_by_promotion_day (
    scope         text    NOT NULL,
    business_date date    NOT NULL,
    promotion_id  text    NOT NULL,
    lines         bigint  NOT NULL,
    quantity      bigint  NOT NULL,
    discount      numeric NOT NULL,
    sales_amount  numeric NOT NULL,
    PRIMARY KEY (scope, business_date, promotion_id)
);

-- Batches' tallies not yet added to the tables above (`aggregates::enqueue`, `fold`):
-- one row per batch, so ingest never waits on another batch's aggregate rows.
CREATE TABLE sales_tally_queue (
    id    bigserial PRIMARY KEY,
    tally json      NOT NULL
);
