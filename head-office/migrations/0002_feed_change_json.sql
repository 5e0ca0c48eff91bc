-- Feed changes are kept as text (json, not jsonb), like documents: a feed page is
-- written by splicing the stored texts, never decoded, so jsonb's parsed form only cost
-- a conversion per row and per page. Rows written before keep jsonb's printing of them
-- (keys sorted, spaces), which is the same JSON.
ALTER TABLE feed ALTER COLUMN change TYPE json USING change::json;
