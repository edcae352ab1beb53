using System.Collections.Frozen;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using ScimLite.Data;

namespace ScimLite.Requests;

/// <summary>
/// The clients an operator is capturing (<c>ScimLite requests capture okta-prod --for 30m</c>), read from
/// request_capture every <see cref="RequestLogOptions.CaptureRefreshSeconds"/>, so every instance follows within that
/// time. A failed read keeps the last list; each demand still ends at its own time.
/// </summary>
public sealed class CaptureDemands(NpgsqlDataSource dataSource, MigrationState migration, TimeProvider time,
    IOptions<RequestLogOptions> options, ILogger<CaptureDemands> logger) : BackgroundService
{
    volatile FrozenDictionary<string, DateTime> until = FrozenDictionary<string, DateTime>.Empty;

    public const string ReadSql = "SELECT client, until FROM request_capture WHERE until > now()";

    /// <summary>Whether every request of <paramref name="client"/> is to be recorded now.</summary>
    public bool IsOn(string? client) =>
        client is not null && until.TryGetValue(client, out var end) && end > time.GetUtcNow().UtcDateTime;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.WaitAsync(stoppingToken);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                var rows = await connection.QueryAsync<(string Client, DateTime Until)>(
                    new CommandDefinition(ReadSql, commandTimeout: 2, cancellationToken: stoppingToken));
                until = rows.ToFrozenDictionary(r => r.Client, r => r.Until, StringComparer.Ordinal);
                failing = false;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                if (!failing)
                    logger.LogWarning("Could not read the request captures ({Error}); keeping the last list", ex.Message);
                failing = true;
            }
            await Task.Delay(TimeSpan.FromSeconds(options.Value.CaptureRefreshSeconds), time, stoppingToken);
        }
    }
}
