using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using ScimLite.Data;

namespace ScimLite.Webhooks;

/// <summary>
/// Delivers each configured endpoint from the journal, one loop per endpoint, each on a PostgreSQL connection of its
/// own (outside the request pool), so a slow or failing receiver holds up neither SCIM requests nor another endpoint.
/// <para>
/// One instance delivers an endpoint at a time: the one holding the session advisory lock
/// <c>(<see cref="LockClass"/>, hashtext(name))</c> on that connection. The others try again every
/// <see cref="WebhookDeliveryOptions.PollMilliseconds"/>; PostgreSQL releases the lock when the holder stops, dies or
/// loses its connection, and another instance takes over from the stored position.
/// </para>
/// <para>
/// The holder LISTENs on <c>scimlite_journal</c> (the change feed's announcements) and <see cref="Channel"/> (a replay),
/// and otherwise looks every poll interval. It fixes a batch (at most <see cref="WebhookDeliveryOptions.BatchSize"/>
/// events, in feed order) before its first attempt, POSTs it, and moves the position past it only after a 2xx; a
/// failure keeps the position and waits (<see cref="WebhookBackoff"/>) before the same batch is sent again.
/// </para>
/// </summary>
public sealed class WebhookDelivery(IConfiguration configuration, IOptions<WebhookDeliveryOptions> options, WebhookSender sender,
    MigrationState migration, ILogger<WebhookDelivery> logger) : BackgroundService
{
    /// <summary>The first key of the endpoints' advisory locks ("webh").</summary>
    public const int LockClass = 0x77656268;

    /// <summary>Notified (payload: the endpoint's name) when an operator moved a position, so the holder looks at once.</summary>
    public const string Channel = "scimlite_webhooks";

    // Counting the rows after a position that is far behind reads many index entries: not more often than this.
    static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var endpoints = WebhookEndpoints.Read(configuration);
        if (endpoints.Count == 0)
            return;
        await migration.WaitAsync(stoppingToken);
        // Unpooled: a connection that held an endpoint's lock must really close, releasing it.
        var connectionString = new NpgsqlConnectionStringBuilder(DataServices.WithTimeoutDefaults(configuration.GetConnectionString("Scim")!))
        {
            Pooling = false,
            ApplicationName = "ScimLite webhooks",
        }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await Task.WhenAll(endpoints.Select(endpoint => Task.Run(() => RunAsync(dataSource, endpoint, stoppingToken), CancellationToken.None)));
    }

    async Task RunAsync(NpgsqlDataSource dataSource, WebhookEndpoint endpoint, CancellationToken stop)
    {
        var failing = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stop);
                while (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@lockClass, hashtext(@name))",
                    new { lockClass = LockClass, name = endpoint.Name }, cancellationToken: stop)))
                    await Task.Delay(options.Value.PollMilliseconds, stop);
                await connection.ExecuteAsync(new CommandDefinition($"LISTEN scimlite_journal; LISTEN {Channel}", cancellationToken: stop));
                await WebhookFeed.EnsureAsync(connection, endpoint.Name, stop);
                logger.LogInformation("Webhook endpoint {Endpoint} is delivered from this instance.", endpoint.Name);
                failing = false;
                await DeliverAsync(connection, endpoint, stop);
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                WebhookMetrics.Forget(endpoint.Name);
                // Logged once per failing spell; the loop reconnects, takes the lock again and goes on from the stored position.
                if (!failing)
                    logger.LogWarning("Webhook endpoint {Endpoint}: its worker failed ({Error}: {Message}); it starts again every {Milliseconds} ms.",
                        endpoint.Name, ex.GetType().Name, ex.Message, options.Value.PollMilliseconds);
                failing = true;
                await Task.Delay(options.Value.PollMilliseconds, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException)
            {
            }
        }
        WebhookMetrics.Forget(endpoint.Name);
    }

    /// <summary>The holder's loop: returns only by an exception (the connection failed, or the instance stops).</summary>
    async Task DeliverAsync(NpgsqlConnection connection, WebhookEndpoint endpoint, CancellationToken stop)
    {
        var o = options.Value;
        var measured = Stopwatch.StartNew();
        await MeasureLagAsync(connection, endpoint.Name, stop);
        while (true)
        {
            if (measured.Elapsed >= LagInterval)
            {
                await MeasureLagAsync(connection, endpoint.Name, stop);
                measured.Restart();
            }
            var position = await WebhookFeed.PositionAsync(connection, endpoint.Name, stop);
            if (position is null)
            {
                await WebhookFeed.EnsureAsync(connection, endpoint.Name, stop);
                continue;
            }
            if (position.WaitMilliseconds > 0)
            {
                await connection.WaitAsync((int)Math.Min(position.WaitMilliseconds, o.PollMilliseconds), stop);
                continue;
            }
            var (rows, head) = await WebhookFeed.ReadAsync(connection, endpoint, position, o.BatchSize, stop);
            if (rows.Count == 0)
            {
                // A fixed batch with nothing left in it (its rows purged by the journal's retention): passed as delivered.
                if (position is { BatchXid: { } bx, BatchSeq: { } bs })
                    await WebhookFeed.SucceededAsync(connection, endpoint.Name, position, (bx, bs), 0, stop);
                else if (head is not { } h || !await WebhookFeed.SkipAsync(connection, endpoint.Name, position, h, stop))
                {
                    await MeasureLagAsync(connection, endpoint.Name, stop);
                    await connection.WaitAsync(o.PollMilliseconds, stop);
                }
                continue;
            }
            if (position.BatchXid is null && !await WebhookFeed.BeginBatchAsync(connection, endpoint.Name, position, rows[^1], stop))
                continue;
            await SendAsync(connection, endpoint, position, rows, stop);
        }
    }

    async Task SendAsync(NpgsqlConnection connection, WebhookEndpoint endpoint, WebhookPosition position, IReadOnlyList<FeedRow> rows, CancellationToken stop)
    {
        var o = options.Value;
        var attempt = await sender.SendAsync(endpoint, WebhookEvents.MessageId(endpoint.Name, rows), WebhookEvents.Body(endpoint.Name, rows), stop);
        if (attempt.Delivered)
        {
            // The stored end of a fixed batch (its last rows may be purged since), else the batch just fixed.
            var end = position is { BatchXid: { } bx, BatchSeq: { } bs } ? (bx, bs) : (rows[^1].Xid, rows[^1].Seq);
            if (await WebhookFeed.SucceededAsync(connection, endpoint.Name, position, end, rows.Count, stop))
                WebhookMetrics.Deliver(endpoint.Name, rows.Count);
            if (position.Attempts > 0)
                logger.LogInformation("Webhook endpoint {Endpoint} accepts deliveries again, after {Failures} failed attempts.", endpoint.Name, position.Attempts);
            return;
        }
        WebhookMetrics.Fail(endpoint.Name);
        var delay = WebhookBackoff.Delay(position.Attempts + 1, TimeSpan.FromMilliseconds(o.RetryMinMilliseconds),
            TimeSpan.FromSeconds(o.RetryMaxSeconds), Random.Shared.NextDouble());
        await WebhookFeed.FailedAsync(connection, endpoint.Name, position, attempt.Describe(), delay, stop);
        var level = position.Attempts == 0 ? LogLevel.Warning : LogLevel.Debug;
        logger.Log(level, "Webhook endpoint {Endpoint}: delivery of {Events} events failed ({Error}); attempt {Attempt} in {Seconds:0.#} s.",
            endpoint.Name, rows.Count, attempt.Describe(), position.Attempts + 2, delay.TotalSeconds);
    }

    async Task MeasureLagAsync(NpgsqlConnection connection, string name, CancellationToken stop)
    {
        var status = (await WebhookStatusQuery.ReadAsync(connection, [], stop, [name])).SingleOrDefault();
        if (status is not null)
            WebhookMetrics.Lag(name, status.LagEvents, status.LagSeconds);
    }
}
