-- Each member's points still to lapse, as head office last sent them (JSON: a list of
-- {last_day, points}, soonest first). The till spends its own redemptions from them
-- oldest first and, offline too, drops the points whose last day has passed.
CREATE TABLE member_points_expiring (
    member_id TEXT PRIMARY KEY,
    expiring  TEXT NOT NULL
) STRICT, WITHOUT ROWID;
