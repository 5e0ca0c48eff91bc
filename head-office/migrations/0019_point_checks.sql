-- Head office works out the points of every sale to a member again, from its lines and
-- the loyalty rules in force when it was rung up, and flags a sale whose points differ
-- (src/ingest/point_checks.rs). The till's figure stands (the customer's receipt says
-- it); a person looks at the flag and adjusts with a document if need be.

-- The chain's loyalty rules over time; the rules set before this migration count from
-- the beginning (1970).
CREATE TABLE loyalty_rules_history (
    valid_from timestamptz PRIMARY KEY,
    data       jsonb       NOT NULL
);
INSERT INTO loyalty_rules_history (valid_from, data)
SELECT '1970-01-01 00:00:00+00', data FROM loyalty_rules;

CREATE TABLE point_reviews (
    document_id uuid        PRIMARY KEY,
    member_id   text        NOT NULL,
    store_id    text        NOT NULL,
    terminal_id text        NOT NULL,
    claimed     bigint      NOT NULL,
    computed    bigint      NOT NULL,
    flagged_at  timestamptz NOT NULL DEFAULT now(),
    reviewed_at timestamptz,
    reviewed_by text
);
CREATE INDEX point_reviews_open ON point_reviews (flagged_at) WHERE reviewed_at IS NULL;
