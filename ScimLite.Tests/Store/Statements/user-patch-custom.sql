WITH b AS MATERIALIZED (SELECT * FROM users AS r WHERE r.id = @id FOR UPDATE),
     s0 AS MATERIALIZED (SELECT scim_within_limits(scim_extension_set(s.items, @u0::text, @u1::text, CAST(@u2 AS jsonb)), @u3::integer, @u4::integer) AS items FROM (SELECT extensions AS items FROM b OFFSET 0) AS s),
     s1 AS MATERIALIZED (SELECT scim_within_limits(scim_extension_set(s.items, @u5::text, @u6::text, (SELECT jsonb_agg(x.j ORDER BY x.k, x.o) FROM (
    SELECT e.j, 0 AS k, e.o FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.items -> 'urn:ietf:params:scim:schemas:extension:acme:2.0:User' -> 'badges') = 'array' THEN s.items -> 'urn:ietf:params:scim:schemas:extension:acme:2.0:User' -> 'badges' ELSE '[]'::jsonb END) WITH ORDINALITY AS e(j, o)
    UNION ALL
    SELECT a.j, 1, a.o FROM jsonb_array_elements(CAST(@u7 AS jsonb)) WITH ORDINALITY AS a(j, o)
     WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.items -> 'urn:ietf:params:scim:schemas:extension:acme:2.0:User' -> 'badges') = 'array' THEN s.items -> 'urn:ietf:params:scim:schemas:extension:acme:2.0:User' -> 'badges' ELSE '[]'::jsonb END) WITH ORDINALITY AS e(j, o) WHERE e.j = a.j)) AS x)), @u8::integer, @u9::integer) AS items FROM (SELECT (SELECT items FROM s0) AS items FROM b OFFSET 0) AS s),
     n AS MATERIALIZED (SELECT b.id, (SELECT items FROM s1) AS c0 FROM b)
UPDATE users AS r SET extensions = n.c0,
       version = CASE WHEN ROW(r.extensions) IS DISTINCT FROM ROW(n.c0) THEN (r.version % 9223372036854775807 + 1) ELSE r.version END,
       last_modified = CASE WHEN ROW(r.extensions) IS DISTINCT FROM ROW(n.c0) THEN @now ELSE r.last_modified END
  FROM n
 WHERE r.id = @id AND (@if_match::bigint IS NULL OR r.version = @if_match) AND n.id = r.id
RETURNING r.id, r.external_id, r.created, r.last_modified, r.user_name, r.formatted, r.family_name, r.given_name, r.middle_name, r.honorific_prefix, r.honorific_suffix, r.display_name, r.nick_name, r.profile_url, r.title, r.user_type, r.preferred_language, r.locale, r.timezone, r.active, r.emails, r.phone_numbers, r.ims, r.photos, r.addresses, r.entitlements, r.roles, r.x509_certificates, r.employee_number, r.cost_center, r.organization, r.division, r.department, r.manager_value, r.manager_id, r.extensions, r.version, (SELECT json_agg(json_build_object('value', l.group_id, 'display', g.display_name, 'type', 'direct') ORDER BY g.display_name, l.group_id) FROM link l JOIN groups g ON g.id = l.group_id WHERE l.user_id = r.id) AS "groups", (SELECT m.display_name FROM users m WHERE m.id = r.manager_id) AS "manager.displayName"
