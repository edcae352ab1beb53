using Dapper;
using Npgsql;

namespace ScimLite.Requests;

/// <summary>One request_log row as the <c>requests</c> command prints it.</summary>
public sealed record RequestRow(long Seq, DateTime At, string? Client, string RequestId, string Method, string Path, string? Query,
    int Status, string? ScimType, string? Detail, double DurationMs, string? ContentType, string? IfMatch, string? Prefer,
    string? UserAgent, string? Body, int? BodyBytes, bool BodyTruncated, string Reason);

/// <summary>What to read: every set criterion must hold.</summary>
public sealed record RequestFilter
{
    public string? Client { get; init; }
    /// <summary>Lowest and highest status, inclusive: 400–499 for "4xx", 409–409 for "409".</summary>
    public (int From, int To)? Status { get; init; }
    public DateTimeOffset? Since { get; init; }
    /// <summary>A userName or id: the request's path or body names it (or the id of the user with that userName).</summary>
    public string? User { get; init; }
    public int Limit { get; init; } = 100;
    /// <summary>False: each row's body is left out (null), for a list that shows only the request line.</summary>
    public bool Bodies { get; init; } = true;
}

/// <summary>Reads request_log for the <c>requests</c> command.</summary>
public static class RequestLogQuery
{
    // Aliased to the names of RequestRow's constructor, in its order.
    const string BeforeBody = """
        seq, at, client, request_id AS requestid, method, path, query, status, scim_type AS scimtype, detail,
        duration_ms AS durationms, content_type AS contenttype, if_match AS ifmatch, prefer, user_agent AS useragent
        """;
    const string AfterBody = "body_bytes AS bodybytes, body_truncated AS bodytruncated, reason";
    const string Columns = $"{BeforeBody}, body, {AfterBody}";
    const string ColumnsWithoutBody = $"{BeforeBody}, NULL::text AS body, {AfterBody}";

    // The user's ids, now or formerly called that (the journal remembers deleted and renamed users).
    const string UserIdsSql = """
        SELECT id::text FROM users WHERE lower(user_name) = lower(@name)
        UNION SELECT resource_id::text FROM journal WHERE lower(name) = lower(@name) AND resource_type = 'User'
        """;

    /// <summary>The latest <c>Limit</c> rows matching <paramref name="filter"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<RequestRow>> ReadAsync(NpgsqlConnection connection, RequestFilter filter, CancellationToken ct)
    {
        var where = new List<string>();
        var parameters = new DynamicParameters();
        if (filter.Client is { } client)
        {
            where.Add("client = @client");
            parameters.Add("client", client);
        }
        if (filter.Status is var (from, to))
        {
            where.Add("status BETWEEN @statusFrom AND @statusTo");
            parameters.Add("statusFrom", from);
            parameters.Add("statusTo", to);
        }
        if (filter.Since is { } since)
        {
            where.Add("at >= @since");
            parameters.Add("since", since.UtcDateTime);
        }
        if (filter.User is { } user)
        {
            var ids = (await connection.QueryAsync<string>(new CommandDefinition(UserIdsSql, new { name = user }, cancellationToken: ct))).ToList();
            // Needles are matched as plain substrings (strpos), so a userName's % or _ means itself.
            where.Add("EXISTS (SELECT 1 FROM unnest(@needles) AS n WHERE strpos(lower(path), n) > 0 OR strpos(lower(coalesce(body, '')), n) > 0)");
            parameters.Add("needles", ids.Append(user).Select(n => n.ToLowerInvariant()).Distinct().ToArray());
        }
        parameters.Add("limit", filter.Limit);
        var condition = where.Count == 0 ? "true" : string.Join(" AND ", where);
        // Only fixed fragments are joined above; every value is a parameter.
        var columns = filter.Bodies ? Columns : ColumnsWithoutBody;
        var sql = $"SELECT * FROM (SELECT {columns} FROM request_log WHERE {condition} ORDER BY seq DESC LIMIT @limit) AS latest ORDER BY seq";
        return (await connection.QueryAsync<RequestRow>(new CommandDefinition(sql, parameters, cancellationToken: ct))).ToList();
    }

    public static async Task<RequestRow?> ReadOneAsync(NpgsqlConnection connection, long seq, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<RequestRow>(new CommandDefinition(
            $"SELECT {Columns} FROM request_log WHERE seq = @seq", new { seq }, cancellationToken: ct));

    const string CaptureSql = """
        INSERT INTO request_capture (client, until) VALUES (@client, @until)
        ON CONFLICT (client) DO UPDATE SET until = excluded.until, created_at = now()
        """;

    /// <summary>Starts (or extends, or shortens) the capture of <paramref name="client"/> until <paramref name="until"/>.</summary>
    public static Task CaptureAsync(NpgsqlConnection connection, string client, DateTime until, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(CaptureSql, new { client, until }, cancellationToken: ct));

    /// <summary>Ends the capture of <paramref name="client"/>; false when none was on.</summary>
    public static async Task<bool> StopCaptureAsync(NpgsqlConnection connection, string client, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM request_capture WHERE client = @client AND until > now()", new { client }, cancellationToken: ct)) > 0;
}
