-- Webhooks: where each configured endpoint (Scim:Webhooks:<i>) is in the change feed (docs/operations.md, "Reacting
-- to changes"). One row per endpoint name, created at the feed's head when the endpoint is first seen, so a new
-- endpoint receives what happens from then on (`ScimLite webhooks replay` goes back further).
--
-- (xid, seq) is the last journal row delivered, in the change feed's order (docs/database.md): rows after it are
-- pending. batch_xid / batch_seq is the last row of the batch being delivered, fixed before its first attempt, so a
-- retry (also after a restart) sends the same events under the same webhook-id; it is cleared when a 2xx moves the
-- position to it. Rows of a range below the feed's head never change, so the batch reads back identical.
--
-- Which instance delivers an endpoint is decided by a session advisory lock, not by this table: rows here are only
-- updated in short statements, and never locked while a request is in flight.
CREATE TABLE webhook_positions (
    name          text        NOT NULL,
    xid           xid8        NOT NULL,
    seq           bigint      NOT NULL,
    batch_xid     xid8,
    batch_seq     bigint,
    -- failed attempts of the current batch; 0 after a success
    attempts      integer     NOT NULL DEFAULT 0,
    delivered     bigint      NOT NULL DEFAULT 0,
    last_success  timestamptz,
    -- the last failure, e.g. "HTTP 500: <first 1 KB of the body>", and when; kept after a success for diagnosis
    last_error    text,
    last_error_at timestamptz,
    -- no attempt before this time (the backoff after a failure)
    next_attempt  timestamptz,
    created       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_positions_pkey PRIMARY KEY (name),
    CONSTRAINT webhook_positions_batch_check CHECK ((batch_xid IS NULL) = (batch_seq IS NULL))
);
