-- Deprovisioning safety: a brake on mass deprovisioning, and tombstones from which deleted users and groups are
-- restored. Everything here is enforced by triggers, so every instance of ScimLite (and any other writer) obeys it.
--
-- The brake
--   * brake: one row (id = true). No row means "disengaged, default settings": the tests' Respawn TRUNCATE and a fresh
--     database both start there. ScimLite writes the settings columns at start-up from Scim:Brake:*; the state columns
--     are written only by an engage (ScimLite, on the first refused request, or `ScimLite brake engage`) and by
--     `ScimLite brake release`.
--   * deprovisioning_events: one row per deprovisioning statement — a user deactivated (active true -> false) or
--     deleted (n = 1), or user memberships removed from groups (n = how many; deleting a group removes its members).
--     The brake counts sum(n) since max(now() - window, window_start) through the index on at.
--   * The threshold is crossed when that sum, this statement's included, is more than count_limit AND more than share
--     of the users who were active (active users now + users deprovisioned in the window). The crossing statement
--     raises SQLSTATE SL503 with HINT 'crossing', so its whole request rolls back; ScimLite, seeing it, engages the
--     brake in a transaction of its own (a rolled-back request cannot persist anything). If that engage is lost, the
--     next deprovisioning crosses again and engages then: the brake never lets one past the threshold either way.
--   * While engaged, a deactivation, a user deletion, or a request that removes more than bulk_members user
--     memberships (group PATCH/PUT, group deletion) raises SL503 with HINT 'engaged'. Creates, other updates,
--     reactivations, reads and small membership changes are untouched.
--   * Near the threshold (more than half of count_limit in the window) the check takes a transaction-level advisory
--     lock and counts again, so concurrent requests cannot all slip under it at once; below that a deactivation pays
--     one primary-key read, one insert and a read of at most count_limit / 2 + 1 index entries.
--
-- Tombstones
--   * A BEFORE DELETE trigger on users and on groups keeps the row as it was (to_jsonb) and its memberships (link rows
--     still exist then): for a user the groups it belonged to, for a group its user members, group members and the
--     groups it belonged to. `ScimLite restore user|group` puts it back; a BackgroundService purges tombstones older
--     than Scim:Tombstones:RetentionDays in small batches.
--   * deleted_by is the transaction setting scimlite.client when the writer sets one, else the connection's
--     application_name.

CREATE TABLE brake (
    id             boolean     NOT NULL DEFAULT true,
    -- settings (Scim:Brake:*), rewritten at every start-up; these defaults are repeated in scimlite_brake_check
    enabled        boolean     NOT NULL DEFAULT true,
    count_limit    integer     NOT NULL DEFAULT 50,
    share          numeric     NOT NULL DEFAULT 0.10,
    window_seconds integer     NOT NULL DEFAULT 900,
    bulk_members   integer     NOT NULL DEFAULT 10,
    -- state
    engaged        boolean     NOT NULL DEFAULT false,
    engaged_at     timestamptz,
    reason         text,
    held           bigint      NOT NULL DEFAULT 0,
    last_held_at   timestamptz,
    released_at    timestamptz,
    window_start   timestamptz,
    CONSTRAINT brake_pkey PRIMARY KEY (id),
    CONSTRAINT brake_one_row CHECK (id)
);

CREATE TABLE deprovisioning_events (
    at   timestamptz NOT NULL DEFAULT now(),
    kind text        NOT NULL,
    n    integer     NOT NULL,
    CONSTRAINT deprovisioning_events_kind CHECK (kind IN ('deactivate', 'delete', 'member_remove'))
);
CREATE INDEX deprovisioning_events_at_idx ON deprovisioning_events (at) INCLUDE (n, kind);

-- Records one deprovisioning statement and enforces the brake; raises SL503 to refuse the request.
CREATE FUNCTION scimlite_brake_check(p_kind text, p_n integer) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    s        brake;
    since    timestamptz;
    total    bigint;
    removals bigint;
    people   bigint;
    active   bigint;
BEGIN
    SELECT * INTO s FROM brake WHERE id;
    IF NOT FOUND THEN
        s := ROW(true, true, 50, 0.10, 900, 10, false, NULL, NULL, 0, NULL, NULL, NULL)::brake;
    END IF;
    IF NOT s.enabled THEN
        RETURN;
    END IF;
    IF p_kind = 'member_remove' THEN
        -- Bulk is counted over the whole request: a PATCH may remove members in several operations.
        removals := coalesce(nullif(current_setting('scimlite.members_removed', true), '')::bigint, 0) + p_n;
        PERFORM set_config('scimlite.members_removed', removals::text, true);
    END IF;
    IF s.engaged AND (p_kind <> 'member_remove' OR removals > s.bulk_members) THEN
        RAISE EXCEPTION USING ERRCODE = 'SL503', HINT = 'engaged',
            MESSAGE = format('deprovisioning brake engaged since %s; %s refused', s.engaged_at, p_kind);
    END IF;

    INSERT INTO deprovisioning_events (kind, n) VALUES (p_kind, p_n);
    since := greatest(now() - make_interval(secs => s.window_seconds), s.window_start);
    -- Reads at most count_limit / 2 + 1 rows (n >= 1 each), however many the window holds.
    SELECT coalesce(sum(e.n), 0) INTO total
      FROM (SELECT d.n FROM deprovisioning_events d WHERE d.at > since LIMIT s.count_limit / 2 + 1) e;
    IF total <= s.count_limit / 2 THEN
        RETURN;
    END IF;
    -- Near the threshold: one deprovisioning at a time, counting what the others committed.
    PERFORM pg_advisory_xact_lock(hashtext('scimlite.brake'));
    SELECT coalesce(sum(e.n), 0), coalesce(sum(e.n) FILTER (WHERE e.kind <> 'member_remove'), 0)
      INTO total, people FROM deprovisioning_events e WHERE e.at > since;
    IF total <= s.count_limit THEN
        RETURN;
    END IF;
    SELECT count(*) INTO active FROM users u WHERE u.active;
    IF total > s.share * (active + people) THEN
        RAISE EXCEPTION USING ERRCODE = 'SL503', HINT = 'crossing',
            MESSAGE = format('%s deprovisionings (%s users) since %s: more than %s and more than %s of %s active users',
                             total, people, since, s.count_limit, s.share, active + people);
    END IF;
END $$;

CREATE FUNCTION scimlite_user_deactivated() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM scimlite_brake_check('deactivate', 1);
    RETURN NEW;
END $$;

CREATE TRIGGER users_deactivation_brake BEFORE UPDATE OF active ON users
    FOR EACH ROW WHEN (OLD.active AND NOT NEW.active) EXECUTE FUNCTION scimlite_user_deactivated();

-- Only removals of users who stay: a deleted user's cascaded link rows are that deletion, counted once as 'delete'.
CREATE FUNCTION scimlite_members_removed() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    removed integer;
BEGIN
    SELECT count(*) INTO removed FROM gone g
     WHERE g.user_id IS NOT NULL AND EXISTS (SELECT 1 FROM users u WHERE u.id = g.user_id);
    IF removed > 0 THEN
        PERFORM scimlite_brake_check('member_remove', removed);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER link_removal_brake AFTER DELETE ON link
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION scimlite_members_removed();

CREATE TABLE tombstones (
    seq           bigint      GENERATED ALWAYS AS IDENTITY,
    resource_type text        NOT NULL,
    id            uuid        NOT NULL,
    name          text        NOT NULL,
    -- the deleted row as to_jsonb(row): what restore writes back with jsonb_populate_record
    data          jsonb       NOT NULL,
    -- groups the user or group was a member of
    groups        uuid[]      NOT NULL DEFAULT '{}',
    -- a group's members, users and nested groups
    member_users  uuid[]      NOT NULL DEFAULT '{}',
    member_groups uuid[]      NOT NULL DEFAULT '{}',
    deleted_at    timestamptz NOT NULL DEFAULT now(),
    deleted_by    text,
    CONSTRAINT tombstones_pkey PRIMARY KEY (seq),
    CONSTRAINT tombstones_resource_type CHECK (resource_type IN ('User', 'Group'))
);
CREATE INDEX tombstones_id_idx ON tombstones (id);
CREATE INDEX tombstones_name_idx ON tombstones (resource_type, lower(name));
CREATE INDEX tombstones_deleted_at_idx ON tombstones (deleted_at);

CREATE FUNCTION scimlite_deleted_by() RETURNS text
    LANGUAGE sql STABLE
    RETURN coalesce(nullif(current_setting('scimlite.client', true), ''), nullif(current_setting('application_name'), ''));

CREATE FUNCTION scimlite_user_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM scimlite_brake_check('delete', 1);
    INSERT INTO tombstones (resource_type, id, name, data, groups, deleted_by)
    VALUES ('User', OLD.id, OLD.user_name, to_jsonb(OLD),
            ARRAY(SELECT l.group_id FROM link l WHERE l.user_id = OLD.id), scimlite_deleted_by());
    RETURN OLD;
END $$;

CREATE TRIGGER users_tombstone BEFORE DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION scimlite_user_deleted();

-- A group's deletion is checked by link_removal_brake when its members' link rows go (a bulk removal).
CREATE FUNCTION scimlite_group_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tombstones (resource_type, id, name, data, groups, member_users, member_groups, deleted_by)
    VALUES ('Group', OLD.id, OLD.display_name, to_jsonb(OLD),
            ARRAY(SELECT l.group_id FROM link l WHERE l.member_group_id = OLD.id),
            ARRAY(SELECT l.user_id FROM link l WHERE l.group_id = OLD.id AND l.user_id IS NOT NULL),
            ARRAY(SELECT l.member_group_id FROM link l WHERE l.group_id = OLD.id AND l.member_group_id IS NOT NULL),
            scimlite_deleted_by());
    RETURN OLD;
END $$;

CREATE TRIGGER groups_tombstone BEFORE DELETE ON groups
    FOR EACH ROW EXECUTE FUNCTION scimlite_group_deleted();
