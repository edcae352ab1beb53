SELECT r.version FROM groups r WHERE r.id = @id AND (@if_match::bigint IS NULL OR r.version = @if_match) FOR UPDATE
