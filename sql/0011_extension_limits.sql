-- Limits on what a resource's multi-valued attributes and custom attributes may hold, and a safe dateTime reading of
-- custom attribute values.
--
-- A PATCH add appends to what is stored without reading it (ScimLite never loads and saves a resource), so only the
-- UPDATE itself sees the size the value reaches: every step's result passes through scim_within_limits, which raises
-- SQLSTATE SL400 (answered 400 invalidValue with the message) when the value is over a limit. POST and PUT pass their
-- values through it too, so every verb measures the same way.

-- value: a jsonb array (emails, addresses, …) or an extensions document ({urn: {attr: value}}).
--   max_items: most items of the array, or of each multi-valued custom attribute in the document (0: no limit).
--   max_bytes: most bytes of the document as JSON text, octet_length(value::text) (0: no limit).
-- Returns value unchanged when within the limits.
CREATE FUNCTION scim_within_limits(value jsonb, max_items integer, max_bytes integer) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    bytes integer;
    over record;
BEGIN
    IF value IS NULL THEN
        RETURN NULL;
    END IF;
    IF jsonb_typeof(value) = 'array' THEN
        IF max_items > 0 AND jsonb_array_length(value) > max_items THEN
            RAISE EXCEPTION USING ERRCODE = 'SL400', MESSAGE = format(
                'The attribute would hold %s values; at most %s are allowed (limit Scim:MaxMultiValuedItems).',
                jsonb_array_length(value), max_items);
        END IF;
        RETURN value;
    END IF;
    IF jsonb_typeof(value) <> 'object' THEN
        RETURN value;
    END IF;
    IF max_bytes > 0 THEN
        bytes := octet_length(value::text);
        IF bytes > max_bytes THEN
            RAISE EXCEPTION USING ERRCODE = 'SL400', MESSAGE = format(
                'The custom attributes of this resource would take %s bytes; at most %s are allowed (limit Scim:MaxExtensionBytes).',
                bytes, max_bytes);
        END IF;
    END IF;
    IF max_items > 0 THEN
        -- CASE, not AND: PostgreSQL may evaluate AND's operands in any order, and a scalar has no array length.
        SELECT u.key AS urn, a.key AS attr, jsonb_array_length(a.value) AS n INTO over
          FROM jsonb_each(value) AS u,
               jsonb_each(CASE WHEN jsonb_typeof(u.value) = 'object' THEN u.value ELSE '{}'::jsonb END) AS a
         WHERE CASE WHEN jsonb_typeof(a.value) = 'array' THEN jsonb_array_length(a.value) > max_items ELSE false END
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'SL400', MESSAGE = format(
                '''%s:%s'' would hold %s values; at most %s are allowed (limit Scim:MaxMultiValuedItems).',
                over.urn, over.attr, over.n, max_items);
        END IF;
    END IF;
    RETURN value;
END
$$;

-- A custom dateTime value as timestamptz, or NULL when the stored text is not one (a value stored while the attribute
-- was declared with another type): filters and sorts treat it as absent instead of failing every query.
-- STABLE: a text without an offset reads in the session's TimeZone.
CREATE FUNCTION scim_try_timestamptz(value text) RETURNS timestamptz
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN value::timestamptz;
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END
$$;
