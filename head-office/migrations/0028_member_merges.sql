-- Likely duplicate members (the same name, phones one digit apart or with two
-- neighbouring digits swapped), proposed by `duplicates::search` and decided by a
-- person in the console. A pair is kept once, whatever was decided, so a dismissed
-- pair is not proposed again. No phone or name is copied here: the page reads them.
CREATE TABLE member_duplicate_proposals (
    id          bigserial   PRIMARY KEY,
    member_a    text        NOT NULL,
    member_b    text        NOT NULL CHECK (member_b > member_a),
    -- How the phones differ: 'one_digit:N' or 'adjacent_swap:N' (N counts from 1).
    evidence    text        NOT NULL,
    proposed_at timestamptz NOT NULL DEFAULT now(),
    status      text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'dismissed')),
    decided_by  text,
    decided_at  timestamptz,
    UNIQUE (member_a, member_b)
);
CREATE INDEX member_duplicate_proposals_open ON member_duplicate_proposals (id) WHERE status = 'open';

-- Every merge made by a person: who, when, why, which member was merged into which,
-- and what moved. The merged member's row is gone; its id and cards find the
-- survivor (member_aliases, member_cards).
CREATE TABLE member_merges (
    id              uuid        PRIMARY KEY,
    survivor_id     text        NOT NULL REFERENCES members (id),
    merged_id       text        NOT NULL,
    merged_card_no  text        NOT NULL,
    merged_at       timestamptz NOT NULL DEFAULT now(),
    merged_by       text        NOT NULL,
    reason          text        NOT NULL,
    proposal_id     bigint      REFERENCES member_duplicate_proposals (id),
    -- What moved: ledger entries and their points, ids, cards, channel links, reviews.
    moved           jsonb       NOT NULL
);
CREATE INDEX member_merges_by_survivor ON member_merges (survivor_id, merged_at);

-- A point-ledger entry moved to the survivor by a merge names it.
ALTER TABLE point_ledger ADD COLUMN merge_id uuid;
