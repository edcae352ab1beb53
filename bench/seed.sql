-- Bulk seed for scripts/bench.sh, run with psql after ScimLite has migrated the database (so the tables are exactly
-- those of sql/0001_users_groups_link.sql). Set-based INSERT ... SELECT generate_series, no row-by-row round trips.
-- psql variables: users (how many), spare (users kept out of every group, for one-member add/remove),
-- small / medium / large (member counts of the three benchmark groups, already capped by the caller).
--
-- User n (1..users) is deterministic, so the load scripts can name any user without asking the database:
--   id        bench.user_id(n): a UUIDv7-shaped id (ScimLite makes v7 ids) whose timestamp is 2024-01-01 + n ms, so
--             seeded users sort by n in id order and before anything ScimLite creates during the run;
--   userName  bench.user_name(n) = 'user<n>@example.com', as Okta sends an email as userName.
-- The pgbench ceilings use the same two functions to turn a random number into a parameter.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET maintenance_work_mem = '512MB';

CREATE SCHEMA bench;

CREATE FUNCTION bench.user_id(n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (lpad(to_hex(1704067200000 + n), 12, '0') || '70008000' || lpad(to_hex(n), 12, '0'))::uuid;

CREATE FUNCTION bench.user_name(n bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 'user' || n || '@example.com';

-- Group g: the 1,000 'group-<g>' without members (Entra's displayName lookups pick among them) and the three
-- member groups 'bench-small', 'bench-medium', 'bench-large' as g = 1001..1003.
CREATE FUNCTION bench.group_id(g bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (lpad(to_hex(1706745600000 + g), 12, '0') || '70008000' || lpad(to_hex(g), 12, '0'))::uuid;

-- A fresh UUIDv7 for the ceiling of POST /Users (PostgreSQL 15 has no uuidv7()): time-ordered like Guid.CreateVersion7.
CREATE FUNCTION bench.uuid7() RETURNS uuid LANGUAGE sql VOLATILE
    RETURN (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7'
            || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid;

-- Secondary indexes are dropped for the bulk insert and rebuilt from their own definitions (pg_get_indexdef), which
-- is several times faster than maintaining them row by row and leaves exactly the migrated schema.
CREATE TEMP TABLE saved_indexes AS
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
  FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
 WHERE t.relname IN ('users', 'link') AND t.relnamespace = 'public'::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
SELECT format('DROP INDEX %s', name) FROM saved_indexes \gexec

INSERT INTO users (id, user_name, external_id, active, display_name, title, locale, timezone, family_name, given_name,
                   password_hash, emails, department, created, last_modified, version)
SELECT bench.user_id(n),
       bench.user_name(n),
       '00u' || lpad(to_hex(n * 7919), 17, '0'),
       true,
       given || ' ' || family,
       (ARRAY['Engineer', 'Designer', 'Manager', 'Analyst', 'Support'])[n % 5 + 1],
       'en-US',
       'Europe/Paris',
       family,
       given,
       -- one realistic PBKDF2 hash for everyone: the row is as wide as an Okta-created user's
       'pbkdf2-sha256$100000$c2VlZHNhbHRzZWVkc2FsdA==$l6Yb1nW0x4qHk1bM6yVbB0m2c2lqfQbq3rYxFZ7n0aE=',
       jsonb_build_array(jsonb_build_object('value', bench.user_name(n), 'type', 'work', 'primary', true)),
       (ARRAY['Sales', 'Engineering', 'Finance', 'Support', 'Marketing', 'Legal'])[n % 6 + 1],
       to_timestamp((1704067200000 + n) / 1000.0),
       to_timestamp((1704067200000 + n) / 1000.0),
       1
  FROM generate_series(1, :users::bigint) AS n,
       LATERAL (SELECT (ARRAY['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Frances', 'Niklaus'])[n % 10 + 1] AS given,
                       (ARRAY['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Allen', 'Wirth', 'Ritchie'])[n % 11 + 1] AS family) AS names;

INSERT INTO groups (id, display_name, external_id, created, last_modified, version)
SELECT bench.group_id(g),
       CASE g WHEN 1001 THEN 'bench-small' WHEN 1002 THEN 'bench-medium' WHEN 1003 THEN 'bench-large' ELSE 'group-' || g END,
       'ext-group-' || g,
       to_timestamp((1706745600000 + g) / 1000.0),
       to_timestamp((1706745600000 + g) / 1000.0),
       1
  FROM generate_series(1, 1003) AS g;

-- Members are users 1..size; the last :spare users are in no group.
INSERT INTO link (group_id, user_id, created)
SELECT bench.group_id(g), bench.user_id(n), to_timestamp((1709251200000 + n) / 1000.0)
  FROM (VALUES (1001, :small), (1002, :medium), (1003, :large)) AS sizes(g, size),
       LATERAL generate_series(1, size) AS n;

SELECT definition FROM saved_indexes \gexec

-- The journal too: the seeding's triggers wrote a row per user and per group change, and left to autovacuum that
-- many-row table would be vacuumed and analyzed in the middle of the measurements that follow.
VACUUM (ANALYZE) users, groups, link, journal;
CHECKPOINT;
