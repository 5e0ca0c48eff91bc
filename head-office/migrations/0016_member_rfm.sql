-- RFM (recency, frequency, monetary) per member, and segments defined as data.
--
-- `sales_by_member_day`: what each member bought and returned on each business date,
-- folded from the aggregates queue like the other sales aggregates (and rebuilt by the
-- rebuild the migration runner calls after this one). `member_id` is the id the
-- document names (a till's id may be an alias): the RFM run resolves aliases when it
-- reads, so a merge made later needs no rebuild. A void takes its sale back on the
-- sale's own business date, so a sale and its void leave nothing; a return counts on
-- its own date (its member, else its sale's).
CREATE TABLE sales_by_member_day (
    member_id      text    NOT NULL,
    business_date  date    NOT NULL,
    sales_count    bigint  NOT NULL,
    sales_amount   numeric NOT NULL,
    returns_count  bigint  NOT NULL,
    returns_amount numeric NOT NULL,
    PRIMARY KEY (member_id, business_date)
);

-- The segments, in order of precedence (the first whose three rules a member's scores
-- meet is the member's). A rule is `any`, `high` (the score is at least the average of
-- the run's scored members), `low` (below it) or a range of scores `a-b` (1 to 5).
CREATE TABLE rfm_segments (
    code       text     PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,39}$'),
    precedence integer  NOT NULL UNIQUE,
    name_zh    text     NOT NULL,
    name_en    text     NOT NULL,
    r_rule     text     NOT NULL,
    f_rule     text     NOT NULL,
    m_rule     text     NOT NULL
);
INSERT INTO rfm_segments (code, precedence, name_zh, name_en, r_rule, f_rule, m_rule) VALUES
    ('important_value',     1, '重要价值客户', 'Important value',       'high', 'high', 'high'),
    ('important_develop',   2, '重要发展客户', 'Important to develop',  'high', 'low',  'high'),
    ('important_keep',      3, '重要保持客户', 'Important to keep',     'low',  'high', 'high'),
    ('important_retain',    4, '重要挽留客户', 'Important to win back', 'low',  'low',  'high'),
    ('general_value',       5, '一般价值客户', 'General value',         'high', 'high', 'low'),
    ('general_develop',     6, '一般发展客户', 'General to develop',    'high', 'low',  'low'),
    ('general_keep',        7, '一般保持客户', 'General to keep',       'low',  'high', 'low'),
    ('general_retain',      8, '一般挽留客户', 'General to win back',   'low',  'low',  'low');

-- One row per RFM run: its moment, the day it was taken as of, the window, the averages
-- the `high`/`low` rules compared with, and how long it took.
CREATE TABLE rfm_runs (
    id          bigserial   PRIMARY KEY,
    as_of       date        NOT NULL,
    window_days integer     NOT NULL,
    computed_at timestamptz NOT NULL,
    members     bigint      NOT NULL,
    average_r   numeric     NOT NULL,
    average_f   numeric     NOT NULL,
    average_m   numeric     NOT NULL,
    took_ms     bigint      NOT NULL
);

-- Each run's count of members and average scores per segment ('': none matched), so
-- the console's summary reads a few rows, not every member's.
CREATE TABLE rfm_run_segments (
    run_id       bigint  NOT NULL REFERENCES rfm_runs (id) ON DELETE CASCADE,
    segment_code text    NOT NULL,
    members      bigint  NOT NULL,
    average_r    numeric NOT NULL,
    average_f    numeric NOT NULL,
    average_m    numeric NOT NULL,
    PRIMARY KEY (run_id, segment_code)
);

-- Each scored member's figures, scores and segment: replaced whole by each run (members
-- without a purchase in the run's window have no row).
CREATE TABLE member_rfm (
    member_id     text     PRIMARY KEY,
    run_id        bigint   NOT NULL,
    last_purchase date     NOT NULL,
    recency_days  integer  NOT NULL,
    frequency     bigint   NOT NULL,
    monetary      numeric  NOT NULL,
    r_score       smallint NOT NULL CHECK (r_score BETWEEN 1 AND 5),
    f_score       smallint NOT NULL CHECK (f_score BETWEEN 1 AND 5),
    m_score       smallint NOT NULL CHECK (m_score BETWEEN 1 AND 5),
    segment_code  text
);
CREATE INDEX member_rfm_by_segment ON member_rfm (segment_code, member_id);
