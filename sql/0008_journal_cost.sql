-- The journal at a lower cost per write; what it records is unchanged (0003_journal.sql).
--
-- 1. The triggers no longer NOTIFY. PostgreSQL lets one notifying transaction commit at a time (a notifying commit
--    holds a database-wide lock until its WAL is flushed), so a NOTIFY per row made every write wait for every other
--    write's disk flush. ScimLite's journal notifier (ScimLite/Journal/JournalNotifier.cs) announces the feed
--    instead: it watches the feed's head and sends one NOTIFY scimlite_journal, '<seq>' when the head moves, with
--    journal_feed below keeping instances from announcing the same head twice.
-- 2. The attribute diff is computed inside the trigger, over the keys of one row, instead of by journal_changes: a
--    SQL function with a subquery is not inlined, so each call set up an executor of its own, and that was most of
--    a journalled write's cost.

CREATE OR REPLACE FUNCTION journal_resource_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    diff    jsonb;
    kind    text;
BEGIN
    -- Attribute -> {old, new} for every attribute whose value differs; JSON null counts as absent. Both rows have the
    -- same keys (the table's columns), so the keys of either are all there are.
    SELECT jsonb_object_agg(
               CASE WHEN d.k = 'password_hash' THEN 'password' ELSE d.k END,
               CASE WHEN d.k = 'password_hash' THEN to_jsonb(CASE WHEN d.n IS NULL THEN 'cleared' ELSE 'set' END)
                    ELSE jsonb_strip_nulls(jsonb_build_object('old', d.o, 'new', d.n)) END)
      INTO diff
      FROM (SELECT k, nullif(old_row -> k, 'null'::jsonb) AS o, nullif(new_row -> k, 'null'::jsonb) AS n
              FROM jsonb_object_keys(coalesce(new_row, old_row)) AS k
             WHERE k NOT IN ('id', 'version', 'created', 'last_modified')) AS d
     WHERE d.o IS DISTINCT FROM d.n;
    IF diff IS NULL THEN
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
            (coalesce(new_row, old_row) ->> 'id')::uuid, coalesce(new_row, old_row) ->> TG_ARGV[1], kind, diff);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION journal_membership_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    kind text := CASE TG_OP WHEN 'INSERT' THEN 'members_added' ELSE 'members_removed' END;
    word text := CASE TG_OP WHEN 'INSERT' THEN 'added' ELSE 'removed' END;
BEGIN
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
     ORDER BY g.id;
    RETURN NULL;
END
$$;

DROP FUNCTION journal_changes(jsonb, jsonb);

-- The last feed position announced on scimlite_journal, shared by every ScimLite instance: an instance announces a
-- head only by moving this row forward, so a head is announced once however many instances watch it.
CREATE TABLE journal_feed (
    only_row boolean NOT NULL DEFAULT true,
    xid      xid8    NOT NULL,
    seq      bigint  NOT NULL,
    CONSTRAINT journal_feed_pkey PRIMARY KEY (only_row),
    CONSTRAINT journal_feed_only_row_check CHECK (only_row)
);
INSERT INTO journal_feed (xid, seq)
SELECT coalesce(max(xid), '0'::xid8), coalesce(max(seq), 0) FROM journal;
