-- The console's people, their sessions and the audit log of what they changed.

-- A person who signs in to the console. `stores` is the stores a store manager is
-- given (empty for the other roles, who see the whole chain). Only an argon2id hash of
-- the password is kept.
CREATE TABLE console_users (
    name          text        PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.-]{1,64}$'),
    role          text        NOT NULL
                  CHECK (role IN ('admin', 'merchandiser', 'store_manager', 'auditor')),
    stores        text[]      NOT NULL DEFAULT '{}',
    password_hash text        NOT NULL,
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (role = 'store_manager' OR stores = '{}'),
    CHECK (role <> 'store_manager' OR stores <> '{}')
);

-- Failed sign-ins per name (known or not, so the answer tells nobody which names
-- exist): each failure past the third doubles the wait, and the tenth locks the name
-- for an hour. A successful sign-in clears the row.
CREATE TABLE console_sign_in_failures (
    name         text        PRIMARY KEY,
    failures     integer     NOT NULL,
    last_at      timestamptz NOT NULL,
    locked_until timestamptz NOT NULL
);

-- Open sessions. Only a SHA-256 of the cookie's token is kept; `csrf` is the token every
-- form of the session carries. A session ends at `expires_at`, or after `idle` without
-- a request.
CREATE TABLE console_sessions (
    token_sha256 bytea       PRIMARY KEY CHECK (length(token_sha256) = 32),
    user_name    text        NOT NULL REFERENCES console_users (name),
    csrf         text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX console_sessions_by_user ON console_sessions (user_name);

-- Every change made through the console: who, when, what, before and after. Rows are
-- only ever added: the trigger refuses UPDATE and DELETE, and TRUNCATE, for everyone.
CREATE TABLE audit_log (
    id        bigserial   PRIMARY KEY,
    at        timestamptz NOT NULL,
    user_name text        NOT NULL,
    action    text        NOT NULL,
    subject   text        NOT NULL,
    before    jsonb,
    after     jsonb
);
CREATE INDEX audit_log_by_at ON audit_log (at DESC);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- Who reviewed an overdraft, now that the console does it.
ALTER TABLE overdraft_reviews ADD COLUMN reviewed_by text;

-- When each terminal last reached head office at all, and last pulled the feed: the
-- console's "Tills and sync" page. A table of its own, not columns of `terminals`:
-- ingest holds the terminal's row locked for a whole batch, and a till's other requests
-- must not queue behind it just to note the time.
CREATE TABLE terminal_contacts (
    store_id        text        NOT NULL,
    terminal_id     text        NOT NULL,
    last_contact_at timestamptz,
    last_pull_at    timestamptz,
    PRIMARY KEY (store_id, terminal_id)
);
