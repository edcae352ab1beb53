-- The deprovisioning brake at a lower cost per write; what it enforces is unchanged (sql/0009_brake_established.sql).
--
-- Each deactivation, deletion and membership removal ran the brake's check, which read the settings row through
-- SQL functions (scimlite_brake_settings, scimlite_brake_cutoff) two or three times; a SQL function whose body holds
-- a subquery is not inlined, so each read set up an executor of its own, and that was most of the check's cost
-- (about 200 µs of PostgreSQL's CPU per deactivation). Now the triggers read the row once, directly:
--   * brake disabled: the trigger returns at once;
--   * a deactivation or deletion of a user who is not established (created within the grace), with the brake not
--     engaged: the check would count nothing and refuse nothing, so the trigger returns at once;
--   * otherwise the check runs as before, reading the row directly too;
--   * membership removals with the brake disabled: the trigger returns before counting the removed rows.

CREATE OR REPLACE FUNCTION scimlite_brake_check(p_kind text, p_removed integer, p_counted integer, p_still_active integer) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    s        brake;
    since    timestamptz;
    total    bigint;
    removals bigint;
    people   bigint;
    everyone bigint;
    wait     interval;
    previous text;
BEGIN
    SELECT b.* INTO s FROM brake b WHERE b.id;
    IF NOT FOUND THEN
        s := scimlite_brake_settings();
    END IF;
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


-- Deactivation: the user's row before the update is OLD.
CREATE OR REPLACE FUNCTION scimlite_user_deactivated() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    s           brake;
    established boolean;
BEGIN
    SELECT b.* INTO s FROM brake b WHERE b.id;
    IF NOT FOUND THEN
        s := scimlite_brake_settings();
    END IF;
    established := OLD.created <= now() - make_interval(secs => coalesce(s.grace_seconds, s.window_seconds));
    IF NOT s.enabled OR NOT (s.engaged OR established) THEN
        RETURN NEW;
    END IF;
    PERFORM scimlite_brake_check('deactivate', 1, established::integer, 1);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION scimlite_user_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    s           brake;
    established boolean;
BEGIN
    SELECT b.* INTO s FROM brake b WHERE b.id;
    IF NOT FOUND THEN
        s := scimlite_brake_settings();
    END IF;
    established := OLD.created <= now() - make_interval(secs => coalesce(s.grace_seconds, s.window_seconds));
    IF s.enabled AND (s.engaged OR established) THEN
        PERFORM scimlite_brake_check('delete', 1, established::integer, OLD.active::integer);
    END IF;
    INSERT INTO tombstones (resource_type, id, name, data, groups, deleted_by)
    VALUES ('User', OLD.id, OLD.user_name, to_jsonb(OLD),
            ARRAY(SELECT l.group_id FROM link l WHERE l.user_id = OLD.id), scimlite_deleted_by());
    RETURN OLD;
END $$;

-- Membership removals: the check runs whenever the brake is enabled (it also adds up a request's removals for the
-- bulk limit while engaged); only the settings are read once here instead of through scimlite_brake_cutoff().
CREATE OR REPLACE FUNCTION scimlite_members_removed() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    s           brake;
    cutoff      timestamptz;
    removed     integer;
    established integer;
    nested      integer;
BEGIN
    SELECT b.* INTO s FROM brake b WHERE b.id;
    IF NOT FOUND THEN
        s := scimlite_brake_settings();
    END IF;
    IF NOT s.enabled THEN
        RETURN NULL;
    END IF;
    cutoff := now() - make_interval(secs => coalesce(s.grace_seconds, s.window_seconds));
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
