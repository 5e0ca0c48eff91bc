-- Feed changes the till could not apply (a member row that breaks a constraint, say).
-- They are kept here and shown in the store review instead of stopping the pull: the
-- rest of the page applies and the cursor moves on.
CREATE TABLE feed_set_aside (
    id           INTEGER PRIMARY KEY,
    cursor       INTEGER NOT NULL,
    change       TEXT NOT NULL,
    error        TEXT NOT NULL,
    set_aside_at TEXT NOT NULL
) STRICT;
