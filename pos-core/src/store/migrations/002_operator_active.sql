-- Operators a manager deactivates (停用) stay in the table, so every document keeps the
-- name of whoever rang it up; they can no longer log in or approve.
ALTER TABLE operator ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
