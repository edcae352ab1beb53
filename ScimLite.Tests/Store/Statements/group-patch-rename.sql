UPDATE groups AS r SET display_name = @u0::text,
       version = CASE WHEN (@members_changed OR ROW(r.display_name) IS DISTINCT FROM ROW(@u0::text)) THEN (r.version % 9223372036854775807 + 1) ELSE r.version END,
       last_modified = CASE WHEN (@members_changed OR ROW(r.display_name) IS DISTINCT FROM ROW(@u0::text)) THEN @now ELSE r.last_modified END
 WHERE r.id = @id
RETURNING r.version
