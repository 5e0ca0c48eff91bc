-- The till's ledger. Money is stored as decimal TEXT (never REAL) so it round-trips
-- exactly through rust_decimal.

-- Settings of this till: store_id, terminal_id, feed_cursor, loyalty rules.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE product (
    sku             TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    pinyin          TEXT NOT NULL,
    category        TEXT NOT NULL,
    unit            TEXT NOT NULL,
    price           TEXT NOT NULL,
    vat_rate        TEXT NOT NULL,
    device_class    TEXT,
    registration_no TEXT,
    tracking        TEXT NOT NULL CHECK (tracking IN ('none', 'lot', 'serial')),
    safety_stock    INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX product_pinyin ON product (pinyin);

CREATE TABLE barcode (
    barcode TEXT PRIMARY KEY,
    sku     TEXT NOT NULL REFERENCES product (sku) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX barcode_sku ON barcode (sku);

CREATE TABLE lot (
    sku         TEXT NOT NULL REFERENCES product (sku) ON DELETE CASCADE,
    lot_no      TEXT NOT NULL,
    expiry_date TEXT NOT NULL,
    PRIMARY KEY (sku, lot_no)
) STRICT, WITHOUT ROWID;

-- Stock as head office last sent it; lot_no is '' for products not tracked by lot.
CREATE TABLE stock_base (
    sku      TEXT NOT NULL,
    lot_no   TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL,
    PRIMARY KEY (sku, lot_no)
) STRICT, WITHOUT ROWID;

-- Serial-tracked units as head office last sent them.
CREATE TABLE serial_unit (
    sku       TEXT NOT NULL,
    serial    TEXT NOT NULL,
    lot_no    TEXT,
    available INTEGER NOT NULL,
    PRIMARY KEY (sku, serial)
) STRICT, WITHOUT ROWID;

CREATE TABLE member (
    id          TEXT PRIMARY KEY,
    card_no     TEXT NOT NULL UNIQUE,
    phone       TEXT NOT NULL,
    name        TEXT NOT NULL,
    tier        TEXT NOT NULL,
    -- Balance as head office last sent it.
    points_base INTEGER NOT NULL
) STRICT;
CREATE INDEX member_phone ON member (phone);

CREATE TABLE promotion (
    id   TEXT PRIMARY KEY,
    json TEXT NOT NULL
) STRICT;

CREATE TABLE operator (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
    pin_hash     TEXT NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
) STRICT;

-- Every document, in sequence order. `sequence` is gapless because it is assigned as
-- max + 1 inside the transaction that writes the document.
CREATE TABLE document (
    sequence      INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    business_date TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    operator_id   TEXT NOT NULL,
    shift_id      TEXT,
    -- The sale a return or void refers to.
    ref_id        TEXT,
    -- Canonical JSON bytes: what the journal hashes and head office receives.
    body          BLOB NOT NULL,
    -- Set when head office answered accepted or duplicate.
    acked         INTEGER NOT NULL DEFAULT 0,
    -- Set once a full pull after the ack has brought head office's stock and balances,
    -- which then include this document; until then its local effects are added on top.
    reflected     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX document_kind_date ON document (kind, business_date);
CREATE INDEX document_ref ON document (ref_id) WHERE ref_id IS NOT NULL;
CREATE INDEX document_unreflected ON document (reflected) WHERE reflected = 0;

-- Append-only, hash-chained.
CREATE TABLE journal (
    sequence   INTEGER PRIMARY KEY REFERENCES document (sequence),
    doc_hash   TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    entry_hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;

-- Documents waiting for head office. Rejected rows stay, with the reason.
CREATE TABLE outbox (
    sequence        INTEGER PRIMARY KEY REFERENCES document (sequence),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    rejected_reason TEXT,
    rejected_at     TEXT
) STRICT;

-- Local effects of documents, for stock and balances shown before head office has them.
CREATE TABLE stock_movement (
    sequence INTEGER NOT NULL REFERENCES document (sequence),
    sku      TEXT NOT NULL,
    lot_no   TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL
) STRICT;
CREATE INDEX stock_movement_sku ON stock_movement (sku, lot_no);

CREATE TABLE point_entry (
    sequence  INTEGER NOT NULL REFERENCES document (sequence),
    member_id TEXT NOT NULL,
    points    INTEGER NOT NULL,
    -- pos_domain::effects::PointReason: earn, redeem, reverse_earn, refund_redeem,
    -- void_earn, void_redeem, adjust
    reason    TEXT NOT NULL,
    business_date TEXT NOT NULL,
    -- 1 when written while the till was offline, for the daily offline limit.
    offline   INTEGER NOT NULL
) STRICT;
CREATE INDEX point_entry_member ON point_entry (member_id);

-- Which sale sold a serial and which return took it back.
CREATE TABLE serial_sale (
    sku             TEXT NOT NULL,
    serial          TEXT NOT NULL,
    sale_sequence   INTEGER NOT NULL REFERENCES document (sequence),
    return_sequence INTEGER REFERENCES document (sequence)
) STRICT;
CREATE UNIQUE INDEX serial_sale_open ON serial_sale (sku, serial) WHERE return_sequence IS NULL;

-- Members registered here, kept until head office sends them back.
CREATE TABLE shift (
    id            TEXT PRIMARY KEY,
    operator_id   TEXT NOT NULL,
    open_sequence INTEGER NOT NULL REFERENCES document (sequence),
    close_sequence INTEGER REFERENCES document (sequence),
    float         TEXT NOT NULL
) STRICT;

-- Parked carts (挂单). Not documents: they only become one when completed.
CREATE TABLE held_sale (
    id          TEXT PRIMARY KEY,
    held_at     TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    label       TEXT NOT NULL,
    cart_json   TEXT NOT NULL
) STRICT;

-- Receipts that could not be printed, waiting for a reprint.
CREATE TABLE pending_print (
    sequence  INTEGER PRIMARY KEY REFERENCES document (sequence),
    error     TEXT NOT NULL
) STRICT;
