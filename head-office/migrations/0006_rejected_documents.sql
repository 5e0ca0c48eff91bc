-- What head office rejected, for the console's "Tills and sync" page: ingest answers a
-- rejection to the till and stores nothing of the document, so without this table
-- nobody at head office would know a till holds documents it refused.
-- One row per document id; a document rejected again counts another try. The row is
-- resolved when the same id is later accepted or answered as a duplicate (a void sent
-- before its sale, then both again), and opened again if rejected once more.
CREATE TABLE rejected_documents (
    document_id       uuid        PRIMARY KEY,
    store_id          text        NOT NULL,
    terminal_id       text        NOT NULL,
    -- NULL when the till's sequence does not fit (which is itself a reason to reject).
    sequence          bigint,
    kind              text        NOT NULL,
    reason            text        NOT NULL,
    first_rejected_at timestamptz NOT NULL,
    last_rejected_at  timestamptz NOT NULL,
    times             integer     NOT NULL CHECK (times >= 1),
    resolved_at       timestamptz
);

-- The page lists the open ones per terminal.
CREATE INDEX rejected_documents_open ON rejected_documents (store_id, terminal_id)
    WHERE resolved_at IS NULL;

-- How many documents the till holds that head office has not accepted (waiting to be
-- sent, or rejected and kept at the till), as the till's agent said with its last pull
-- (the `Pending-Documents` header of `GET /v1/feed`), and when. NULL: never said (a
-- till older than the header).
ALTER TABLE terminal_contacts
    ADD COLUMN backlog    bigint CHECK (backlog >= 0),
    ADD COLUMN backlog_at timestamptz;
