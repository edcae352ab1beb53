using Dapper;
using Npgsql;
using ScimLite.Data;

namespace ScimLite.Safety;

/// <summary>
/// Reads whether the brake is engaged every <see cref="Interval"/> (one primary-key read, at most 2 s) for the
/// <c>scimlite.brake.engaged_state</c> gauge: another instance or `ScimLite brake` may engage or release it. A failed
/// read keeps the last value.
/// </summary>
public sealed class BrakeStateWatcher(NpgsqlDataSource dataSource, MigrationState migration, TimeProvider time,
    ILogger<BrakeStateWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await migration.WaitAsync(stoppingToken);
            var failing = false;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                    BrakeMetrics.Observed(await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                        "SELECT coalesce((SELECT engaged AND enabled FROM brake WHERE id), false)",
                        commandTimeout: 2, cancellationToken: stoppingToken)));
                    failing = false;
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    if (!failing)
                        logger.LogWarning("Could not read the deprovisioning brake's state ({Error}); the gauge keeps its last value", ex.Message);
                    failing = true;
                }
                await Task.Delay(Interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
