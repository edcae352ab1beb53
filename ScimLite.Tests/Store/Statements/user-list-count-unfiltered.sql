SELECT coalesce(sum(n), 0)::bigint FROM resource_counts WHERE table_name = 'users';
