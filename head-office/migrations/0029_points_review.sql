-- Points under review (issue 13): every ledger entry names who and why, velocity
-- patterns are flagged for a person, and a manual adjustment from the console waits for
-- a second person's approval.

-- Who recorded each ledger entry (the document's operator, the console user, the
-- merge's author) and why, in a short fixed text (`sale earn`, `return reverses earn`,
-- or an adjustment's own reason). Ingest, the console, merges and the catalog import
-- fill both (src/ingest/ledger_reason.rs). Older rows get them from their documents.
ALTER TABLE point_ledger ADD COLUMN operator_id text, ADD COLUMN reason text;

UPDATE point_ledger l
SET operator_id = d.document->>'operator_id',
    reason = CASE l.entry
        WHEN 'earn' THEN 'sale earn'
        WHEN 'redeem' THEN 'sale redeem'
        WHEN 'reverse_earn' THEN 'return reverses earn'
        WHEN 'refund_redeem' THEN 'return refunds redeem'
        WHEN 'void_earn' THEN 'void reverses earn'
        WHEN 'void_redeem' THEN 'void refunds redeem'
        WHEN 'adjust' THEN 'adjustment: ' || coalesce(d.document->'body'->>'reason', '')
        ELSE l.entry
    END
FROM documents d
WHERE d.id = l.document_id;

UPDATE point_ledger l
SET operator_id = m.merged_by, reason = 'merge: ' || m.reason
FROM member_merges m
WHERE l.entry = 'merge' AND m.id = l.document_id;

-- Opening balances of the catalog import have no document: the import recorded them.
UPDATE point_ledger
SET operator_id = 'catalog import', reason = 'catalog import'
WHERE entry = 'import' AND operator_id IS NULL;

-- Anything else recorded before operators were kept says so rather than staying empty.
UPDATE point_ledger
SET operator_id = coalesce(nullif(operator_id, ''), 'unrecorded'),
    reason = coalesce(nullif(reason, ''), entry)
WHERE operator_id IS NULL OR operator_id = '' OR reason IS NULL OR reason = '';

-- Velocity: one member redeeming many times, or at several stores, in one business day.
-- Ingest reads a member's redemptions recorded since just before the day (a document is
-- never stored before its business day starts, give or take a till's clock): this index.
CREATE INDEX point_ledger_redemptions ON point_ledger (member_id, recorded_at) WHERE entry = 'redeem';

-- The thresholds are the chain's (the console's loyalty page sets them); one row.
CREATE TABLE velocity_rules (
    id               boolean     PRIMARY KEY DEFAULT true CHECK (id),
    -- A day with more redemptions than this is flagged.
    max_redemptions  integer     NOT NULL CHECK (max_redemptions >= 1),
    -- A day with redemptions at this many different stores or more is flagged.
    stores_flagged   integer     NOT NULL CHECK (stores_flagged >= 2),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       text        NOT NULL DEFAULT 'migration'
);
INSERT INTO velocity_rules (max_redemptions, stores_flagged) VALUES (3, 2);

-- One flag per member and business day, listed with the other point reviews. Keyed by
-- the redemption that crossed the threshold (the review button's id); it names every
-- redemption of the day and their stores while it is open.
CREATE TABLE velocity_reviews (
    document_id     uuid        PRIMARY KEY,
    member_id       text        NOT NULL,
    business_date   date        NOT NULL,
    store_id        text        NOT NULL,
    terminal_id     text        NOT NULL,
    redemptions     integer     NOT NULL,
    points_redeemed bigint      NOT NULL,
    documents       uuid[]      NOT NULL,
    stores          text[]      NOT NULL,
    flagged_at      timestamptz NOT NULL DEFAULT now(),
    reviewed_at     timestamptz,
    reviewed_by     text,
    UNIQUE (member_id, business_date)
);
CREATE INDEX velocity_reviews_open ON velocity_reviews (flagged_at) WHERE reviewed_at IS NULL;

-- A manual adjustment asked for in the console; applied (as a PointAdjustment document)
-- only when another console user approves it. No foreign key to members: a merge
-- removes the merged member's row, and the document's member id finds the survivor.
CREATE TABLE point_adjustment_requests (
    id              bigserial   PRIMARY KEY,
    member_id       text        NOT NULL,
    points          bigint      NOT NULL CHECK (points <> 0),
    reason          text        NOT NULL CHECK (reason <> ''),
    requested_by    text        NOT NULL,
    requested_at    timestamptz NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                                CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by      text,
    decided_at      timestamptz,
    decision_reason text,
    -- The PointAdjustment document an approval stored.
    document_id     uuid,
    CHECK (decided_by IS NULL OR decided_by <> requested_by),
    CHECK ((status = 'pending') = (decided_by IS NULL)),
    CHECK ((status = 'approved') = (document_id IS NOT NULL))
);
CREATE INDEX point_adjustment_requests_pending ON point_adjustment_requests (requested_at)
    WHERE status = 'pending';
