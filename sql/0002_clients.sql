-- ScimLite schema, version 2: named API clients (Okta, Entra, ...) and their bearer tokens.
--
--   * A token is never stored: token_digest is its SHA-256 (32 bytes). A token is 32 random bytes, so a plain digest
--     is as strong as a slow hash here and lets every request be checked with one SHA-256.
--   * Rotation keeps the replaced digest in previous_digest, accepted until previous_valid_until (the grace period),
--     so an identity provider can be switched to the new secret without a gap.
--   * Revocation is a timestamp, not a DELETE, so `tokens list` still shows who had access and when it ended. A
--     revoked name can be added again (the row is reused).
--   * last_used is written at most about once a minute per client, in the background, never by the request itself.
--   * permits_per_second / burst: this client's rate limit; NULL takes Scim:RateLimit.
CREATE TABLE clients (
    name                 text        NOT NULL,
    token_digest         bytea       NOT NULL,
    previous_digest      bytea,
    previous_valid_until timestamptz,
    created              timestamptz NOT NULL,
    expires              timestamptz,
    last_used            timestamptz,
    revoked              timestamptz,
    permits_per_second   integer,
    burst                integer,
    CONSTRAINT clients_pkey PRIMARY KEY (name),
    CONSTRAINT clients_name_check CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    CONSTRAINT clients_token_digest_check CHECK (octet_length(token_digest) = 32),
    CONSTRAINT clients_previous_digest_check CHECK (previous_digest IS NULL OR octet_length(previous_digest) = 32),
    CONSTRAINT clients_rate_check CHECK (permits_per_second IS NULL OR permits_per_second > 0),
    CONSTRAINT clients_burst_check CHECK (burst IS NULL OR burst > 0)
);

COMMENT ON TABLE clients IS 'API clients of the SCIM endpoint; tokens only as SHA-256 digests. Managed by `ScimLite tokens`.';
