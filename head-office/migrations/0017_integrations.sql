-- Integrations: the online shop, the CRM, the ERP. Each has a key (only its SHA-256 is
-- kept, as for terminals), a channel and the scopes it may use; a revoked key stays
-- listed but no longer works.
CREATE TABLE integrations (
    id          bigserial   PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    channel     text        NOT NULL,
    scopes      text[]      NOT NULL,
    key_sha256  bytea       NOT NULL UNIQUE CHECK (length(key_sha256) = 32),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    revoked_by  text
);

-- A channel's customer, by the channel's own id, and the member it is.
CREATE TABLE channel_customers (
    channel     text        NOT NULL,
    external_id text        NOT NULL,
    member_id   text        NOT NULL REFERENCES members (id),
    linked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, external_id)
);
CREATE INDEX channel_customers_by_member ON channel_customers (member_id);

-- The outbound event feed. Written in the transaction of what it reports, its cursor
-- taken under an advisory lock held to commit, so cursors become visible in order. No
-- phone or name is copied here: member events carry the member's id and which fields
-- changed; readers join the member's current fields.
CREATE SEQUENCE integration_event_cursor;
CREATE TABLE integration_events (
    cursor      bigint      PRIMARY KEY,
    kind        text        NOT NULL,
    member_id   text,
    -- json, not jsonb: stored as written (ingest writes two events a sale), read whole.
    data        json        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Ingest reports the merges a batch's documents made (see `integrations::ingest_events`).
CREATE INDEX member_aliases_by_document ON member_aliases (document_id);
