-- The status page's provisioning activity (ScimLite/Status/): journal rows per hour and action over the last 7 days.
--
-- journal_hourly holds one row per hour with the journal rows counted so far, by action. A background job on each
-- ScimLite instance (ScimLite/Status/ActivityRollup.cs) follows the journal in the change feed's order, from the
-- position kept in journal_hourly_position, and adds each row to the hour of its `at`, in batches; it counts only rows
-- of finished transactions (xid below the oldest running one), so every row is counted once, however late its
-- transaction commits. The position row is locked while a batch is counted, so two instances never count the same
-- rows. The page reads these ≤ 169 rows plus the rows after the position (the last minute or so) live, so its cost
-- does not grow with the journal. Not a trigger and not an index: a journal write pays nothing for it. Rows older than
-- 8 days are deleted by the same job.
--
-- Counts are journal rows (a members_added row that adds 1,000 members counts once), by action; "other" counts the
-- remaining actions (renamed, replaced, patched, updated, restored).

CREATE TABLE journal_hourly (
    hour            timestamptz NOT NULL,
    created         bigint      NOT NULL DEFAULT 0,
    deactivated     bigint      NOT NULL DEFAULT 0,
    reactivated     bigint      NOT NULL DEFAULT 0,
    deleted         bigint      NOT NULL DEFAULT 0,
    members_added   bigint      NOT NULL DEFAULT 0,
    members_removed bigint      NOT NULL DEFAULT 0,
    other           bigint      NOT NULL DEFAULT 0,
    CONSTRAINT journal_hourly_pkey PRIMARY KEY (hour),
    CONSTRAINT journal_hourly_hour_check CHECK (hour = date_trunc('hour', hour, 'UTC'))
);

-- The last journal row counted, in the change feed's order (xid, seq); no row means "nothing counted yet".
CREATE TABLE journal_hourly_position (
    only_row boolean NOT NULL DEFAULT true,
    xid      xid8    NOT NULL,
    seq      bigint  NOT NULL,
    CONSTRAINT journal_hourly_position_pkey PRIMARY KEY (only_row),
    CONSTRAINT journal_hourly_position_only_row_check CHECK (only_row)
);
