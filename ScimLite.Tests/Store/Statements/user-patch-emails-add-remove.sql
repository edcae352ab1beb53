WITH b AS MATERIALIZED (SELECT * FROM users AS r WHERE r.id = @id FOR UPDATE),
     s0 AS MATERIALIZED (SELECT scim_within_limits((SELECT coalesce(jsonb_agg(CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(@u0 AS jsonb)) AS a WHERE a = e) THEN e ELSE e - 'primary' END ORDER BY o), '[]'::jsonb)
   FROM jsonb_array_elements(s.items) WITH ORDINALITY AS x(e, o) WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(@u0 AS jsonb)) AS a WHERE a = e) OR NOT (CAST(@u0 AS jsonb) @> jsonb_build_array(e)))
|| (SELECT coalesce(jsonb_agg(a ORDER BY i), '[]'::jsonb)
      FROM jsonb_array_elements(CAST(@u0 AS jsonb)) WITH ORDINALITY AS y(a, i)
     WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(s.items) AS z(e) WHERE e = a)), @u1::integer, @u2::integer) AS items FROM (SELECT coalesce(emails, '[]'::jsonb) AS items FROM b OFFSET 0) AS s),
     s1 AS MATERIALIZED (SELECT scim_within_limits((SELECT nullif(coalesce(jsonb_agg(e ORDER BY o), '[]'::jsonb), '[]'::jsonb)
   FROM jsonb_array_elements(s.items) WITH ORDINALITY AS x(e, o) WHERE NOT coalesce(lower(e->>'type') = lower(@w3_0), false)), @u4::integer, @u5::integer) AS items FROM (SELECT coalesce((SELECT items FROM s0), '[]'::jsonb) AS items FROM b OFFSET 0) AS s),
     n AS MATERIALIZED (SELECT b.id, (SELECT items FROM s1) AS c0 FROM b)
UPDATE users AS r SET emails = n.c0,
       version = CASE WHEN ROW(r.emails) IS DISTINCT FROM ROW(n.c0) THEN (r.version % 9223372036854775807 + 1) ELSE r.version END,
       last_modified = CASE WHEN ROW(r.emails) IS DISTINCT FROM ROW(n.c0) THEN @now ELSE r.last_modified END
  FROM n
 WHERE r.id = @id AND (@if_match::bigint IS NULL OR r.version = @if_match) AND n.id = r.id
RETURNING r.id, r.external_id, r.created, r.last_modified, r.user_name, r.formatted, r.family_name, r.given_name, r.middle_name, r.honorific_prefix, r.honorific_suffix, r.display_name, r.nick_name, r.profile_url, r.title, r.user_type, r.preferred_language, r.locale, r.timezone, r.active, r.emails, r.phone_numbers, r.ims, r.photos, r.addresses, r.entitlements, r.roles, r.x509_certificates, r.employee_number, r.cost_center, r.organization, r.division, r.department, r.manager_value, r.manager_id, r.version, (SELECT json_agg(json_build_object('value', l.group_id, 'display', g.display_name, 'type', 'direct') ORDER BY g.display_name, l.group_id) FROM link l JOIN groups g ON g.id = l.group_id WHERE l.user_id = r.id) AS "groups", (SELECT m.display_name FROM users m WHERE m.id = r.manager_id) AS "manager.displayName"
