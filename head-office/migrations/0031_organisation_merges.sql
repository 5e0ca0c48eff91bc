-- Likely duplicate organisations (the same 统一社会信用代码, or the same name once
-- widths, spaces, brackets and a trailing 有限公司-like legal form are folded),
-- proposed by `duplicates::org_find` beside the member search and decided by a person
-- in the console. A pair is kept once, whatever was decided, so a dismissed pair is
-- not proposed again.
CREATE TABLE organisation_duplicate_proposals (
    id              bigserial   PRIMARY KEY,
    organisation_a  text        NOT NULL,
    organisation_b  text        NOT NULL CHECK (organisation_b > organisation_a),
    evidence        text        NOT NULL CHECK (evidence IN ('credit_code', 'name')),
    proposed_at     timestamptz NOT NULL DEFAULT now(),
    status          text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'dismissed')),
    decided_by      text,
    decided_at      timestamptz,
    UNIQUE (organisation_a, organisation_b)
);
CREATE INDEX organisation_duplicate_proposals_open ON organisation_duplicate_proposals (id)
    WHERE status = 'open';

-- Every organisation merge: who, when, why, which organisation went into which, the
-- merged one as it was (name, code, kind, departments) and what moved. The merged row
-- is gone; its id finds the survivor (organisation_aliases). The survivor may be merged
-- later itself: the record keeps the id it had then (no foreign key).
CREATE TABLE organisation_merges (
    id              uuid        PRIMARY KEY,
    survivor_id     text        NOT NULL,
    merged_id       text        NOT NULL,
    merged          jsonb       NOT NULL,
    merged_at       timestamptz NOT NULL,
    merged_by       text        NOT NULL,
    reason          text        NOT NULL,
    proposal_id     bigint      REFERENCES organisation_duplicate_proposals (id),
    moved           jsonb       NOT NULL
);
CREATE INDEX organisation_merges_by_survivor ON organisation_merges (survivor_id, merged_at);

-- An organisation id merged into another: a sale a till wrote with the old id (offline,
-- or before its pull) is checked against the survivor's qualifications.
CREATE TABLE organisation_aliases (
    alias_id        text        PRIMARY KEY,
    organisation_id text        NOT NULL REFERENCES organisations (id),
    merge_id        uuid        NOT NULL REFERENCES organisation_merges (id)
);
CREATE INDEX organisation_aliases_of ON organisation_aliases (organisation_id);
