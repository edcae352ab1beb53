-- meta.created and meta.lastModified are returned to the millisecond (RFC 3339 with three fraction digits), so they are
-- kept to the millisecond too: what the server returns is what a filter compares. Before, the columns held
-- microseconds, and `meta.lastModified eq "<the value just returned>"` missed the very resource it came from, `le`
-- missed resources written later in the same millisecond, and incremental sync on `gt` could not trust its position.
-- Existing values are rounded to the millisecond (the value they were returned as may differ by that rounding once).
-- Rewrites both tables (and their indexes) once.
ALTER TABLE users
    ALTER COLUMN created TYPE timestamptz(3),
    ALTER COLUMN last_modified TYPE timestamptz(3);

ALTER TABLE groups
    ALTER COLUMN created TYPE timestamptz(3),
    ALTER COLUMN last_modified TYPE timestamptz(3);
