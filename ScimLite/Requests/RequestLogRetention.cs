using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using ScimLite.Data;

namespace ScimLite.Requests;

/// <summary>
/// Keeps request_log bounded: every <see cref="RequestLogOptions.PurgeIntervalSeconds"/> it deletes, oldest first and
/// <see cref="BatchSize"/> rows per statement with a short pause between, the rows older than
/// <see cref="RequestLogOptions.RetentionDays"/> and those beyond the newest <see cref="RequestLogOptions.MaxRows"/>.
/// </summary>
public sealed class RequestLogRetention(NpgsqlDataSource dataSource, IOptions<RequestLogOptions> options, TimeProvider time,
    MigrationState migration, ILogger<RequestLogRetention> logger) : BackgroundService
{
    public const int BatchSize = 1000;
    static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    // The newest seq past the row cap (everything at or below it goes), or 0 when the table is within it.
    const string BoundarySql = "SELECT coalesce((SELECT seq FROM request_log ORDER BY seq DESC OFFSET @maxRows LIMIT 1), 0)";

    const string PurgeSql = """
        DELETE FROM request_log
         WHERE seq IN (SELECT seq FROM request_log ORDER BY seq LIMIT @batch) AND (at < @cutoff OR seq <= @boundary)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            // First after one interval: the table is bounded already, and a start-up stays quiet.
            await Task.Delay(TimeSpan.FromSeconds(options.Value.PurgeIntervalSeconds), time, stoppingToken);
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Request log purge failed ({Error}); next attempt in {Seconds} s", ex.GetType().Name, options.Value.PurgeIntervalSeconds);
            }
        }
    }

    /// <summary>Removes the rows past the retention or the row cap; returns how many.</summary>
    public async Task<long> PurgeAsync(CancellationToken ct)
    {
        var o = options.Value;
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-o.RetentionDays);
        long total = 0;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            var boundary = await connection.ExecuteScalarAsync<long>(new CommandDefinition(BoundarySql, new { maxRows = o.MaxRows }, cancellationToken: ct));
            while (true)
            {
                var removed = await connection.ExecuteAsync(new CommandDefinition(PurgeSql, new { batch = BatchSize, cutoff, boundary }, cancellationToken: ct));
                total += removed;
                if (removed < BatchSize)
                    break;
                await Task.Delay(Pause, time, ct);
            }
        }
        if (total > 0)
            logger.LogInformation("Request log purge removed {Rows} rows (older than {Days} days or beyond {MaxRows} rows)", total, o.RetentionDays, o.MaxRows);
        return total;
    }
}
