-- The request log: what an identity provider sent to ScimLite and why it was refused. One row per request answered
-- 4xx or 5xx (within a per-client rate cap), and per request of a client an operator is capturing
-- (`ScimLite requests capture <client> --for 30m`, kept in request_capture below). Written by a background writer
-- after the response, outside the request's transaction: a request whose record is lost (queue full, database
-- down) is counted on the metric scimlite.request_log.dropped, never failed.
--
-- Never stored: the Authorization header, cookies, tokens. The body is stored with the value of every attribute whose
-- name contains "password", "secret" or "token" (any case, at any depth, PATCH values included) replaced by
-- "[redacted]"; a body that is not JSON is stored as "[not JSON, N bytes]". Bounded by Scim:RequestLog:RetentionDays
-- (7) and Scim:RequestLog:MaxRows (100,000; the oldest rows are purged first).

CREATE TABLE request_log (
    seq          bigint      GENERATED ALWAYS AS IDENTITY,
    -- when the request arrived
    at           timestamptz NOT NULL,
    -- the authenticated client's name; NULL for a request without a valid token
    client       text,
    -- the request's id, the same as journal.request_id of the changes it made
    request_id   text        NOT NULL,
    method       text        NOT NULL,
    -- the path with its ids, e.g. /scim/v2/Users/2819c223-7f76-453a-919d-413861904646
    path         text        NOT NULL,
    -- the query string with its leading '?', or NULL
    query        text,
    status       integer     NOT NULL,
    -- the SCIM error's scimType and detail (RFC 7644 §3.12), when the answer was a SCIM error
    scim_type    text,
    detail       text,
    duration_ms  double precision NOT NULL,
    -- request headers that explain an answer; never Authorization or Cookie
    content_type text,
    if_match     text,
    prefer       text,
    user_agent   text,
    -- the body, redacted (see above), at most 64 KB of text; NULL when the request had none
    body         text,
    -- the body's size in bytes as sent, before redaction or truncation
    body_bytes   integer,
    body_truncated boolean   NOT NULL DEFAULT false,
    -- 'error' (answered 4xx/5xx) or 'capture' (an operator's capture of the client was on)
    reason       text        NOT NULL,
    CONSTRAINT request_log_pkey PRIMARY KEY (seq),
    CONSTRAINT request_log_reason_check CHECK (reason IN ('error', 'capture'))
);

-- "What failed in the last hour", and the retention purge.
CREATE INDEX request_log_at_idx ON request_log (at);
-- "What did okta-prod send in the last hour".
CREATE INDEX request_log_client_at_idx ON request_log (client, at);

-- An operator's demand to record every request of one client until a time, read by every instance (each caches it
-- for a few seconds). A row past its until is inert; `requests capture <client> --off` deletes it.
CREATE TABLE request_capture (
    client     text        NOT NULL,
    until      timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT request_capture_pkey PRIMARY KEY (client)
);
