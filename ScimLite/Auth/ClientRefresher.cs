using Microsoft.Extensions.Options;
using ScimLite.Data;

namespace ScimLite.Auth;

/// <summary>
/// Re-reads the client table every <see cref="ClientOptions.TokenRefreshSeconds"/> (a token revoked on one instance is
/// refused by all within that time, with no restart) and writes the queued last-used times, off the request path.
/// While the database is unreachable the last snapshot stays in force.
/// </summary>
public sealed class ClientRefresher(ClientDirectory directory, ClientStore store, MigrationState migration, IOptions<ClientOptions> options,
    ILogger<ClientRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Clamp(options.Value.TokenRefreshSeconds, 0.05, 300));
        await migration.WaitAsync(stoppingToken);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                directory.Replace(await store.ActiveAsync(stoppingToken));
                var (names, times) = directory.TakeUnwritten();
                if (names.Length > 0)
                    await store.TouchAsync(names, times, stoppingToken);
                if (failing)
                    logger.LogInformation("Client table readable again.");
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Logged once per outage, not every few seconds.
                if (!failing)
                    logger.LogWarning("Cannot read the client table; the last known clients stay in force: {Error}", ex.Message);
                failing = true;
            }
            finally
            {
                directory.MarkLoaded();
            }
            await Task.Delay(interval, stoppingToken);
        }
    }
}
