-- Organisations (机构客户) head office sends down: what a sale may name and what the
-- class III rule reads (departments and qualifications' validity, as JSON). No contacts.
CREATE TABLE organisation (
    id   TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX organisation_code ON organisation (code);
