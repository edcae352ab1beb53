-- Row counts of users and groups, kept by statement-level triggers, so an unfiltered list page reports an exact
-- totalResults (RFC 7644 §3.4.2) without count(*) over the whole table: at 1,000,000 users that count read the whole
-- index for every page of an identity provider's import (~240 ms a page).
--
-- Each writing statement adds its delta (from the transition table, one aggregate however many rows) to one of 16
-- shard rows chosen by its backend, so concurrent creates from several connections do not queue on one hot row;
-- readers sum the shard rows of a table (at most 16, by primary key). The count is transactional like the rows it
-- counts: a rolled-back insert never counted, and a reader sees the count of the same committed rows as count(*).

CREATE TABLE resource_counts (
    table_name text NOT NULL,
    shard      smallint NOT NULL,
    n          bigint NOT NULL,
    CONSTRAINT resource_counts_pkey PRIMARY KEY (table_name, shard)
);
COMMENT ON TABLE resource_counts IS 'Rows of users and groups, per table the sum of n over its shards (kept by triggers, sql/0007_counts.sql)';

CREATE FUNCTION resource_counts_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    delta bigint;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM resource_counts WHERE table_name = TG_TABLE_NAME;
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT count(*) INTO delta FROM changed;
    ELSE
        SELECT -count(*) INTO delta FROM changed;
    END IF;
    IF delta <> 0 THEN
        INSERT INTO resource_counts AS c (table_name, shard, n)
        VALUES (TG_TABLE_NAME, pg_backend_pid() % 16, delta)
        ON CONFLICT (table_name, shard) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_count_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION resource_counts_change();
CREATE TRIGGER users_count_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION resource_counts_change();
CREATE TRIGGER users_count_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION resource_counts_change();
CREATE TRIGGER groups_count_insert AFTER INSERT ON groups
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION resource_counts_change();
CREATE TRIGGER groups_count_delete AFTER DELETE ON groups
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION resource_counts_change();
CREATE TRIGGER groups_count_truncate AFTER TRUNCATE ON groups
    FOR EACH STATEMENT EXECUTE FUNCTION resource_counts_change();

-- What is there already (an upgrade of a populated database), in shard 0. The triggers exist from here on in this
-- transaction, and DbUp runs the script in one, so no write can fall between the two.
LOCK TABLE users, groups IN SHARE MODE;
INSERT INTO resource_counts (table_name, shard, n)
SELECT 'users', 0, count(*) FROM users
UNION ALL
SELECT 'groups', 0, count(*) FROM groups;
