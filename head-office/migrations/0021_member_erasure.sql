-- Erasure of a member's personal data on request (`member_erasure`): the member keeps
-- its id, card, balance and ledger; phone and name are gone, and when, by whom and why
-- is kept here (and in the audit log).
ALTER TABLE members
    ADD COLUMN erased_at    timestamptz,
    ADD COLUMN erased_by    text,
    ADD COLUMN erase_reason text;

-- A registration written before sealing, whose phone and name an erasure blanked: its
-- bytes no longer hash to `content_hash`, which was computed when it was whole.
ALTER TABLE documents ADD COLUMN redacted_at timestamptz;
