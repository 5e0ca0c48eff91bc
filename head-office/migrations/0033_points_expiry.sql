-- Points expiry (src/points_expiry): what each member earned, by the last day those
-- points may be spent (31 December of the year `points_expiry_years` after the year
-- they were earned). Kept only while the rules set an expiry: points earned before
-- (and balances imported) are not in a lot and never lapse. A member's balance sits in
-- the newest lots (points are spent oldest first); the expiry run takes off what is
-- left of the lots whose last day has passed and deletes those lots, in one
-- transaction, so a run repeated finds nothing to take twice.
CREATE TABLE member_point_lots (
    member_id text   NOT NULL REFERENCES members (id),
    last_day  date   NOT NULL,
    points    bigint NOT NULL,
    PRIMARY KEY (member_id, last_day)
);
CREATE INDEX member_point_lots_by_day ON member_point_lots (last_day);

-- Each expiry run: when, the day it expired up to (lots whose last day is before it),
-- how many members lost how many points, and who or what ran it.
CREATE TABLE point_expiry_runs (
    id       bigserial   PRIMARY KEY,
    ran_at   timestamptz NOT NULL,
    as_of    date        NOT NULL,
    members  bigint      NOT NULL,
    points   bigint      NOT NULL,
    run_by   text        NOT NULL
);
