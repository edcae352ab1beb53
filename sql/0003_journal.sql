-- The provisioning journal: one row per effective change to users, groups and memberships, written by triggers in
-- the same transaction as the change (a rolled-back request leaves no row; an UPDATE that changed nothing leaves
-- none), and a NOTIFY on channel scimlite_journal carrying the row's seq, which PostgreSQL delivers after commit.
--
-- Who and which request: ScimLite sets the transaction-local settings scimlite.client (the client's name, never its
-- token), scimlite.request_id and scimlite.method at the start of every write transaction (ScimLite/Data/Db.cs); a
-- change made outside ScimLite (psql, a migration) is journalled with them NULL.
--
-- changes: attribute (column name) -> {"old": …, "new": …}; a key is absent where the value is NULL, so a created
-- row has only "new" and a deleted row only "old". The password is never copied: "password" is the string "set" or
-- "cleared". Bookkeeping columns (id, version, created, last_modified) are left out. Membership rows list members:
-- {"added": [{"value": id, "type": "User"|"Group", "display": name}, …]} or {"removed": […]}.
--
-- Ordering and the change feed: seq is assigned when the row is written, not when its transaction commits, so a
-- transaction may commit a lower seq after another committed a higher one. A reader that must not miss rows orders
-- by (xid, seq) and reads only below the oldest running transaction: see "Journal and change feed" in README.md.

CREATE TABLE journal (
    seq           bigint      GENERATED ALWAYS AS IDENTITY,
    at            timestamptz NOT NULL DEFAULT now(),
    -- the writing transaction; with pg_snapshot_xmin(pg_current_snapshot()) it tells a reader which rows are final
    xid           xid8        NOT NULL DEFAULT pg_current_xact_id(),
    client        text,
    request_id    text,
    resource_type text        NOT NULL,
    resource_id   uuid        NOT NULL,
    -- userName / displayName at that moment (the old one for a deletion)
    name          text,
    action        text        NOT NULL,
    changes       jsonb       NOT NULL,
    CONSTRAINT journal_pkey PRIMARY KEY (seq),
    CONSTRAINT journal_resource_type_check CHECK (resource_type IN ('User', 'Group'))
);

-- "Everything about one resource", in order.
CREATE INDEX journal_resource_idx ON journal (resource_id, seq);
-- "Which resources were ever called alice": finds deleted and renamed users too.
CREATE INDEX journal_name_idx ON journal (lower(name));
-- The change feed's cursor order (see the header).
CREATE INDEX journal_feed_idx ON journal (xid, seq);

-- The member ids of a members_added / members_removed row, so "what happened to alice" finds her group changes.
CREATE FUNCTION journal_member_ids(changes jsonb) RETURNS uuid[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT (m ->> 'value')::uuid
                   FROM jsonb_array_elements(coalesce(changes -> 'added', changes -> 'removed', '[]'::jsonb)) AS m);
CREATE INDEX journal_member_idx ON journal USING gin (journal_member_ids(changes))
    WHERE action IN ('members_added', 'members_removed');

-- The setting, or NULL when unset (a setting once set in a session reads '' in its later transactions).
CREATE FUNCTION journal_setting(name text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN nullif(current_setting(name, true), '');

-- Attribute -> {old, new} for every attribute whose value differs; JSON null counts as absent.
CREATE FUNCTION journal_changes(old_row jsonb, new_row jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
        SELECT coalesce(jsonb_object_agg(
                   CASE WHEN k = 'password_hash' THEN 'password' ELSE k END,
                   CASE WHEN k = 'password_hash' THEN to_jsonb(CASE WHEN n IS NULL THEN 'cleared' ELSE 'set' END)
                        ELSE jsonb_strip_nulls(jsonb_build_object('old', o, 'new', n)) END), '{}'::jsonb)
          FROM (SELECT k, nullif(old_row -> k, 'null'::jsonb) AS o, nullif(new_row -> k, 'null'::jsonb) AS n
                  FROM jsonb_object_keys(coalesce(old_row, '{}'::jsonb) || coalesce(new_row, '{}'::jsonb)) AS k
                 WHERE k NOT IN ('id', 'version', 'created', 'last_modified')) AS d
         WHERE o IS DISTINCT FROM n);

-- Row trigger of users and groups. TG_ARGV: resource type ('User'/'Group'), the name column.
CREATE FUNCTION journal_resource_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    diff    jsonb := journal_changes(old_row, new_row);
    kind    text;
    written bigint;
BEGIN
    IF diff = '{}'::jsonb THEN
        RETURN NULL; -- an UPDATE that changed nothing but bookkeeping
    END IF;
    kind := CASE
        WHEN TG_OP = 'INSERT' THEN 'created'
        WHEN TG_OP = 'DELETE' THEN 'deleted'
        -- deactivation is what an application reacts to, so it wins over everything else in the same write
        WHEN diff ? 'active' THEN CASE WHEN (new_row ->> 'active')::boolean THEN 'reactivated' ELSE 'deactivated' END
        WHEN diff ? TG_ARGV[1] THEN 'renamed'
        ELSE CASE journal_setting('scimlite.method') WHEN 'PUT' THEN 'replaced' WHEN 'PATCH' THEN 'patched' ELSE 'updated' END
    END;
    INSERT INTO journal (client, request_id, resource_type, resource_id, name, action, changes)
    VALUES (journal_setting('scimlite.client'), journal_setting('scimlite.request_id'), TG_ARGV[0],
            (coalesce(new_row, old_row) ->> 'id')::uuid, coalesce(new_row, old_row) ->> TG_ARGV[1], kind, diff)
    RETURNING seq INTO written;
    PERFORM pg_notify('scimlite_journal', written::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER users_journal AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION journal_resource_change('User', 'user_name');
CREATE TRIGGER groups_journal AFTER INSERT OR UPDATE OR DELETE ON groups
    FOR EACH ROW EXECUTE FUNCTION journal_resource_change('Group', 'display_name');

-- Statement triggers of link: one journal row per group per statement, listing its members, so adding 1,000 members
-- writes one row. A member's display is its current name, or the last name the journal knew (a deleted user).
-- Deleting a user or group cascades here: each group it was in gets a members_removed row (the user's own row says
-- deleted). The memberships of a deleted group itself are not listed: its own deleted row stands for them.
CREATE FUNCTION journal_membership_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    kind text := CASE TG_OP WHEN 'INSERT' THEN 'members_added' ELSE 'members_removed' END;
    word text := CASE TG_OP WHEN 'INSERT' THEN 'added' ELSE 'removed' END;
    written bigint;
BEGIN
    FOR written IN
        INSERT INTO journal (client, request_id, resource_type, resource_id, name, action, changes)
        SELECT journal_setting('scimlite.client'), journal_setting('scimlite.request_id'), 'Group', g.id, g.display_name,
               kind, jsonb_build_object(word, m.members)
          FROM (SELECT c.group_id,
                       jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                           'value', coalesce(c.user_id, c.member_group_id),
                           'type', CASE WHEN c.user_id IS NOT NULL THEN 'User' ELSE 'Group' END,
                           'display', coalesce(u.user_name, mg.display_name,
                               (SELECT j.name FROM journal j WHERE j.resource_id = coalesce(c.user_id, c.member_group_id)
                                 ORDER BY j.seq DESC LIMIT 1))))
                           ORDER BY c.user_id, c.member_group_id) AS members
                  FROM changed c
                  LEFT JOIN users u ON u.id = c.user_id
                  LEFT JOIN groups mg ON mg.id = c.member_group_id
                 GROUP BY c.group_id) AS m
          JOIN groups g ON g.id = m.group_id
         ORDER BY g.id
        RETURNING seq
    LOOP
        PERFORM pg_notify('scimlite_journal', written::text);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER link_journal_insert AFTER INSERT ON link
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION journal_membership_change();
CREATE TRIGGER link_journal_delete AFTER DELETE ON link
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION journal_membership_change();
