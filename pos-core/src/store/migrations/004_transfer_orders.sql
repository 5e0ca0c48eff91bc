-- Transfer orders (调拨单) head office sent down the feed that name this store as sender
-- or receiver, in their latest state. The till's own dispatch and receipt documents say
-- what it did; this says what was asked, so the manager's screens can offer the open
-- ones and a cancelled order is not dispatched.
CREATE TABLE transfer_order (
    transfer_id TEXT PRIMARY KEY,
    from_store  TEXT NOT NULL,
    to_store    TEXT NOT NULL,
    state       TEXT NOT NULL,
    -- The order as head office sent it (pos_domain::transfer_order::TransferOrder).
    body        TEXT NOT NULL
) STRICT;
