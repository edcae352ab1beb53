DELETE FROM link WHERE group_id = @group_id
