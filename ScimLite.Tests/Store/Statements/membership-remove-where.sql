DELETE FROM link l WHERE l.group_id = @group_id AND (l.user_id = @m0 OR l.member_group_id = @m0)
