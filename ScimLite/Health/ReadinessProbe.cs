using System.Diagnostics;
using Npgsql;

namespace ScimLite.Health;

/// <summary>
/// Whether the database answers, asked at most once a second: /readyz needs no token, so a flood of it must not take
/// a pooled connection per call. Concurrent callers share the probe in flight; its answer is reused for
/// <see cref="CacheFor"/> after it started.
/// </summary>
public sealed class ReadinessProbe(NpgsqlDataSource dataSource)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);
    static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    readonly Lock gate = new();
    Task<bool>? last;
    long startedAt;

    public Task<bool> IsDatabaseReadyAsync()
    {
        lock (gate)
        {
            if (last is null || last.IsCompleted && Stopwatch.GetElapsedTime(startedAt) >= CacheFor)
            {
                startedAt = Stopwatch.GetTimestamp();
                last = ProbeAsync();
            }
            return last;
        }
    }

    async Task<bool> ProbeAsync()
    {
        try
        {
            // Its own timeout, not a caller's token: other callers wait for this probe too.
            using var timeout = new CancellationTokenSource(ProbeTimeout);
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }
}
