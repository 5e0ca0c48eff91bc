-- Tills no longer receive members' phone numbers and names: head office sends them
-- masked, with the phone's keyed hash (HMAC-SHA256 under the chain's lookup key, which
-- the tills receive too) so a till still finds a member by the number a customer says.
-- The runner republishes every member masked after this migration (feed::republish_members).
CREATE TABLE chain_secrets (
    name  text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO chain_secrets (name, value)
VALUES ('member_lookup_key',
        replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
