using System.Threading.Channels;
using Dapper;
using Npgsql;
using ScimLite.Data;

namespace ScimLite.Requests;

/// <summary>
/// Writes request records to request_log in batches, off every request's transaction: a bounded queue of
/// <see cref="Capacity"/> records, drained by one loop that inserts up to <see cref="BatchSize"/> rows per statement.
/// A full queue drops the new record and a failed insert drops its batch; both are counted
/// (<see cref="RequestLogMetrics"/>) and neither is retried, so an unreachable database costs the requests nothing.
/// </summary>
public sealed class RequestLogWriter(NpgsqlDataSource dataSource, MigrationState migration, TimeProvider time,
    ILogger<RequestLogWriter> logger) : BackgroundService
{
    public const int Capacity = 1000;
    public const int BatchSize = 200;

    readonly Channel<RequestRecord> queue = Channel.CreateBounded<RequestRecord>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
    });

    DateTime lastWarning = DateTime.MinValue;

    // One row per array element; every value is a parameter.
    const string InsertSql = """
        INSERT INTO request_log (at, client, request_id, method, path, query, status, scim_type, detail, duration_ms,
                                 content_type, if_match, prefer, user_agent, body, body_bytes, body_truncated, reason)
        SELECT * FROM unnest(@at::timestamptz[], @client::text[], @requestId::text[], @method::text[], @path::text[],
                             @query::text[], @status::integer[], @scimType::text[], @detail::text[], @durationMs::float8[],
                             @contentType::text[], @ifMatch::text[], @prefer::text[], @userAgent::text[], @body::text[],
                             @bodyBytes::integer[], @bodyTruncated::boolean[], @reason::text[])
        """;

    /// <summary>Queues a record; never waits. A full queue drops it (counted).</summary>
    public void Enqueue(RequestRecord record)
    {
        if (!queue.Writer.TryWrite(record))
            RequestLogMetrics.Drop(RequestLogMetrics.QueueFull, record.Client);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.WaitAsync(stoppingToken);
        var batch = new List<RequestRecord>(BatchSize);
        while (await queue.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < BatchSize && queue.Reader.TryRead(out var record))
                batch.Add(record);
            try
            {
                await InsertAsync(batch, stoppingToken);
                RequestLogMetrics.Wrote(batch.Count);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                foreach (var client in batch.GroupBy(r => r.Client))
                    RequestLogMetrics.Drop(RequestLogMetrics.Database, client.Key, client.Count());
                WarnAtMostEveryMinute(ex, batch.Count);
            }
        }
    }

    async Task InsertAsync(List<RequestRecord> batch, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            at = batch.Select(r => r.At).ToArray(),
            client = batch.Select(r => r.Client).ToArray(),
            requestId = batch.Select(r => r.RequestId).ToArray(),
            method = batch.Select(r => r.Method).ToArray(),
            path = batch.Select(r => r.Path).ToArray(),
            query = batch.Select(r => r.Query).ToArray(),
            status = batch.Select(r => r.Status).ToArray(),
            scimType = batch.Select(r => r.ScimType).ToArray(),
            detail = batch.Select(r => r.Detail).ToArray(),
            durationMs = batch.Select(r => r.DurationMs).ToArray(),
            contentType = batch.Select(r => r.ContentType).ToArray(),
            ifMatch = batch.Select(r => r.IfMatch).ToArray(),
            prefer = batch.Select(r => r.Prefer).ToArray(),
            userAgent = batch.Select(r => r.UserAgent).ToArray(),
            body = batch.Select(r => r.Body).ToArray(),
            bodyBytes = batch.Select(r => r.BodyBytes).ToArray(),
            bodyTruncated = batch.Select(r => r.BodyTruncated).ToArray(),
            reason = batch.Select(r => r.Reason).ToArray(),
        }, commandTimeout: 10, cancellationToken: ct));
    }

    void WarnAtMostEveryMinute(Exception ex, int dropped)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now - lastWarning < TimeSpan.FromMinutes(1))
            return;
        lastWarning = now;
        logger.LogWarning("Request log: {Count} records dropped, the insert failed ({Error})", dropped, ex.GetType().Name);
    }
}
