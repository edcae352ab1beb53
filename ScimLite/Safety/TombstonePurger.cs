using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ScimLite.Safety;

/// <summary>
/// Deletes tombstones older than Scim:Tombstones:RetentionDays, a small batch per statement (each its own transaction),
/// every PurgeIntervalMinutes of a process's life. Several instances may purge at once: SKIP LOCKED keeps
/// them off each other's rows.
/// </summary>
public sealed class TombstonePurger(NpgsqlDataSource dataSource, IOptions<TombstoneOptions> options, TimeProvider clock,
    ILogger<TombstonePurger> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(settings.PurgeIntervalMinutes), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var purged = await PurgeAsync(settings, stoppingToken);
                    if (purged > 0)
                        logger.LogInformation("Purged {Count} tombstones older than {Days} days", purged, settings.RetentionDays);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning("Tombstone purge failed ({Error}); next try in {Minutes} min", ex.Message, settings.PurgeIntervalMinutes);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<long> PurgeAsync(TombstoneOptions settings, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var purged = await connection.ExecuteAsync(new CommandDefinition("""
                DELETE FROM tombstones WHERE seq IN (
                    SELECT seq FROM tombstones WHERE deleted_at < now() - make_interval(days => @days)
                     ORDER BY deleted_at LIMIT @batch FOR UPDATE SKIP LOCKED)
                """, new { days = settings.RetentionDays, batch = settings.PurgeBatchSize }, cancellationToken: ct));
            total += purged;
            if (purged < settings.PurgeBatchSize)
                return total;
        }
    }
}
