-- Organisations (机构客户): clinics, pharmacies and hospitals buying as one customer,
-- with departments, contacts (their phones are personal data: masked in the console
-- but for admins, whose reading is logged; never sent to tills) and qualifications
-- (资质) with number and last valid day (NULL: 长期). Set in the console
-- (src/console/pages/organisations.rs); the tills get what a sale needs by the feed.
CREATE SEQUENCE organisation_no;

CREATE TABLE organisations (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    credit_code text        NOT NULL UNIQUE,
    kind        text        NOT NULL CHECK (kind IN ('clinic', 'pharmacy', 'hospital', 'other')),
    departments text[]      NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organisations_name ON organisations (name);

CREATE TABLE organisation_contacts (
    id              bigserial PRIMARY KEY,
    organisation_id text      NOT NULL REFERENCES organisations (id),
    name            text      NOT NULL,
    phone           text      NOT NULL,
    department      text
);
CREATE INDEX organisation_contacts_of ON organisation_contacts (organisation_id);

CREATE TABLE organisation_qualifications (
    organisation_id text NOT NULL REFERENCES organisations (id),
    kind            text NOT NULL
        CHECK (kind IN ('business_licence', 'device_licence', 'class_two_filing')),
    number          text NOT NULL,
    valid_until     date,
    PRIMARY KEY (organisation_id, kind)
);

-- Sales head office accepted (never lose a sale) although the organisation they name
-- had no valid 医疗器械经营许可证 for their class III devices on their business date by
-- head office's own records (src/ingest/organisation_checks.rs): a till may have sold
-- with stale data offline, or under its warning setting. Listed in the console until a
-- person marks them reviewed.
CREATE TABLE organisation_sale_reviews (
    document_id        uuid        PRIMARY KEY,
    organisation_id    text        NOT NULL,
    store_id           text        NOT NULL,
    terminal_id        text        NOT NULL,
    business_date      date        NOT NULL,
    problem            jsonb       NOT NULL,
    sold_under_warning boolean     NOT NULL,
    flagged_at         timestamptz NOT NULL DEFAULT now(),
    reviewed_at        timestamptz,
    reviewed_by        text
);
CREATE INDEX organisation_sale_reviews_open ON organisation_sale_reviews (flagged_at)
    WHERE reviewed_at IS NULL;
