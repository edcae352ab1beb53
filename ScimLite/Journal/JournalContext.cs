using Npgsql;

namespace ScimLite.Journal;

/// <summary>
/// Who writes and for which request, as transaction-local settings the journal's triggers read
/// (<c>sql/0003_journal.sql</c>): <c>scimlite.client</c> is the authenticated client's name (never its token),
/// <c>scimlite.request_id</c> the request's trace identifier, <c>scimlite.method</c> the HTTP method, which tells a
/// replace (PUT) from a patch, and <see cref="RestoreMethod"/> a restore from a create. One short statement at the start of each write transaction: Npgsql sends the deferred
/// BEGIN with it, so it adds one round trip and no more.
/// </summary>
public static class JournalContext
{
    const string Sql = """
        SELECT set_config('scimlite.client', $1, true), set_config('scimlite.request_id', $2, true),
               set_config('scimlite.method', $3, true)
        """;

    /// <summary>The method <c>ScimLite restore</c> writes with: the row it puts back is journalled as <c>restored</c>.</summary>
    public const string RestoreMethod = "RESTORE";

    public static Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, HttpContext request, CancellationToken ct) =>
        ApplyAsync(connection, transaction, request.User.Identity?.Name ?? "", request.TraceIdentifier, request.Request.Method, ct);

    /// <summary>The same settings for a writer that is not a request (an operator's verb).</summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string client, string requestId,
        string method, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        // '' reads as "unknown" in the triggers (journal_setting), as does a setting never made.
        command.Parameters.Add(new NpgsqlParameter { Value = client });
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        command.Parameters.Add(new NpgsqlParameter { Value = method });
        await command.ExecuteNonQueryAsync(ct);
    }
}
