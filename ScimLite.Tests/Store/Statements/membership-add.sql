WITH RECURSIVE found_users AS (SELECT id FROM users WHERE id = ANY(@ids)),
     found_groups AS (SELECT id FROM groups WHERE id = ANY(@ids)),
     containing (id) AS (
         SELECT l.group_id FROM link l WHERE l.member_group_id = @group_id AND EXISTS (SELECT 1 FROM found_groups)
         UNION
         SELECT l.group_id FROM link l JOIN containing c ON l.member_group_id = c.id),
     cycle AS (SELECT id FROM found_groups WHERE id IN (SELECT id FROM containing) LIMIT 1),
     added_users AS (
         INSERT INTO link (group_id, user_id) SELECT @group_id, id FROM found_users
          WHERE NOT EXISTS (SELECT 1 FROM cycle)
         ON CONFLICT DO NOTHING RETURNING 1),
     added_groups AS (
         INSERT INTO link (group_id, member_group_id) SELECT @group_id, id FROM found_groups
          WHERE NOT EXISTS (SELECT 1 FROM cycle)
         ON CONFLICT DO NOTHING RETURNING 1)
SELECT (SELECT count(*) FROM found_users) + (SELECT count(*) FROM found_groups) AS found,
       (SELECT count(*) FROM added_users) + (SELECT count(*) FROM added_groups) AS added,
       (SELECT count(*) FROM added_groups) AS added_groups,
       (SELECT id FROM cycle) AS cycle
