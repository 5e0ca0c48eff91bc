-- Codes that find a member besides its own card and id, as head office sends them: a
-- provisional card a till issued (the member now has head office's code), the card of a
-- member merged into another, and member ids merged into another member.
CREATE TABLE member_code (
    code      TEXT PRIMARY KEY,
    member_id TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX member_code_member ON member_code (member_id);
