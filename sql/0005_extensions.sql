-- Everything the identity provider sends: custom attributes (declared schema extensions) and managers as sent.
--
-- Custom attributes: one jsonb column per resource table, keyed by extension URN, then attribute name:
--   {"urn:ietf:params:scim:schemas:extension:acme:2.0:User": {"costCode": "C-17", "badges": ["a", "b"]}}
-- NULL when the resource has no custom attribute. Values keep their JSON type (string, number, boolean; dateTime as
-- an ISO 8601 string; multi-valued attributes as arrays). Values of extensions no longer declared stay here.
-- Read one:  SELECT extensions -> 'urn:…:acme:2.0:User' ->> 'costCode' FROM users;
-- Index one for eq (must match the compiled filter exactly):
--   CREATE INDEX ON users (lower(extensions -> 'urn:…:acme:2.0:User' ->> 'costCode'));   -- caseExact: false
--   CREATE INDEX ON users ((extensions -> 'urn:…:acme:2.0:User' ->> 'costCode'));        -- caseExact: true
ALTER TABLE users ADD COLUMN extensions jsonb;
ALTER TABLE groups ADD COLUMN extensions jsonb;

-- manager.value as sent. manager_id stays the foreign key, set when the value is the id of a user, so the reporting
-- relationship is still a join; a value that names nobody (a free-form manager id, a manager not yet provisioned) is
-- kept here and returned as sent.
ALTER TABLE users ADD COLUMN manager_value text;
UPDATE users SET manager_value = manager_id::text WHERE manager_id IS NOT NULL;

-- The id of the user a manager.value names, or NULL (not a UUID, or no such user).
CREATE FUNCTION scim_user_id(value text) RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT u.id FROM users u
     WHERE u.id = CASE WHEN value ~* '^\{?[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}\}?$' THEN value::uuid END
$$;

-- One custom attribute set (value: jsonb) or removed (value NULL or JSON null) in an extensions document; an
-- extension left without attributes is dropped, and an empty document is NULL. plpgsql, so a PATCH of many steps
-- nests calls rather than copies of the document's expression.
CREATE FUNCTION scim_extension_set(doc jsonb, urn text, attr text, value jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    section jsonb := CASE WHEN jsonb_typeof(doc -> urn) = 'object' THEN doc -> urn ELSE '{}'::jsonb END;
BEGIN
    IF value IS NULL OR value = 'null'::jsonb OR value = '[]'::jsonb THEN
        section := section - attr;
    ELSE
        section := section || jsonb_build_object(attr, value);
    END IF;
    IF section = '{}'::jsonb THEN
        doc := coalesce(doc, '{}'::jsonb) - urn;
    ELSE
        doc := coalesce(doc, '{}'::jsonb) || jsonb_build_object(urn, section);
    END IF;
    RETURN nullif(doc, '{}'::jsonb);
END
$$;
