-- A SKU's day and month rows are kept per category its sale lines carried, so a product
-- moved to another category counts under the old one before the move and the new one
-- after (returns carry no category: their rows have the empty one). The rows are
-- rebuilt from the documents in the same transaction (db::migrate).
ALTER TABLE sales_by_sku_day
    DROP CONSTRAINT sales_by_sku_day_pkey,
    ADD PRIMARY KEY (scope, period, sku, category);
ALTER TABLE sales_by_sku_month
    DROP CONSTRAINT sales_by_sku_month_pkey,
    ADD PRIMARY KEY (scope, period, sku, category);

-- Ingest queues a batch's document ids, not its worked-out tally: the tally is worked
-- out from the stored documents when the queue is folded, off the till's request. The
-- queue's old rows are dropped: the rebuild that follows counts their documents.
TRUNCATE sales_tally_queue;
ALTER TABLE sales_tally_queue
    DROP COLUMN tally,
    ADD COLUMN document_ids uuid[] NOT NULL;
