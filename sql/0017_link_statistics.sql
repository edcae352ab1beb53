-- A user's groups, read by every GET, lookup and list page of users, are looked up through link_user_id_idx and then
-- each group by its primary key, when the planner expects a user to be in a few groups. It estimates that from the
-- number of distinct user_id values in link, which ANALYZE samples; a few large groups (an "Everyone" group of
-- 100,000 members) fill the sample with repeated user ids, so it guessed 14,562 distinct users where there were 99,900
-- and so about 65 groups per user, and chose a hash join that scanned every group (1,003 rows) for each user read:
-- median 0.176 ms per GET by id against 0.104-0.120 ms with the estimate below (prepared plans, 100,000 users).
--
-- n_distinct = -0.2 tells the planner that distinct user ids are a fifth of link's rows: about five groups per user,
-- whatever the sample saw. Only the planner's estimate changes; nothing is rewritten, and the lock taken allows reads
-- and writes.
ALTER TABLE link ALTER COLUMN user_id SET (n_distinct = -0.2);
ANALYZE link;
