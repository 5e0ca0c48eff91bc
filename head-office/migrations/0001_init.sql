-- Head office's schema. Money is numeric, points are bigint, ids made at the till are
-- text (stores, terminals, members) or uuid (documents).

-- Enrolled terminals. Only a SHA-256 of the token is kept; `last_sequence` is the
-- highest document sequence seen, the base for finding gaps.
CREATE TABLE terminals (
    store_id      text        NOT NULL,
    terminal_id   text        NOT NULL,
    token_sha256  bytea       NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    last_sequence bigint      NOT NULL DEFAULT 0,
    enrolled_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, terminal_id)
);

-- Every accepted document, exactly once: the primary key is the idempotency key.
-- A sequence belongs to one document per terminal, and a sale is voided at most once.
-- `document` is the canonical JSON the till hashed, kept as text (json, not jsonb):
-- cheaper to store, and the bytes stay exactly those of `content_hash`.
CREATE TABLE documents (
    id             uuid        PRIMARY KEY,
    store_id       text        NOT NULL,
    terminal_id    text        NOT NULL,
    sequence       bigint      NOT NULL CHECK (sequence > 0),
    kind           text        NOT NULL,
    business_date  date        NOT NULL,
    created_at     timestamptz NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    content_hash   text        NOT NULL,
    voided_sale_id uuid        UNIQUE,
    document       json        NOT NULL,
    UNIQUE (store_id, terminal_id, sequence)
);
CREATE INDEX documents_by_store_kind_date ON documents (store_id, kind, business_date);
CREATE INDEX documents_by_kind_date ON documents (kind, business_date);

-- Runs of sequence numbers missing per terminal. A gap that fills up (late documents)
-- is closed, and what is still missing of it opens as a new row.
CREATE TABLE sequence_gaps (
    id            bigserial   PRIMARY KEY,
    store_id      text        NOT NULL,
    terminal_id   text        NOT NULL,
    from_sequence bigint      NOT NULL,
    to_sequence   bigint      NOT NULL,
    detected_at   timestamptz NOT NULL DEFAULT now(),
    closed_at     timestamptz,
    CHECK (from_sequence <= to_sequence)
);
CREATE INDEX sequence_gaps_open ON sequence_gaps (store_id, terminal_id) WHERE closed_at IS NULL;

-- The catalog. Shapes that belong to pos-core are kept as its JSON.
CREATE TABLE products (
    sku  text  PRIMARY KEY,
    data jsonb NOT NULL
);
CREATE TABLE barcodes (
    barcode text PRIMARY KEY,
    sku     text NOT NULL
);
CREATE TABLE lots (
    sku         text NOT NULL,
    lot_no      text NOT NULL,
    expiry_date date NOT NULL,
    PRIMARY KEY (sku, lot_no)
);
CREATE TABLE promotions (
    id   text  PRIMARY KEY,
    data jsonb NOT NULL
);
CREATE TABLE loyalty_rules (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    data      jsonb   NOT NULL
);

-- Stock per store, SKU and lot ('' when the product is not lot-tracked). Offline sales
-- may take it below zero; that is recorded, not refused.
CREATE TABLE stock (
    store_id text   NOT NULL,
    sku      text   NOT NULL,
    lot_no   text   NOT NULL DEFAULT '',
    quantity bigint NOT NULL,
    PRIMARY KEY (store_id, sku, lot_no)
);

-- One row per serial-tracked unit; sold units are not available.
CREATE TABLE serials (
    sku       text    NOT NULL,
    serial    text    NOT NULL,
    store_id  text    NOT NULL,
    lot_no    text,
    available boolean NOT NULL,
    PRIMARY KEY (sku, serial)
);

-- The member ledger. Head office is authoritative for balance and tier.
CREATE TABLE members (
    id                     text        PRIMARY KEY,
    card_no                text        NOT NULL,
    phone                  text,
    name                   text        NOT NULL DEFAULT '',
    tier                   text        NOT NULL DEFAULT 'standard',
    points_balance         bigint      NOT NULL DEFAULT 0,
    registered_document_id uuid,
    created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX members_phone ON members (phone) WHERE phone IS NOT NULL AND phone <> '';

-- A member registered offline whose phone already belonged to a member: the till's id
-- (and card) are kept here, pointing at the member they were merged into.
CREATE TABLE member_aliases (
    alias_id    text        PRIMARY KEY,
    member_id   text        NOT NULL REFERENCES members (id),
    card_no     text        NOT NULL,
    document_id uuid        NOT NULL,
    merged_at   timestamptz NOT NULL DEFAULT now()
);

-- Every change of points, keyed by the document that caused it: a document is stored
-- once, so its points count once. `till_member_id` is the id the till used.
CREATE TABLE point_ledger (
    document_id    uuid        NOT NULL,
    entry          text        NOT NULL,
    member_id      text        NOT NULL REFERENCES members (id),
    till_member_id text        NOT NULL,
    points         bigint      NOT NULL,
    balance_after  bigint      NOT NULL,
    store_id       text        NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, entry)
);
CREATE INDEX point_ledger_by_member ON point_ledger (member_id);

-- Redemptions that took a balance below zero (two stores redeeming offline at once).
CREATE TABLE overdraft_reviews (
    document_id     uuid        PRIMARY KEY,
    member_id       text        NOT NULL REFERENCES members (id),
    store_id        text        NOT NULL,
    terminal_id     text        NOT NULL,
    points_redeemed bigint      NOT NULL,
    balance_before  bigint      NOT NULL,
    balance_after   bigint      NOT NULL,
    flagged_at      timestamptz NOT NULL DEFAULT now(),
    reviewed_at     timestamptz
);

-- The change feed: the latest change per key, with the cursor of when it changed.
-- `scope` is '' for the whole chain or a store id. Cursors are taken under an advisory
-- lock held to commit, so they become visible in cursor order.
CREATE SEQUENCE feed_cursor;
CREATE TABLE feed (
    scope  text   NOT NULL,
    key    text   NOT NULL,
    cursor bigint NOT NULL UNIQUE,
    change jsonb  NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX feed_by_scope_cursor ON feed (scope, cursor);
