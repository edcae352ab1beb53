using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using ScimLite.Data;

namespace ScimLite.Journal;

/// <summary>
/// Deletes journal rows older than <see cref="JournalOptions.RetentionDays"/>, at start-up and then hourly, in batches
/// of <see cref="BatchSize"/> oldest rows with a short pause between, so no statement holds locks for long and
/// writers never wait on the purge. Logs what it removed.
/// </summary>
public sealed class JournalRetention(NpgsqlDataSource dataSource, IOptions<JournalOptions> options, TimeProvider time,
    MigrationState migration, ILogger<JournalRetention> logger) : BackgroundService
{
    public const int BatchSize = 5000;
    static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    // The oldest rows by seq, then only those past the limit: a batch reads at most BatchSize rows of the primary key
    // however long the journal is, and a row inside the limit is never removed (at is not strictly monotonic in seq).
    const string PurgeSql = """
        DELETE FROM journal
         WHERE seq IN (SELECT seq FROM journal ORDER BY seq LIMIT @batch) AND at < @cutoff
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Journal purge failed ({Error}); next attempt in {Interval}", ex.GetType().Name, Interval);
            }
            await Task.Delay(Interval, time, stoppingToken);
        }
    }

    /// <summary>Removes every row older than the retention limit; returns how many.</summary>
    public async Task<long> PurgeAsync(CancellationToken ct)
    {
        var days = options.Value.RetentionDays;
        if (days == 0)
            return 0;
        var cutoff = time.GetUtcNow().AddDays(-days);
        long total = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var removed = await connection.ExecuteAsync(new CommandDefinition(PurgeSql, new { batch = BatchSize, cutoff }, cancellationToken: ct));
            total += removed;
            if (removed < BatchSize)
                break;
            await Task.Delay(Pause, time, ct);
        }
        if (total > 0)
            logger.LogInformation("Journal purge removed {Rows} rows older than {Cutoff:u} ({Days} days)", total, cutoff, days);
        return total;
    }
}
