UPDATE groups AS r SET version = CASE WHEN (@members_changed OR false) THEN (r.version % 9223372036854775807 + 1) ELSE r.version END,
       last_modified = CASE WHEN (@members_changed OR false) THEN @now ELSE r.last_modified END
 WHERE r.id = @id
RETURNING r.version
