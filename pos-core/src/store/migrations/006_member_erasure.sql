-- A registration's phone, name and salt, beside its document: the document's body holds
-- only their digests (pos_domain::personal_data), so erasing the member deletes this row
-- and the journal still holds. The outbox sends the document whole, from both.
CREATE TABLE member_personal (
    sequence INTEGER PRIMARY KEY REFERENCES document (sequence),
    phone    TEXT NOT NULL,
    name     TEXT NOT NULL,
    salt     TEXT NOT NULL
) STRICT;

-- Registrations written before sealing whose phone and name an erasure blanked: their
-- bytes no longer hash to the journal's entry, which was made when they were whole.
-- `pos verify` reports them as redacted and still checks every link.
CREATE TABLE redacted_document (
    sequence    INTEGER PRIMARY KEY REFERENCES document (sequence),
    member_id   TEXT NOT NULL,
    redacted_at TEXT NOT NULL
) STRICT;
