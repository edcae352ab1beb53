-- The status page's provisioning activity (ScimLite/Status/): journal rows per hour and action over the last 7 days.
--
-- journal_hourly holds one row per closed hour, written once by a background job on each ScimLite instance
-- (ScimLite/Status/ActivityRollup.cs) a few minutes after the hour ends, from an index range scan of that hour's
-- journal rows; a second instance's insert of the same hour does nothing (ON CONFLICT). The page reads these ≤ 168
-- rows plus the current hour live, so its cost does not grow with the journal. Not a trigger: a journal write pays
-- only the index below. A row's presence means "this hour is counted"; an hour with no activity has a row of zeros.
-- Rows older than 8 days are deleted by the same job.
--
-- Counts are journal rows (a members_added row that adds 1,000 members counts once), by action; "other" counts the
-- remaining actions (renamed, replaced, patched, updated, restored).

CREATE TABLE journal_hourly (
    hour            timestamptz NOT NULL,
    created         bigint      NOT NULL,
    deactivated     bigint      NOT NULL,
    reactivated     bigint      NOT NULL,
    deleted         bigint      NOT NULL,
    members_added   bigint      NOT NULL,
    members_removed bigint      NOT NULL,
    other           bigint      NOT NULL,
    rolled_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT journal_hourly_pkey PRIMARY KEY (hour),
    CONSTRAINT journal_hourly_hour_check CHECK (hour = date_trunc('hour', hour, 'UTC'))
);

-- One hour of the journal, and the current hour live: a range scan by time. The action is included so the count by
-- action can be answered from the index alone where the visibility map allows. Building it on a large journal takes
-- a while (about 6 s per 10 million rows on a small machine) and blocks journal writes meanwhile: upgrade in a quiet hour.
CREATE INDEX journal_at_idx ON journal (at) INCLUDE (action);
