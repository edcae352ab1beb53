-- The deprovisioning brake counts established people only, refuses nested-group removals while engaged, and reads
-- the active users from a maintained count instead of counting them under its lock. Supersedes the brake's functions
-- of sql/0004_safety.sql (tombstones unchanged).
--
--   * Established: a user created, or a membership made, more than the grace ago (brake.grace_seconds, NULL = the
--     window). Only their deactivation, deletion or removal is recorded in deprovisioning_events: what a test suite,
--     `ScimLite doctor` or an admin undoing an import creates and removes again never feeds the brake. While engaged
--     the brake refuses as before, whatever the age.
--   * The share's denominator is the established users who were active: established active users now (the maintained
--     count of active users, minus the active users created within the grace: an index range over users.created
--     bounded by what was created in the grace) plus the established users deprovisioned in the window.
--   * While engaged, a small membership removal (at most bulk_members) passes whichever way the brake engaged; removing
--     a group from a group (also by deleting either group) is refused: the people who lose access through a nested
--     group are not counted (see README, Safety).
--   * The advisory-lock wait is bounded (half the statement_timeout, at most 5 s): a request still waiting then is
--     refused as held when the brake has engaged meanwhile, otherwise stopped as "took too long".

ALTER TABLE brake ADD COLUMN grace_seconds integer;
COMMENT ON COLUMN brake.grace_seconds IS 'Scim:Brake:GraceMinutes * 60: users and memberships younger than this are not counted by the brake; NULL = window_seconds';
COMMENT ON COLUMN link.created IS 'When the membership was made; the deprovisioning brake counts a removal only of memberships older than its grace (sql/0009_brake_established.sql)';

-- Users by creation time, for the brake's denominator: counting the active users created within the grace is an
-- index range as long as what was created in it (none: ~0.2 ms), plus a heap visit per user in it for active. Not
-- partial on active: an index over active would make every deactivation and reactivation a non-HOT update, writing an
-- entry into each of the table's indexes; created never changes, so updates stay HOT. Built once here under the
-- migration's lock on users (~5 s at 1,000,000). It also serves filters on meta.created.
CREATE INDEX users_created_idx ON users (created);

-- Active users, kept like the row counts of sql/0007_counts.sql: one shard row per backend (pg_backend_pid() % 16)
-- under table_name 'users_active', summed by readers. Inserts and deletes add one aggregate over their transition
-- table; an update adds +1/-1 only for a row whose active changed.
COMMENT ON TABLE resource_counts IS 'Rows of users and groups (table_name users, groups) and active users (users_active), each the sum of n over its shards (kept by triggers, sql/0007_counts.sql, sql/0009_brake_established.sql)';

CREATE FUNCTION active_users_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    delta bigint;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM resource_counts WHERE table_name = 'users_active';
        RETURN NULL;
    ELSIF TG_LEVEL = 'ROW' THEN
        delta := CASE WHEN NEW.active THEN 1 ELSE -1 END;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT count(*) INTO delta FROM changed WHERE active;
    ELSE
        SELECT -count(*) INTO delta FROM changed WHERE active;
    END IF;
    IF delta <> 0 THEN
        INSERT INTO resource_counts AS c (table_name, shard, n)
        VALUES ('users_active', pg_backend_pid() % 16, delta)
        ON CONFLICT (table_name, shard) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_active_count_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION active_users_change();
CREATE TRIGGER users_active_count_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION active_users_change();
CREATE TRIGGER users_active_count_update AFTER UPDATE ON users
    FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active) EXECUTE FUNCTION active_users_change();
CREATE TRIGGER users_active_count_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION active_users_change();

LOCK TABLE users IN SHARE MODE;
INSERT INTO resource_counts (table_name, shard, n)
SELECT 'users_active', 0, count(*) FROM users WHERE active;

-- The brake row, or the defaults when there is none (a fresh or truncated database).
CREATE FUNCTION scimlite_brake_settings() RETURNS brake
    LANGUAGE sql STABLE
    RETURN coalesce((SELECT b FROM brake b WHERE b.id),
                    ROW(true, true, 50, 0.10, 900, 10, false, NULL, NULL, 0, NULL, NULL, NULL, NULL)::brake);

-- Users and memberships created at or before this are established.
CREATE FUNCTION scimlite_brake_cutoff() RETURNS timestamptz
    LANGUAGE sql STABLE
    RETURN (SELECT now() - make_interval(secs => coalesce(s.grace_seconds, s.window_seconds)) FROM scimlite_brake_settings() s);

-- Active users created at or before the cutoff: the maintained count minus the active users created since, an index
-- range over users_created_idx as long as what was created within the grace. EXECUTE plans that range for the
-- cutoff's value every time: a cached generic plan guesses a third of the table for "created > $1" and scans it all.
CREATE FUNCTION scimlite_established_active_users(cutoff timestamptz) RETURNS bigint
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    active bigint;
    recent bigint;
BEGIN
    SELECT coalesce(sum(c.n), 0) INTO active FROM resource_counts c WHERE c.table_name = 'users_active';
    EXECUTE 'SELECT count(*) FROM users u WHERE u.created > $1 AND u.active' INTO recent USING cutoff;
    RETURN active - recent;
END $$;

CREATE FUNCTION scimlite_brake_time(t timestamptz) RETURNS text
    LANGUAGE sql STABLE
    RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC';

CREATE FUNCTION scimlite_brake_refuse(s brake, p_kind text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'SL503', HINT = 'engaged',
        MESSAGE = format('deprovisioning brake engaged since %s; %s refused', scimlite_brake_time(s.engaged_at), p_kind);
END $$;

-- Records one deprovisioning statement and enforces the brake; raises SL503 to refuse the request.
--   p_removed:      user memberships this statement removes (member_remove, for the bulk limit), else 1
--   p_counted:      how many of them are established (0: only the engaged test applies)
--   p_still_active: 1 when the user being deactivated or deleted is still counted among the active users
CREATE FUNCTION scimlite_brake_check(p_kind text, p_removed integer, p_counted integer, p_still_active integer) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    s        brake := scimlite_brake_settings();
    since    timestamptz;
    total    bigint;
    removals bigint;
    people   bigint;
    everyone bigint;
    wait     interval;
    previous text;
BEGIN
    IF NOT s.enabled THEN
        RETURN;
    END IF;
    IF p_kind = 'member_remove' THEN
        -- Bulk is counted over the whole request: a PATCH may remove members in several operations.
        removals := coalesce(nullif(current_setting('scimlite.members_removed', true), '')::bigint, 0) + p_removed;
        PERFORM set_config('scimlite.members_removed', removals::text, true);
    END IF;
    IF s.engaged THEN
        IF p_kind = 'member_remove' AND removals <= s.bulk_members THEN
            RETURN;
        END IF;
        PERFORM scimlite_brake_refuse(s, p_kind);
    END IF;
    IF p_counted = 0 THEN
        RETURN;
    END IF;

    INSERT INTO deprovisioning_events (kind, n) VALUES (p_kind, p_counted);
    since := greatest(now() - make_interval(secs => s.window_seconds), s.window_start);
    -- Reads at most count_limit / 2 + 1 rows (n >= 1 each), however many the window holds.
    SELECT coalesce(sum(e.n), 0) INTO total
      FROM (SELECT d.n FROM deprovisioning_events d WHERE d.at > since LIMIT s.count_limit / 2 + 1) e;
    IF total <= s.count_limit / 2 THEN
        RETURN;
    END IF;

    -- Near the threshold: one deprovisioning at a time, counting what the others committed. The wait is bounded below
    -- the statement_timeout, so a request that waits too long is still answered by the brake.
    wait := least(interval '5 s', coalesce(nullif(current_setting('statement_timeout')::interval, interval '0'), interval '10 s') / 2);
    previous := current_setting('lock_timeout');
    PERFORM set_config('lock_timeout', (extract(epoch FROM wait) * 1000)::bigint::text, true);
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('scimlite.brake'));
    EXCEPTION WHEN lock_not_available THEN
        PERFORM set_config('lock_timeout', previous, true);
        s := scimlite_brake_settings();
        IF s.engaged THEN
            PERFORM scimlite_brake_refuse(s, p_kind);
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'query_canceled',
            MESSAGE = format('waited %s for the deprovisioning brake''s count', wait);
    END;
    PERFORM set_config('lock_timeout', previous, true);
    -- Engaged while this one waited: refused at once, without counting.
    s := scimlite_brake_settings();
    IF s.engaged THEN
        IF p_kind = 'member_remove' AND removals <= s.bulk_members THEN
            RETURN;
        END IF;
        PERFORM scimlite_brake_refuse(s, p_kind);
    END IF;
    SELECT coalesce(sum(e.n), 0), coalesce(sum(e.n) FILTER (WHERE e.kind <> 'member_remove'), 0)
      INTO total, people FROM deprovisioning_events e WHERE e.at > since;
    IF total <= s.count_limit THEN
        RETURN;
    END IF;
    everyone := scimlite_established_active_users(scimlite_brake_cutoff()) - p_still_active + people;
    IF total > s.share * everyone THEN
        RAISE EXCEPTION USING ERRCODE = 'SL503', HINT = 'crossing',
            MESSAGE = format('%s deprovisionings of established users and memberships since %s (%s users deactivated or '
                             || 'deleted, %s memberships removed): more than %s and more than %s %% of the %s established '
                             || 'users who were active', total, scimlite_brake_time(since), people, total - people,
                             s.count_limit, trim_scale(s.share * 100), everyone);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION scimlite_user_deactivated() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM scimlite_brake_check('deactivate', 1, (OLD.created <= scimlite_brake_cutoff())::integer, 1);
    RETURN NEW;
END $$;

-- User memberships of users who stay (a deleted user's cascaded link rows are that deletion, counted once as 'delete')
-- count when established; group-in-group memberships are refused while engaged and never counted.
CREATE OR REPLACE FUNCTION scimlite_members_removed() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    cutoff      timestamptz := scimlite_brake_cutoff();
    removed     integer;
    established integer;
    nested      integer;
BEGIN
    SELECT count(*) FILTER (WHERE g.user_id IS NOT NULL AND EXISTS (SELECT 1 FROM users u WHERE u.id = g.user_id)),
           count(*) FILTER (WHERE g.user_id IS NOT NULL AND g.created <= cutoff AND EXISTS (SELECT 1 FROM users u WHERE u.id = g.user_id)),
           count(*) FILTER (WHERE g.member_group_id IS NOT NULL)
      INTO removed, established, nested
      FROM gone g;
    IF nested > 0 THEN
        PERFORM scimlite_brake_check('nested_remove', nested, 0, 0);
    END IF;
    IF removed > 0 THEN
        PERFORM scimlite_brake_check('member_remove', removed, established, 0);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION scimlite_user_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM scimlite_brake_check('delete', 1, (OLD.created <= scimlite_brake_cutoff())::integer, OLD.active::integer);
    INSERT INTO tombstones (resource_type, id, name, data, groups, deleted_by)
    VALUES ('User', OLD.id, OLD.user_name, to_jsonb(OLD),
            ARRAY(SELECT l.group_id FROM link l WHERE l.user_id = OLD.id), scimlite_deleted_by());
    RETURN OLD;
END $$;

DROP FUNCTION scimlite_brake_check(text, integer);
