WITH RECURSIVE containing (id) AS (
    SELECT l.group_id FROM link l WHERE l.member_group_id = @group_id
    UNION
    SELECT l.group_id FROM link l JOIN containing c ON l.member_group_id = c.id)
SELECT l.member_group_id FROM link l
 WHERE l.group_id = @group_id AND EXISTS (SELECT 1 FROM containing c WHERE c.id = @group_id)
   AND l.member_group_id IN (SELECT id FROM containing)
 LIMIT 1
