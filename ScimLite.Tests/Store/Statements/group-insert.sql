INSERT INTO groups AS r (id, external_id, display_name, created, last_modified, version)
VALUES (@id, @p_external_id, @p_display_name, @now, @now, 1)
ON CONFLICT (id) DO NOTHING
