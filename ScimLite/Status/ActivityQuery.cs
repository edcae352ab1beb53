using Dapper;
using Npgsql;

namespace ScimLite.Status;

/// <summary>Journal rows of one hour by action. <paramref name="Counted"/> is false for an hour not counted yet.</summary>
public sealed record HourCounts(DateTime Hour, long Created, long Deactivated, long Reactivated, long Deleted, long MembersAdded,
    long MembersRemoved, long Other, bool Counted = true)
{
    public long Total => Created + Deactivated + Reactivated + Deleted + MembersAdded + MembersRemoved + Other;
}

/// <summary>
/// The 7-day activity series: what <see cref="ActivityRollup"/> has counted into <c>journal_hourly</c>, plus the journal
/// rows after its position read live (those of the last minute or so, at most <see cref="LiveCap"/>). Both reads are
/// bounded: at most 169 rollup rows, and the live rows by the change feed's index. When the rollup is further behind
/// than the cap (a first start on a large journal), the hours from the first uncounted row on are marked not counted.
/// </summary>
public static class ActivityQuery
{
    public const int LiveCap = 20_000;

    /// <summary>The select list both the rollup and the live read use, in <see cref="HourCounts"/>' order.</summary>
    public const string CountsByAction = """
        count(*) FILTER (WHERE action = 'created') AS created,
        count(*) FILTER (WHERE action = 'deactivated') AS deactivated,
        count(*) FILTER (WHERE action = 'reactivated') AS reactivated,
        count(*) FILTER (WHERE action = 'deleted') AS deleted,
        count(*) FILTER (WHERE action = 'members_added') AS members_added,
        count(*) FILTER (WHERE action = 'members_removed') AS members_removed,
        count(*) FILTER (WHERE action NOT IN ('created', 'deactivated', 'reactivated', 'deleted', 'members_added', 'members_removed')) AS other
        """;

    const string RolledSql = """
        SELECT hour, created, deactivated, reactivated, deleted, members_added AS membersadded,
               members_removed AS membersremoved, other, true AS counted
          FROM journal_hourly WHERE hour >= @first ORDER BY hour
        """;

    const string PositionSql = "SELECT xid::text AS xid, seq FROM journal_hourly_position";

    const string LiveSql = $"""
        SELECT hour, created, deactivated, reactivated, deleted, members_added AS membersadded,
               members_removed AS membersremoved, other, seen
          FROM (SELECT date_trunc('hour', l.at, 'UTC') AS hour, {CountsByAction}, count(*) AS seen
                  FROM (SELECT j.at, j.action FROM journal j WHERE (j.xid, j.seq) > (@xid::xid8, @seq)
                         ORDER BY j.xid, j.seq LIMIT @cap) AS l
                 GROUP BY 1) AS g
        """;

    public static DateTime HourOf(DateTime utc) => new(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);

    /// <summary>One entry per hour from 7 days ago to the current hour, oldest first.</summary>
    public static async Task<IReadOnlyList<HourCounts>> ReadAsync(NpgsqlConnection connection, DateTime now, CancellationToken ct)
    {
        var first = HourOf(now - ActivityRollup.Window);
        var current = HourOf(now);
        var rolled = (await connection.QueryAsync<HourCounts>(new CommandDefinition(RolledSql, new { first }, cancellationToken: ct)))
            .ToDictionary(h => h.Hour);
        var position = await connection.QuerySingleOrDefaultAsync<ActivityRollup.Position>(new CommandDefinition(PositionSql, cancellationToken: ct))
            ?? ActivityRollup.Position.Start;
        var live = (await connection.QueryAsync<LiveHour>(new CommandDefinition(LiveSql, new { position.Xid, position.Seq, cap = LiveCap },
            cancellationToken: ct))).AsList();
        // The rollup is further behind than the live read reaches: what follows its first uncounted hour is partial.
        var uncountedFrom = live.Sum(h => h.Seen) >= LiveCap ? live.Min(h => h.Hour) : DateTime.MaxValue;
        var liveByHour = live.ToDictionary(h => h.Hour);
        var hours = new List<HourCounts>();
        for (var hour = first; hour <= current; hour = hour.AddHours(1))
        {
            var counts = rolled.GetValueOrDefault(hour) ?? new HourCounts(hour, 0, 0, 0, 0, 0, 0, 0);
            if (liveByHour.TryGetValue(hour, out var more))
                counts = more.AddTo(counts);
            hours.Add(counts with { Counted = hour < uncountedFrom });
        }
        return hours;
    }

    sealed record LiveHour(DateTime Hour, long Created, long Deactivated, long Reactivated, long Deleted, long MembersAdded,
        long MembersRemoved, long Other, long Seen)
    {
        public HourCounts AddTo(HourCounts h) => h with
        {
            Created = h.Created + Created, Deactivated = h.Deactivated + Deactivated, Reactivated = h.Reactivated + Reactivated,
            Deleted = h.Deleted + Deleted, MembersAdded = h.MembersAdded + MembersAdded,
            MembersRemoved = h.MembersRemoved + MembersRemoved, Other = h.Other + Other,
        };
    }
}
