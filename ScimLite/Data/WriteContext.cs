using Npgsql;

namespace ScimLite.Data;

/// <summary>
/// Who writes and for which request, as transaction-local settings the journal's triggers read
/// (<c>sql/0003_journal.sql</c>): <c>scimlite.client</c> is the authenticated client's name (never its token),
/// <c>scimlite.request_id</c> the request's trace identifier, <c>scimlite.method</c> the HTTP method, which tells a
/// replace (PUT) from a patch, and <see cref="RestoreMethod"/> a restore from a create. One short statement at the start
/// of each write transaction: Npgsql sends the deferred BEGIN with it, so it adds one round trip and no more.
/// </summary>
public sealed record WriteContext(string Client, string RequestId, string Method)
{
    const string Sql = """
        SELECT set_config('scimlite.client', $1, true), set_config('scimlite.request_id', $2, true),
               set_config('scimlite.method', $3, true)
        """;

    /// <summary>The method <c>ScimLite restore</c> writes with: the row it puts back is journalled as <c>restored</c>.</summary>
    public const string RestoreMethod = "RESTORE";

    /// <summary>The writer of a request: its client ('' when anonymous), trace identifier and method.</summary>
    public static WriteContext Of(HttpContext http) =>
        new(http.User.Identity?.Name ?? "", http.TraceIdentifier, http.Request.Method);

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        // '' reads as "unknown" in the triggers (journal_setting), as does a setting never made.
        command.Parameters.Add(new NpgsqlParameter { Value = Client });
        command.Parameters.Add(new NpgsqlParameter { Value = RequestId });
        command.Parameters.Add(new NpgsqlParameter { Value = Method });
        await command.ExecuteNonQueryAsync(ct);
    }
}
