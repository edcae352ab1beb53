using Dapper;
using Npgsql;

namespace ScimLite.Webhooks;

/// <summary>
/// Where one endpoint stands. <see cref="Configured"/>: declared in this instance's <c>Scim:Webhooks</c> (a row left by
/// an endpoint since removed is not). Without a row yet (<see cref="Seq"/> null) the endpoint has not started.
/// <see cref="LagEvents"/>: journal rows after the position (counted up to <see cref="WebhookStatusQuery.LagCountCap"/>);
/// <see cref="LagSeconds"/>: the age of the first of them, 0 when there is none.
/// </summary>
public sealed record WebhookStatus(string Name, bool Configured, string? Xid, long? Seq, long LagEvents, double LagSeconds, long Delivered,
    int Attempts, DateTime? LastSuccess, string? LastError, DateTime? LastErrorAt, DateTime? NextAttempt);

/// <summary>The webhook endpoints' positions and health, for <c>ScimLite webhooks status</c>, the worker's lag metrics and a status page.</summary>
public static class WebhookStatusQuery
{
    public const int LagCountCap = 1_000_000;

    // Aliased to the names of Row's properties.
    const string Sql = """
        SELECT p.name, p.xid::text AS xid, p.seq, p.delivered, p.attempts, p.last_success AS lastsuccess, p.last_error AS lasterror,
               p.last_error_at AS lasterrorat, p.next_attempt AS nextattempt,
               (SELECT count(*) FROM (SELECT FROM journal j WHERE (j.xid, j.seq) > (p.xid, p.seq) LIMIT @cap) AS c) AS lagevents,
               coalesce(extract(epoch FROM clock_timestamp()
                   - (SELECT j.at FROM journal j WHERE (j.xid, j.seq) > (p.xid, p.seq) ORDER BY j.xid, j.seq LIMIT 1)), 0)::float8 AS lagseconds
          FROM webhook_positions p
         WHERE cardinality(@names) = 0 OR p.name = ANY(@names)
         ORDER BY p.name
        """;

    sealed class Row
    {
        public string Name { get; set; } = "";
        public string Xid { get; set; } = "";
        public long Seq { get; set; }
        public long Delivered { get; set; }
        public int Attempts { get; set; }
        public DateTime? LastSuccess { get; set; }
        public string? LastError { get; set; }
        public DateTime? LastErrorAt { get; set; }
        public DateTime? NextAttempt { get; set; }
        public long LagEvents { get; set; }
        public double LagSeconds { get; set; }
    }

    /// <summary>
    /// The configured endpoints in their order (those not started yet included), then any other endpoint with a
    /// stored position. <paramref name="only"/>, when given, restricts the result to those names.
    /// </summary>
    /// <param name="lagCap">Count the lag up to this many events (a page that must stay fast counts fewer).</param>
    public static async Task<IReadOnlyList<WebhookStatus>> ReadAsync(NpgsqlConnection connection, IReadOnlyList<string> configured,
        CancellationToken ct, IReadOnlyCollection<string>? only = null, int lagCap = LagCountCap)
    {
        var names = only?.ToArray() ?? [];
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(Sql, new { names, cap = lagCap }, cancellationToken: ct)))
            .ToDictionary(r => r.Name, StringComparer.Ordinal);
        var result = new List<WebhookStatus>();
        foreach (var name in configured.Where(n => names.Length == 0 || names.Contains(n, StringComparer.Ordinal)))
            result.Add(rows.Remove(name, out var row) ? Status(row, true) : new WebhookStatus(name, true, null, null, 0, 0, 0, 0, null, null, null, null));
        result.AddRange(rows.Values.Select(row => Status(row, false)));
        return result;
    }

    static WebhookStatus Status(Row r, bool configured) =>
        new(r.Name, configured, r.Xid, r.Seq, r.LagEvents, r.LagSeconds, r.Delivered, r.Attempts, r.LastSuccess, r.LastError, r.LastErrorAt, r.NextAttempt);
}
