DELETE FROM link WHERE group_id = @group_id AND NOT (coalesce(user_id, member_group_id) = ANY(@ids))
