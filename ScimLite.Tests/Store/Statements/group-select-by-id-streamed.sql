SELECT r.id, r.external_id, r.created, r.last_modified, r.display_name, r.version FROM groups r WHERE r.id = @id
