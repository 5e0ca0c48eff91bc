-- One card number belongs to one member, and one Z report closes a terminal's day.
-- Data written before these rules is kept: later duplicates are set aside, not deleted.

-- Cards head office issues itself ('H' and nine digits) when a till's card is taken.
CREATE SEQUENCE member_card_no;

-- Every member given head office's card instead of the one a till issued: the card the
-- till knew, the member who already held it, and the document that brought the member
-- (NULL when this migration reissued a card held twice before it).
CREATE TABLE member_card_reissues (
    id           bigserial   PRIMARY KEY,
    member_id    text        NOT NULL REFERENCES members (id),
    till_card_no text        NOT NULL,
    card_no      text        NOT NULL,
    holder_id    text        NOT NULL,
    document_id  uuid,
    reissued_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_card_reissues_by_member ON member_card_reissues (member_id);

-- Cards held by more than one member: the first member (by creation, then id) keeps
-- it; each later one gets a card of head office's own, recorded above and published
-- to the feed so every till learns it.
DO $$
DECLARE
    dup   record;
    fresh text;
BEGIN
    FOR dup IN
        SELECT id, card_no, holder, n FROM (
            SELECT id, card_no,
                   first_value(id) OVER w AS holder,
                   row_number() OVER w AS n
            FROM members
            WINDOW w AS (PARTITION BY card_no ORDER BY created_at, id)
        ) ranked
        WHERE n > 1
        ORDER BY card_no, n
    LOOP
        LOOP
            fresh := 'H' || lpad(nextval('member_card_no')::text, 9, '0');
            EXIT WHEN NOT EXISTS (SELECT 1 FROM members WHERE card_no = fresh);
        END LOOP;
        UPDATE members SET card_no = fresh WHERE id = dup.id;
        INSERT INTO member_card_reissues (member_id, till_card_no, card_no, holder_id)
        VALUES (dup.id, dup.card_no, fresh, dup.holder);
    END LOOP;
END $$;

-- The feed's member rows, as `feed::publish` writes them (key 'member' US id), under
-- its lock so cursors stay in commit order.
SELECT pg_advisory_xact_lock(x'46454544'::bigint);
INSERT INTO feed (scope, key, cursor, change)
SELECT '', 'member' || chr(31) || m.id, nextval('feed_cursor'),
       json_build_object('entity', 'member', 'data', json_build_object(
           'id', m.id, 'card_no', m.card_no, 'phone', coalesce(m.phone, ''), 'name', m.name,
           'tier', m.tier, 'points_balance', m.points_balance))
FROM members m
WHERE m.id IN (SELECT member_id FROM member_card_reissues)
ON CONFLICT (scope, key) DO UPDATE SET cursor = excluded.cursor, change = excluded.change;

CREATE UNIQUE INDEX members_card_no ON members (card_no);

-- A second Z report of one terminal and business date: earlier ones stay, marked as
-- duplicates of the first (by sequence) and left out of the unique index.
ALTER TABLE documents ADD COLUMN z_duplicate_of uuid;
UPDATE documents d SET z_duplicate_of = f.first_id
FROM (
    SELECT id, first_value(id) OVER w AS first_id, row_number() OVER w AS n
    FROM documents
    WHERE kind = 'z_report'
    WINDOW w AS (PARTITION BY store_id, terminal_id, business_date ORDER BY sequence, id)
) f
WHERE d.id = f.id AND f.n > 1;
CREATE UNIQUE INDEX documents_one_z_per_terminal_day
    ON documents (store_id, terminal_id, business_date)
    WHERE kind = 'z_report' AND z_duplicate_of IS NULL;
