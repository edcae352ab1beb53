using Dapper;
using Npgsql;

namespace ScimLite.Journal;

/// <summary>One journal row as the command prints it.</summary>
public sealed record JournalRow(long Seq, DateTime At, string? Client, string? RequestId, string ResourceType, Guid ResourceId,
    string? Name, string Action, string Changes);

/// <summary>What to read: every set criterion must hold.</summary>
public sealed record JournalFilter
{
    public string? User { get; init; }
    public string? Group { get; init; }
    public DateTimeOffset? Since { get; init; }
    public long? After { get; init; }
    public string? Client { get; init; }
    public int Limit { get; init; } = 100;
}

/// <summary>Reads the journal for the <c>journal</c> command.</summary>
public static class JournalQuery
{
    // A resource named by id, or by a userName / displayName it has now or had in the journal (deleted, renamed).
    const string ResolveUserSql = """
        SELECT id FROM users WHERE lower(user_name) = lower(@name)
        UNION SELECT resource_id FROM journal WHERE lower(name) = lower(@name) AND resource_type = 'User'
        """;
    const string ResolveGroupSql = """
        SELECT id FROM groups WHERE lower(display_name) = lower(@name)
        UNION SELECT resource_id FROM journal WHERE lower(name) = lower(@name) AND resource_type = 'Group'
        """;

    // Aliased to the names of JournalRow's constructor, in its order.
    const string Columns = """
        seq, at, client, request_id AS requestid, resource_type AS resourcetype, resource_id AS resourceid, name, action,
        changes::text AS changes
        """;

    /// <summary>
    /// The rows matching <paramref name="filter"/> in seq order: the first <c>Limit</c> after <c>--after</c> when it
    /// is given, else the latest <c>Limit</c>. A user's rows include the group membership changes that name them.
    /// Returns null when a named user or group is unknown to both the tables and the journal.
    /// </summary>
    public static async Task<IReadOnlyList<JournalRow>?> ReadAsync(NpgsqlConnection connection, JournalFilter filter, CancellationToken ct)
    {
        var where = new List<string>();
        var parameters = new DynamicParameters();
        if (filter.User is not null || filter.Group is not null)
        {
            var users = filter.User is null ? [] : await ResolveAsync(connection, ResolveUserSql, filter.User, ct);
            var groups = filter.Group is null ? [] : await ResolveAsync(connection, ResolveGroupSql, filter.Group, ct);
            if (users.Length + groups.Length == 0)
                return null;
            parameters.Add("ids", users.Concat(groups).ToArray());
            parameters.Add("users", users);
            where.Add(users.Length == 0
                ? "resource_id = ANY(@ids)"
                : """
                  (resource_id = ANY(@ids)
                   OR (action IN ('members_added', 'members_removed') AND journal_member_ids(changes) && @users))
                  """);
        }
        if (filter.Since is { } since)
        {
            where.Add("at >= @since");
            parameters.Add("since", since.UtcDateTime);
        }
        if (filter.After is { } after)
        {
            where.Add("seq > @after");
            parameters.Add("after", after);
        }
        if (filter.Client is { } client)
        {
            where.Add("client = @client");
            parameters.Add("client", client);
        }
        parameters.Add("limit", filter.Limit);
        var condition = where.Count == 0 ? "true" : string.Join(" AND ", where);
        // Only fixed fragments are joined above; every value is a parameter.
        var sql = filter.After is null
            ? $"SELECT * FROM (SELECT {Columns} FROM journal WHERE {condition} ORDER BY seq DESC LIMIT @limit) AS latest ORDER BY seq"
            : $"SELECT {Columns} FROM journal WHERE {condition} ORDER BY seq LIMIT @limit";
        return (await connection.QueryAsync<JournalRow>(new CommandDefinition(sql, parameters, cancellationToken: ct))).ToList();
    }

    /// <summary>The row with this seq, or null.</summary>
    public static async Task<JournalRow?> ReadOneAsync(NpgsqlConnection connection, long seq, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<JournalRow>(new CommandDefinition(
            $"SELECT {Columns} FROM journal WHERE seq = @seq", new { seq }, cancellationToken: ct));

    static async Task<Guid[]> ResolveAsync(NpgsqlConnection connection, string sql, string nameOrId, CancellationToken ct) =>
        Guid.TryParse(nameOrId, out var id)
            ? [id]
            : (await connection.QueryAsync<Guid>(new CommandDefinition(sql, new { name = nameOrId }, cancellationToken: ct))).ToArray();
}
