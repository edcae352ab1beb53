using System.Data;
using Dapper;
using Npgsql;

namespace ScimLite.Webhooks;

/// <summary>An endpoint's row of webhook_positions as the worker needs it; <see cref="WaitMilliseconds"/> is what is left of its backoff.</summary>
public sealed record WebhookPosition(string Xid, long Seq, string? BatchXid, long? BatchSeq, int Attempts, long WaitMilliseconds);

/// <summary>
/// An endpoint's walk along the change feed (docs/database.md, "The change feed"): the journal in (xid, seq) order,
/// only below the oldest running transaction, from the position stored in webhook_positions. Every update of the
/// position names the position it read, so a concurrent <c>webhooks replay</c> wins over a delivery that ends after it.
/// </summary>
public static class WebhookFeed
{
    // The last final row: no running transaction can still write a row before it in (xid, seq) order.
    const string HeadSql = """
        SELECT xid::text AS xid, seq FROM journal
         WHERE xid < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY xid DESC, seq DESC LIMIT 1
        """;

    const string EnsureSql = $"""
        INSERT INTO webhook_positions (name, xid, seq)
        SELECT @name, coalesce(h.xid, '0')::xid8, coalesce(h.seq, 0)
          FROM (SELECT) AS one LEFT JOIN LATERAL ({HeadSql}) AS h ON true
        ON CONFLICT (name) DO NOTHING
        """;

    const string PositionSql = """
        SELECT xid::text AS xid, seq, batch_xid::text AS batchxid, batch_seq AS batchseq, attempts,
               coalesce(ceil(greatest(0, extract(epoch FROM next_attempt - clock_timestamp()) * 1000)), 0)::bigint AS waitmilliseconds
          FROM webhook_positions WHERE name = @name
        """;

    // Aliased to FeedRow's constructor, in its order. An empty filter array means "all".
    const string RowsSql = """
        SELECT xid::text AS xid, seq, at, client, resource_type AS resourcetype, resource_id AS resourceid, name, action,
               changes::text AS changes
          FROM journal
         WHERE (xid, seq) > (@xid::xid8, @seq)
           AND (@batchXid::xid8 IS NULL OR (xid, seq) <= (@batchXid::xid8, @batchSeq))
           AND xid < pg_snapshot_xmin(pg_current_snapshot())
           AND (cardinality(@actions) = 0 OR action = ANY(@actions))
           AND (cardinality(@types) = 0 OR resource_type = ANY(@types))
         ORDER BY xid, seq LIMIT @limit
        """;

    const string BeginBatchSql = """
        UPDATE webhook_positions SET batch_xid = @lastXid::xid8, batch_seq = @lastSeq
         WHERE name = @name AND xid = @xid::xid8 AND seq = @seq AND batch_xid IS NULL
        """;

    const string SkipSql = """
        UPDATE webhook_positions SET xid = @headXid::xid8, seq = @headSeq
         WHERE name = @name AND xid = @xid::xid8 AND seq = @seq AND batch_xid IS NULL AND (xid, seq) < (@headXid::xid8, @headSeq)
        """;

    const string SucceededSql = """
        UPDATE webhook_positions
           SET xid = batch_xid, seq = batch_seq, batch_xid = NULL, batch_seq = NULL, attempts = 0, next_attempt = NULL,
               delivered = delivered + @count, last_success = now()
         WHERE name = @name AND xid = @xid::xid8 AND seq = @seq AND batch_xid = @batchXid::xid8 AND batch_seq = @batchSeq
        """;

    const string FailedSql = """
        UPDATE webhook_positions
           SET attempts = attempts + 1, last_error = @error, last_error_at = now(),
               next_attempt = clock_timestamp() + @delayMilliseconds * interval '1 millisecond'
         WHERE name = @name AND xid = @xid::xid8 AND seq = @seq
        """;

    /// <summary>Creates the endpoint's position at the feed's head when it has none: a new endpoint gets what happens from now on.</summary>
    public static Task EnsureAsync(NpgsqlConnection connection, string name, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(EnsureSql, new { name }, cancellationToken: ct));

    public static Task<WebhookPosition?> PositionAsync(NpgsqlConnection connection, string name, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<WebhookPosition>(new CommandDefinition(PositionSql, new { name }, cancellationToken: ct));

    /// <summary>
    /// The next batch: the pending batch's events again when one is fixed, else up to <paramref name="limit"/> events
    /// after the position. With no event to send, also the feed's head read in the same snapshot, to which the position
    /// may move (past rows the endpoint does not want).
    /// </summary>
    public static async Task<(IReadOnlyList<FeedRow> Rows, (string Xid, long Seq)? Head)> ReadAsync(NpgsqlConnection connection,
        WebhookEndpoint endpoint, WebhookPosition position, int limit, CancellationToken ct)
    {
        // One snapshot for both reads: a head read later could pass rows committed in between.
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var parameters = new
        {
            xid = position.Xid, seq = position.Seq, batchXid = position.BatchXid, batchSeq = position.BatchSeq,
            actions = endpoint.Actions?.ToArray() ?? [], types = endpoint.ResourceTypes?.ToArray() ?? [],
            // A fixed batch is read whole, also when BatchSize was lowered since it was fixed.
            limit = position.BatchXid is null ? limit : WebhookDeliveryOptions.MaxBatchSize,
        };
        var rows = (await connection.QueryAsync<FeedRow>(new CommandDefinition(RowsSql, parameters, tx, cancellationToken: ct))).ToList();
        (string, long)? head = null;
        if (rows.Count == 0 && position.BatchXid is null
            && await connection.QuerySingleOrDefaultAsync<HeadRow>(new CommandDefinition(HeadSql, transaction: tx, cancellationToken: ct)) is { } h)
            head = (h.Xid, h.Seq);
        await tx.CommitAsync(ct);
        return (rows, head);
    }

    sealed record HeadRow(string Xid, long Seq);

    /// <summary>Fixes the batch ending at <paramref name="last"/> before its first attempt; false when the position moved meanwhile.</summary>
    public static async Task<bool> BeginBatchAsync(NpgsqlConnection connection, string name, WebhookPosition position, FeedRow last, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(BeginBatchSql,
            new { name, xid = position.Xid, seq = position.Seq, lastXid = last.Xid, lastSeq = last.Seq }, cancellationToken: ct)) == 1;

    /// <summary>Moves the position to the feed's head when nothing before it is for this endpoint; false when there was nothing to pass.</summary>
    public static async Task<bool> SkipAsync(NpgsqlConnection connection, string name, WebhookPosition position, (string Xid, long Seq) head, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(SkipSql,
            new { name, xid = position.Xid, seq = position.Seq, headXid = head.Xid, headSeq = head.Seq }, cancellationToken: ct)) == 1;

    /// <summary>After a 2xx: the position moves to the end of the batch (<paramref name="batchEnd"/>, as fixed before its first attempt).</summary>
    public static async Task<bool> SucceededAsync(NpgsqlConnection connection, string name, WebhookPosition position, (string Xid, long Seq) batchEnd,
        int count, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(SucceededSql,
            new { name, xid = position.Xid, seq = position.Seq, batchXid = batchEnd.Xid, batchSeq = batchEnd.Seq, count }, cancellationToken: ct)) == 1;

    /// <summary>After a failed attempt: the position stays, and the next attempt waits <paramref name="delay"/>.</summary>
    public static Task FailedAsync(NpgsqlConnection connection, string name, WebhookPosition position, string error, TimeSpan delay, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(FailedSql,
            new { name, xid = position.Xid, seq = position.Seq, error, delayMilliseconds = (long)delay.TotalMilliseconds }, cancellationToken: ct));
}

/// <summary>Moving an endpoint's position back (or forward) for <c>ScimLite webhooks replay</c>.</summary>
public static class WebhookReplay
{
    // The position just before a row in feed order: (its xid, its seq - 1) precedes it and every later row, and
    // follows every earlier one (rows of one transaction have distinct seqs).
    const string FromSeqSql = "SELECT xid::text AS xid, seq FROM journal WHERE seq >= @seq ORDER BY seq LIMIT 1";
    const string FromTimeSql = "SELECT xid::text AS xid, seq FROM journal WHERE at >= @at ORDER BY xid, seq LIMIT 1";

    const string MoveSql = """
        INSERT INTO webhook_positions AS p (name, xid, seq) VALUES (@name, @xid::xid8, @seq)
        ON CONFLICT (name) DO UPDATE
           SET xid = excluded.xid, seq = excluded.seq, batch_xid = NULL, batch_seq = NULL, attempts = 0, next_attempt = NULL;
        SELECT pg_notify('scimlite_webhooks', @name);
        """;

    sealed record Start(string Xid, long Seq);

    /// <summary>
    /// Sets the endpoint to deliver again from the journal row <paramref name="fromSeq"/> (or the first after it), or
    /// from the first row in feed order written at or after <paramref name="fromTime"/>; the pending batch and its
    /// backoff are dropped, and the delivering instance is woken. Returns the seq delivery starts from, or null when no
    /// journal row is there.
    /// </summary>
    public static async Task<long?> MoveAsync(NpgsqlConnection connection, string name, long? fromSeq, DateTimeOffset? fromTime, CancellationToken ct)
    {
        var start = fromSeq is { } seq
            ? await connection.QuerySingleOrDefaultAsync<Start>(new CommandDefinition(FromSeqSql, new { seq }, cancellationToken: ct))
            : await connection.QuerySingleOrDefaultAsync<Start>(new CommandDefinition(FromTimeSql, new { at = fromTime!.Value.UtcDateTime }, cancellationToken: ct));
        if (start is null)
            return null;
        await connection.ExecuteAsync(new CommandDefinition(MoveSql, new { name, xid = start.Xid, seq = start.Seq - 1 }, cancellationToken: ct));
        return start.Seq;
    }
}
