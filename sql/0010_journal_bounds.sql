-- Journal rows that stay small, and restores journalled as such (0003_journal.sql, 0008_journal_cost.sql).
--
-- 1. Multi-valued attributes are journalled as the items added and removed, not the whole old and new array: a core
--    jsonb array (emails, phone_numbers, ims, photos, addresses, entitlements, roles, x509_certificates) changes as
--    "emails": {"added": [item, …], "removed": [item, …]} (both lists always present; items compared as whole JSON
--    values; a change of order or of repeated items alone leaves both empty). A created row lists its items as
--    added, a deleted row as removed.
-- 2. The extensions document is journalled per custom attribute, not as one value: a changed attribute is a key of
--    its own, named <extension URN>:<attribute>, e.g. "urn:…:acme:2.0:User:costCode": {"old": "C-17", "new": "C-18"},
--    and a multi-valued one {"added": […], "removed": […]}. A PATCH of one attribute writes only that key, however
--    large the rest of the document.
-- 3. A row is bounded: when its changes, as JSON text, exceed scimlite.journal_max_bytes (a setting the trigger
--    reads: ALTER DATABASE … SET scimlite.journal_max_bytes = '131072'; default 65536, at least 4096), it keeps what
--    fits and says so: changes gains "truncated": true and "original_bytes": <size of the full changes as JSON text>.
--    Keys are kept smallest first, whole while each fits its share of the bound; a larger one is cut: a list (added,
--    removed, a membership row's members) keeps its leading items and counts the rest in "more_added" /
--    "more_removed" beside it; an old / new value too long keeps a prefix of a string (any other value is dropped)
--    and its change gains "truncated": true. The size is measured only when the row's stored size could exceed the
--    smallest bound (pg_column_size above 4096 / 6, as escaping one byte takes at most six), so a common small write
--    pays one size read.
-- 4. `ScimLite restore` sets scimlite.method to RESTORE (and scimlite.client to the operator): the row it inserts is
--    journalled as action "restored" instead of "created", and the memberships it puts back as members_added rows
--    with the same client and request id.

-- The object, or {} for anything else (NULL, an array, a scalar).
CREATE FUNCTION journal_object(value jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN jsonb_typeof(value) = 'object' THEN value ELSE '{}'::jsonb END;

-- The items of `new_items` that are not in `old_items` and the other way round, as {"added": […], "removed": […]};
-- an item is added when no equal item (as a whole JSON value) was there before, removed when none is there after.
-- plpgsql, like the functions below that run a query: a SQL function with a subquery is not inlined, and is parsed
-- and planned again at each trigger call, where plpgsql keeps its plan for the session.
CREATE FUNCTION journal_items_diff(old_items jsonb, new_items jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN jsonb_build_object(
        'added', (SELECT coalesce(jsonb_agg(t.v ORDER BY t.i), '[]'::jsonb)
                    FROM jsonb_array_elements(new_items) WITH ORDINALITY AS t(v, i)
                   WHERE t.v NOT IN (SELECT jsonb_array_elements(old_items))),
        'removed', (SELECT coalesce(jsonb_agg(t.v ORDER BY t.i), '[]'::jsonb)
                      FROM jsonb_array_elements(old_items) WITH ORDINALITY AS t(v, i)
                     WHERE t.v NOT IN (SELECT jsonb_array_elements(new_items))));
END $$;

-- One attribute's change, for two values that differ: {"added": […], "removed": […]} when both sides are arrays (or
-- absent), else {"old", "new"}. A created or deleted value is all added or all removed, and one item replaced by
-- another is that item, without comparing anything. plpgsql: inlined into the trigger's query, its expression would
-- evaluate the attribute's lookups again at each reference, which costs a created row more than this call.
CREATE FUNCTION journal_attribute_change(old_value jsonb, new_value jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF coalesce(jsonb_typeof(old_value), 'array') <> 'array' OR coalesce(jsonb_typeof(new_value), 'array') <> 'array' THEN
        RETURN jsonb_strip_nulls(jsonb_build_object('old', old_value, 'new', new_value));
    ELSIF old_value IS NULL THEN
        RETURN jsonb_build_object('added', new_value, 'removed', '[]'::jsonb);
    ELSIF new_value IS NULL THEN
        RETURN jsonb_build_object('added', '[]'::jsonb, 'removed', old_value);
    ELSIF jsonb_array_length(old_value) = 1 AND jsonb_array_length(new_value) = 1 THEN
        RETURN jsonb_build_object('added', new_value, 'removed', old_value);
    END IF;
    RETURN journal_items_diff(old_value, new_value);
END $$;

-- The changes entries of the extensions column: "<urn>:<attribute>" -> its change, for each custom attribute whose
-- value differs (JSON null counts as absent). A section that is not an object is one entry named by its URN, and a
-- document that is not an object one entry "extensions"; ScimLite writes neither (scim_extension_set).
CREATE FUNCTION journal_extension_changes(old_doc jsonb, new_doc jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF coalesce(jsonb_typeof(old_doc), 'object') <> 'object' OR coalesce(jsonb_typeof(new_doc), 'object') <> 'object' THEN
        RETURN jsonb_build_object('extensions', jsonb_strip_nulls(jsonb_build_object('old', old_doc, 'new', new_doc)));
    END IF;
    RETURN (
        SELECT coalesce(jsonb_object_agg(a.name, journal_attribute_change(a.o, a.n)), '{}'::jsonb)
          FROM jsonb_object_keys(journal_object(old_doc) || journal_object(new_doc)) AS s(urn)
          CROSS JOIN LATERAL (
              SELECT s.urn || ':' || x.attr, nullif(old_doc -> s.urn -> x.attr, 'null'::jsonb), nullif(new_doc -> s.urn -> x.attr, 'null'::jsonb)
                FROM jsonb_object_keys(journal_object(old_doc -> s.urn) || journal_object(new_doc -> s.urn)) AS x(attr)
               WHERE coalesce(jsonb_typeof(old_doc -> s.urn), 'object') = 'object'
                 AND coalesce(jsonb_typeof(new_doc -> s.urn), 'object') = 'object'
              UNION ALL
              SELECT s.urn, nullif(old_doc -> s.urn, 'null'::jsonb), nullif(new_doc -> s.urn, 'null'::jsonb)
               WHERE coalesce(jsonb_typeof(old_doc -> s.urn), 'object') <> 'object'
                  OR coalesce(jsonb_typeof(new_doc -> s.urn), 'object') <> 'object') AS a(name, o, n)
         WHERE a.o IS DISTINCT FROM a.n);
END $$;

-- The bound on a row's changes as JSON text: scimlite.journal_max_bytes when it is a number, at least 4096.
CREATE FUNCTION journal_max_bytes() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN greatest(CASE WHEN journal_setting('scimlite.journal_max_bytes') ~ '^\s*\d{1,9}\s*$'
                         THEN journal_setting('scimlite.journal_max_bytes')::integer ELSE 65536 END, 4096);

-- A list under `name` cut to fit `room` bytes of JSON text with its name: {name: [its leading items that fit]}, and
-- "more_<name>": how many were left out, when any were. Measures items only until the room is used up.
CREATE FUNCTION journal_list_cut(name text, items jsonb, room bigint) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    -- room less the two names, their quotes and separators, brackets and a count of up to 10 digits
    budget bigint := room - 2 * octet_length(name) - 31;
    item   jsonb;
    fits   integer := 0;
    total  integer := jsonb_array_length(items);
BEGIN
    FOR item IN SELECT t.v FROM jsonb_array_elements(items) AS t(v) LOOP
        budget := budget - octet_length(item::text) - 2;
        EXIT WHEN budget < 0;
        fits := fits + 1;
    END LOOP;
    RETURN jsonb_build_object(name, (SELECT coalesce(jsonb_agg(t.v ORDER BY t.i), '[]'::jsonb)
                                       FROM jsonb_array_elements(items) WITH ORDINALITY AS t(v, i) WHERE t.i <= fits))
           || CASE WHEN total > fits THEN jsonb_build_object('more_' || name, total - fits) ELSE '{}'::jsonb END;
END $$;

-- A value cut to fit `room` bytes of JSON text: a string keeps a prefix, anything else too long is dropped (NULL).
CREATE FUNCTION journal_value_cut(value jsonb, room bigint) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    chars bigint;
    cut   jsonb;
    bytes bigint;
BEGIN
    IF octet_length(value::text) <= room THEN
        RETURN value;
    ELSIF jsonb_typeof(value) <> 'string' OR room < 3 THEN
        RETURN NULL;
    END IF;
    -- A character takes 1 to 6 bytes as JSON text (UTF-8, escapes): shrink in proportion until the prefix fits.
    chars := least(room - 2, 1073741823);
    LOOP
        cut := to_jsonb(left(value #>> '{}', chars::integer));
        bytes := octet_length(cut::text);
        EXIT WHEN bytes <= room OR chars = 0;
        chars := least(chars - 1, chars * (room - 2) / bytes);
    END LOOP;
    RETURN cut;
END $$;

-- An object's entries cut to fit about `room` bytes of JSON text, smallest (stored) first, each whole while it fits
-- its share of what is left: a list is cut by journal_list_cut, an object (a change) by this function again, any
-- other value by journal_value_cut. Gains "truncated": true when a value was cut or dropped (a cut list says so by
-- its count instead). An entry whose stored size proves it fits (six times it, see journal_bound) is not measured.
CREATE FUNCTION journal_cut(entries jsonb, room bigint) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    kept    jsonb := '{}'::jsonb;
    entry   record;
    left_n  integer;
    share   bigint;
    cut     jsonb;
    trimmed boolean := false;
BEGIN
    room := room - 22; -- braces and a "truncated": true
    SELECT count(*) INTO left_n FROM jsonb_object_keys(entries);
    FOR entry IN SELECT e.key, e.value, octet_length(e.key) + 6 + 6 * pg_column_size(e.value) AS most
                   FROM jsonb_each(entries) AS e ORDER BY 3, 1 LOOP
        share := (room - octet_length(kept::text)) / left_n;
        left_n := left_n - 1;
        IF entry.most <= share OR octet_length(entry.key) + 6 + octet_length(entry.value::text) <= share THEN
            kept := kept || jsonb_build_object(entry.key, entry.value);
        ELSIF jsonb_typeof(entry.value) = 'array' THEN
            kept := kept || journal_list_cut(entry.key, entry.value, share);
        ELSE
            cut := CASE WHEN jsonb_typeof(entry.value) = 'object'
                          THEN journal_cut(entry.value, share - octet_length(entry.key) - 6)
                          ELSE journal_value_cut(entry.value, share - octet_length(entry.key) - 6) END;
            trimmed := trimmed OR cut IS NULL OR (jsonb_typeof(entry.value) <> 'object' AND cut <> entry.value);
            kept := kept || jsonb_strip_nulls(jsonb_build_object(entry.key, cut));
        END IF;
    END LOOP;
    RETURN CASE WHEN trimmed THEN kept || '{"truncated": true}'::jsonb ELSE kept END;
END $$;

-- The changes of one row within journal_max_bytes(), as described in the header (3); a membership row's list is cut
-- like a change's, its count beside it.
CREATE FUNCTION journal_truncate(changes jsonb) RETURNS jsonb
    LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    max_bytes integer := journal_max_bytes();
    total     bigint := octet_length(changes::text);
    kept      jsonb;
BEGIN
    IF total <= max_bytes THEN
        RETURN changes;
    END IF;
    -- 40 bytes for "truncated" and "original_bytes"; journal_cut's own "truncated" is replaced by the row's.
    kept := journal_cut(changes, max_bytes - 40) || jsonb_build_object('truncated', true, 'original_bytes', total);
    -- Only a row of very many keys can still be over (each keeps a few bytes): then the marker alone.
    IF octet_length(kept::text) > max_bytes THEN
        RETURN jsonb_build_object('truncated', true, 'original_bytes', total);
    END IF;
    RETURN kept;
END $$;

-- The changes as journalled: unchanged unless the row could be over the bound (one size read; 682 = 4096 / 6).
CREATE FUNCTION journal_bound(changes jsonb) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE WHEN pg_column_size(changes) > 682 THEN journal_truncate(changes) ELSE changes END;

-- A membership row's changes, {word: members}, within journal_max_bytes(): its leading members and "more_<word>",
-- without taking the (possibly huge) list apart as journal_truncate would.
CREATE FUNCTION journal_members_truncate(word text, members jsonb) RETURNS jsonb
    LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    max_bytes integer := journal_max_bytes();
    total     bigint := octet_length(members::text) + octet_length(word) + 6; -- {"word": […]}
BEGIN
    IF total <= max_bytes THEN
        RETURN jsonb_build_object(word, members);
    END IF;
    RETURN journal_list_cut(word, members, max_bytes - 40) || jsonb_build_object('truncated', true, 'original_bytes', total);
END $$;

-- The changes of a membership row, {word: members}, as journalled (see journal_bound).
CREATE FUNCTION journal_members_bound(word text, members jsonb) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE WHEN pg_column_size(members) > 682 THEN journal_members_truncate(word, members)
                ELSE jsonb_build_object(word, members) END;

CREATE OR REPLACE FUNCTION journal_resource_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    diff    jsonb;
    kind    text;
BEGIN
    -- Attribute -> its change for every attribute whose value differs; JSON null counts as absent. Both rows have the
    -- same keys (the table's columns), so the keys of either are all there are. Only a differing attribute reaches
    -- the CASE, so the common write pays nothing for the multi-valued and extension arms.
    SELECT jsonb_object_agg(
               CASE WHEN d.k = 'password_hash' THEN 'password' ELSE d.k END,
               CASE WHEN d.k = 'password_hash' THEN to_jsonb(CASE WHEN d.n IS NULL THEN 'cleared' ELSE 'set' END)
                    WHEN d.k = 'extensions' THEN journal_extension_changes(d.o, d.n)
                    WHEN jsonb_typeof(d.o) = 'array' OR jsonb_typeof(d.n) = 'array' THEN journal_attribute_change(d.o, d.n)
                    ELSE jsonb_strip_nulls(jsonb_build_object('old', d.o, 'new', d.n)) END)
      INTO diff
      FROM (SELECT k, nullif(old_row -> k, 'null'::jsonb) AS o, nullif(new_row -> k, 'null'::jsonb) AS n
              FROM jsonb_object_keys(coalesce(new_row, old_row)) AS k
             WHERE k NOT IN ('id', 'version', 'created', 'last_modified')) AS d
     WHERE d.o IS DISTINCT FROM d.n;
    IF diff ? 'extensions' THEN
        -- The custom attributes' entries replace the column's ({} when no attribute's value differs).
        diff := nullif((diff - 'extensions') || (diff -> 'extensions'), '{}'::jsonb);
    END IF;
    IF diff IS NULL THEN
        RETURN NULL; -- an UPDATE that changed nothing but bookkeeping
    END IF;
    kind := CASE
        WHEN TG_OP = 'INSERT' THEN CASE WHEN journal_setting('scimlite.method') = 'RESTORE' THEN 'restored' ELSE 'created' END
        WHEN TG_OP = 'DELETE' THEN 'deleted'
        -- deactivation is what an application reacts to, so it wins over everything else in the same write
        WHEN diff ? 'active' THEN CASE WHEN (new_row ->> 'active')::boolean THEN 'reactivated' ELSE 'deactivated' END
        WHEN diff ? TG_ARGV[1] THEN 'renamed'
        ELSE CASE journal_setting('scimlite.method') WHEN 'PUT' THEN 'replaced' WHEN 'PATCH' THEN 'patched' ELSE 'updated' END
    END;
    INSERT INTO journal (client, request_id, resource_type, resource_id, name, action, changes)
    VALUES (journal_setting('scimlite.client'), journal_setting('scimlite.request_id'), TG_ARGV[0],
            (coalesce(new_row, old_row) ->> 'id')::uuid, coalesce(new_row, old_row) ->> TG_ARGV[1], kind,
            journal_bound(diff));
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
           kind, journal_members_bound(word, m.members)
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
