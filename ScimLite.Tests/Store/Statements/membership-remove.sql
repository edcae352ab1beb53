DELETE FROM link WHERE group_id = @group_id AND (user_id = ANY(@ids) OR member_group_id = ANY(@ids))
