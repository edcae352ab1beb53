using Dapper;
using ScimLite.Status;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Status;

/// <summary>Journal rows straight in the table at chosen times, and the journal's own count per hour and action.</summary>
static class ActivitySeed
{
    /// <summary>Inserts <paramref name="count"/> rows of <paramref name="action"/> at <paramref name="at"/>.</summary>
    public static async Task JournalAsync(this ScimApp app, DateTime at, string action, int count, string resourceType = "User")
    {
        await using var connection = await app.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO journal (at, client, resource_type, resource_id, name, action, changes)
            SELECT @at, 'seed', @resourceType, gen_random_uuid(), 'seeded-' || i, @action, '{}'::jsonb
              FROM generate_series(1, @count) AS i
            """, new { at, action, count, resourceType });
    }

    /// <summary>What the journal holds per hour (UTC) and action over the last 7 days, straight from the table.</summary>
    public static async Task<Dictionary<(DateTime Hour, string Action), long>> JournalByHourAsync(this ScimApp app)
    {
        await using var connection = await app.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(DateTime Hour, string Action, long N)>("""
            SELECT date_trunc('hour', at, 'UTC') AS hour, action, count(*) AS n FROM journal
             WHERE at >= date_trunc('hour', now(), 'UTC') - interval '7 days' GROUP BY 1, 2
            """);
        return rows.ToDictionary(r => (DateTime.SpecifyKind(r.Hour, DateTimeKind.Utc), r.Action), r => r.N);
    }

    public static DateTime HourAgo(int hours) => ActivityQuery.HourOf(DateTime.UtcNow).AddHours(-hours);
}
