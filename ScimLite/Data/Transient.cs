using Npgsql;
using Polly;
using Polly.Retry;

namespace ScimLite.Data;

/// <summary>Which PostgreSQL failures are worth retrying, and the Polly pipelines that retry them.</summary>
public static class Transient
{
    /// <summary>
    /// Connection loss, admin shutdown (57P01), serialization failure (40001), deadlock (40P01), too many
    /// connections (53300), cannot connect now (57P03) and pool exhaustion are transient; everything else is not.
    /// A timeout (<see cref="IsTimeout"/>) never is: the same work would take as long again, holding a connection and a
    /// backend each time.
    /// </summary>
    public static bool IsTransient(Exception ex) => !IsTimeout(ex) && ex switch
    {
        PostgresException pg => pg.SqlState is "40001" or "40P01" or "57P01" or "57P02" or "57P03" or "53300" or "08000" or "08003" or "08006" || pg.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// A statement ran out of time: PostgreSQL cancelled it (57014: statement_timeout, or a cancel request) or Npgsql's
    /// Command Timeout expired on an open connection (see <see cref="DatabaseTimeoutException"/>). The request took too
    /// long; the database is not down.
    /// </summary>
    public static bool IsTimeout(Exception ex) => ex is DatabaseTimeoutException or PostgresException { SqlState: "57014" };

    /// <summary>
    /// The connection itself is gone (network error, server shutting down or restarting), rather than one statement
    /// failing: the pool's idle connections to that server are then most likely dead too.
    /// </summary>
    public static bool IsConnectionLoss(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState is "57P01" or "57P02" or "57P03" || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => ex.InnerException is IOException or System.Net.Sockets.SocketException,
        _ => false,
    };

    /// <summary>
    /// Around a whole request transaction: a few quick jittered retries (about 0.1 + 0.2 + 0.4 s), then the caller
    /// answers 503. After a lost connection <paramref name="onConnectionLoss"/> runs before the retry, so the retry
    /// does not draw another dead connection from the pool.
    /// </summary>
    public static ResiliencePipeline RequestPipeline(ILogger logger, Action? onConnectionLoss = null) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(100),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            OnRetry = args =>
            {
                logger.LogWarning("Transient database fault ({Error}); retry {Attempt}", args.Outcome.Exception?.GetType().Name, args.AttemptNumber + 1);
                Telemetry.ScimMetrics.Retried();
                if (args.Outcome.Exception is { } ex && IsConnectionLoss(ex))
                    onConnectionLoss?.Invoke();
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    /// <summary>At start-up PostgreSQL may come up after ScimLite (compose): keep trying for about a minute.</summary>
    public static ResiliencePipeline StartupPipeline(ILogger logger) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient).Handle<System.Net.Sockets.SocketException>(),
            MaxRetryAttempts = 12,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(10),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            OnRetry = args =>
            {
                logger.LogWarning("Database not reachable yet ({Error}); attempt {Attempt} of 13", args.Outcome.Exception?.Message, args.AttemptNumber + 2);
                return ValueTask.CompletedTask;
            },
        })
        .Build();
}

/// <summary>
/// Npgsql's Command Timeout expired while a statement ran on an open connection. Npgsql reports it as an
/// <see cref="NpgsqlException"/> wrapping a <see cref="TimeoutException"/>, exactly as it reports a connect timeout to
/// a host that does not answer; <see cref="Db"/> tells the two apart by where they happen and wraps this one, so the
/// statement is not retried as if the database were unreachable.
/// </summary>
public sealed class DatabaseTimeoutException(NpgsqlException inner) : Exception("A database statement exceeded its time limit.", inner);
