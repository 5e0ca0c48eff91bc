-- Transfer orders (调拨单): head office asks store A to send goods to store B. Made in the
-- console or the API by a merchandiser or admin (ordered at once), or requested by a
-- store manager for one of their stores and approved by head office. An ordered
-- transfer goes down the feed to both stores' tills; A's dispatch and B's receipt carry
-- its id, and `transfers` keeps what they moved. Cancelled only before it is dispatched.
CREATE SEQUENCE transfer_order_numbers;
CREATE TABLE transfer_orders (
    transfer_id  text        PRIMARY KEY,
    from_store   text        NOT NULL,
    to_store     text        NOT NULL CHECK (to_store <> from_store),
    -- [{sku, lot, quantity}] (pos_domain::transfer_order::OrderLine)
    lines        jsonb       NOT NULL,
    note         text        NOT NULL DEFAULT '',
    state        text        NOT NULL CHECK (state IN ('requested', 'ordered', 'cancelled')),
    requested_by text        NOT NULL,
    requested_at timestamptz NOT NULL,
    decided_by   text,
    decided_at   timestamptz
);
CREATE INDEX transfer_orders_open ON transfer_orders (state) WHERE state <> 'cancelled';

-- Head office's settlement of what arrived otherwise than announced: a goods receipt's
-- shortage or excess against its delivery note, or a transfer received short or over.
-- The stock is already what the documents say; settling records who decided what (a
-- supplier's credit note, units lost in transit written off, ...), once per subject.
CREATE TABLE discrepancy_settlements (
    kind       text        NOT NULL CHECK (kind IN ('receipt', 'transfer')),
    -- The receipt's document id, or the transfer id.
    subject    text        NOT NULL,
    settled_by text        NOT NULL,
    settled_at timestamptz NOT NULL,
    note       text        NOT NULL,
    PRIMARY KEY (kind, subject)
);
