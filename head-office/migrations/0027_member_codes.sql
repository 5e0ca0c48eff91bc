-- Head office issues every member's code ('H', a sequence of at least nine digits and a
-- Damm check digit: pos_domain::member_code), from the sequence of migration 3. A code
-- that finds a member besides its own card is kept here: a till's provisional card of
-- an offline registration (the member now has head office's code, or the registration
-- was merged into a member with the same phone), or the card of a member merged into
-- another. The tills receive each as a `member_card` change.
CREATE TABLE member_cards (
    card_no     text        PRIMARY KEY,
    member_id   text        NOT NULL REFERENCES members (id),
    reason      text        NOT NULL CHECK (reason IN ('provisional', 'merged')),
    -- The registration that brought a provisional card.
    document_id uuid,
    joined_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_cards_by_member ON member_cards (member_id);

-- Registrations merged by phone before this migration: their till cards find the member.
INSERT INTO member_cards (card_no, member_id, reason, document_id, joined_at)
SELECT a.card_no, a.member_id, 'provisional', a.document_id, a.merged_at
FROM member_aliases a
WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.card_no = a.card_no)
ON CONFLICT (card_no) DO NOTHING;

-- Published as `feed::publish` writes them (key 'card' US card), under its lock.
SELECT pg_advisory_xact_lock(x'46454544'::bigint);
INSERT INTO feed (scope, key, cursor, change)
SELECT '', 'card' || chr(31) || c.card_no, nextval('feed_cursor'),
       json_build_object('entity', 'member_card', 'data',
           json_build_object('card_no', c.card_no, 'member_id', c.member_id))
FROM member_cards c
ORDER BY c.joined_at, c.card_no
ON CONFLICT (scope, key) DO UPDATE SET cursor = excluded.cursor, change = excluded.change;
