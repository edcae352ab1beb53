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
/// The 7-day activity series: the closed hours from <c>journal_hourly</c> (<see cref="ActivityRollup"/>) and the hours
/// not yet settled straight from the journal, by its time index. Both reads are bounded: at most 169 rollup rows, and
/// the journal rows of the last hour or two.
/// </summary>
public static class ActivityQuery
{
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

    const string LiveSql = $"""
        SELECT hour, created, deactivated, reactivated, deleted, members_added AS membersadded,
               members_removed AS membersremoved, other, true AS counted
          FROM (SELECT date_trunc('hour', at, 'UTC') AS hour, {CountsByAction}
                  FROM journal WHERE at >= @from GROUP BY 1) AS live
        """;

    public static DateTime HourOf(DateTime utc) => new(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);

    /// <summary>One entry per hour from 7 days ago to the current hour, oldest first.</summary>
    public static async Task<IReadOnlyList<HourCounts>> ReadAsync(NpgsqlConnection connection, DateTime now, CancellationToken ct)
    {
        var first = HourOf(now - ActivityRollup.Window);
        var current = HourOf(now);
        // The hours the rollup does not count yet, read live (the current one, and the one before within Settle).
        var liveFrom = HourOf(now - ActivityRollup.Settle);
        var rolled = (await connection.QueryAsync<HourCounts>(new CommandDefinition(RolledSql, new { first }, cancellationToken: ct)))
            .ToDictionary(h => h.Hour);
        var live = (await connection.QueryAsync<HourCounts>(new CommandDefinition(LiveSql, new { from = liveFrom }, cancellationToken: ct)))
            .ToDictionary(h => h.Hour);
        var hours = new List<HourCounts>();
        for (var hour = first; hour <= current; hour = hour.AddHours(1))
        {
            if (hour >= liveFrom)
                hours.Add(live.GetValueOrDefault(hour) ?? new HourCounts(hour, 0, 0, 0, 0, 0, 0, 0));
            else
                hours.Add(rolled.GetValueOrDefault(hour) ?? new HourCounts(hour, 0, 0, 0, 0, 0, 0, 0, Counted: false));
        }
        return hours;
    }
}
