-- Tiers by spend (src/tiers): the spend each member paid per business date, net of
-- returns and voids, kept in ingest's own transaction so a sale that reaches a higher
-- tier's threshold raises the member's tier at once; the review date after which the
-- scheduled run may lower it; and every tier change with who or what made it and why.

-- Paid money (not the part paid with points) by the member head office holds the
-- document under (an alias resolved when the document came in). Sales before this
-- migration count their totals, from the RFM aggregates.
CREATE TABLE member_spend_by_day (
    member_id     text    NOT NULL,
    business_date date    NOT NULL,
    amount        numeric NOT NULL,
    PRIMARY KEY (member_id, business_date)
);
INSERT INTO member_spend_by_day (member_id, business_date, amount)
SELECT coalesce(a.member_id, s.member_id), s.business_date,
       sum(s.sales_amount - s.returns_amount)
FROM sales_by_member_day s LEFT JOIN member_aliases a ON a.alias_id = s.member_id
GROUP BY 1, 2;

-- NULL: the tier was set by an import; the first review run gives it a date.
ALTER TABLE members ADD COLUMN tier_review_on date;

CREATE TABLE member_tier_changes (
    id           bigserial   PRIMARY KEY,
    member_id    text        NOT NULL,
    from_tier    text        NOT NULL,
    to_tier      text        NOT NULL,
    -- 'spend' (an upgrade at ingest) or 'review' (a downgrade at the review date).
    reason       text        NOT NULL CHECK (reason IN ('spend', 'review')),
    window_spend numeric     NOT NULL,
    -- The sale (or return) that made the change, for an upgrade.
    document_id  uuid,
    -- 'ingest', 'schedule' or 'command:<user>'.
    changed_by   text        NOT NULL,
    effective_on date        NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_tier_changes_by_member ON member_tier_changes (member_id, id);
CREATE INDEX members_tier_review ON members (tier_review_on) WHERE tier <> 'standard';

-- Each review run (scheduled or by the command): `serve` runs once a day after its hour.
CREATE TABLE tier_review_runs (
    id         bigserial   PRIMARY KEY,
    ran_at     timestamptz NOT NULL,
    as_of      date        NOT NULL,
    reviewed   bigint      NOT NULL,
    downgraded bigint      NOT NULL
);
