using Dapper;
using Npgsql;
using ScimLite.Data;

namespace ScimLite.Status;

/// <summary>
/// Fills <c>journal_hourly</c> (sql/0013_journal_hourly.sql): each closed hour of the last 7 days is counted once, by
/// an index range scan of that hour's journal rows, <see cref="Settle"/> after it ends (a transaction's rows carry its
/// start time, so an hour's last rows can commit a little after it). Runs at start-up and then every minute; instances
/// that count the same hour agree (ON CONFLICT DO NOTHING). Rows older than 8 days are removed.
/// </summary>
public sealed class ActivityRollup(NpgsqlDataSource dataSource, TimeProvider time, MigrationState migration,
    ILogger<ActivityRollup> logger) : BackgroundService
{
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);
    static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    const string MissingSql = """
        SELECT h FROM generate_series(@first, @last, interval '1 hour') AS h
         WHERE NOT EXISTS (SELECT 1 FROM journal_hourly j WHERE j.hour = h)
         ORDER BY h
        """;

    const string RollSql = $"""
        INSERT INTO journal_hourly (hour, created, deactivated, reactivated, deleted, members_added, members_removed, other)
        SELECT @hour, {ActivityQuery.CountsByAction}
          FROM journal WHERE at >= @hour AND at < @hour + interval '1 hour'
        ON CONFLICT (hour) DO NOTHING
        """;

    const string PurgeSql = "DELETE FROM journal_hourly WHERE hour < @before";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RollUpAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // shutting down mid-count: the hour is counted next time
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Counting journal activity per hour failed ({Error}); next attempt in {Interval}", ex.GetType().Name, Interval);
            }
            await Task.Delay(Interval, time, stoppingToken);
        }
    }

    /// <summary>Counts every settled hour of the window not counted yet; returns how many hours it counted.</summary>
    public async Task<int> RollUpAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var first = ActivityQuery.HourOf(now - Window);
        var last = ActivityQuery.HourOf(now - Settle).AddHours(-1);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(PurgeSql, new { before = first.AddDays(-1) }, cancellationToken: ct));
        if (last < first)
            return 0;
        var missing = (await connection.QueryAsync<DateTime>(new CommandDefinition(MissingSql, new { first, last }, cancellationToken: ct))).AsList();
        foreach (var hour in missing)
            await connection.ExecuteAsync(new CommandDefinition(RollSql, new { hour }, cancellationToken: ct));
        return missing.Count;
    }
}
