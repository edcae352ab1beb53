using Npgsql;

namespace ScimLite.Journal;

/// <summary>
/// Who writes and for which request, as transaction-local settings the journal's triggers read
/// (<c>sql/0003_journal.sql</c>): <c>scimlite.client</c> is the authenticated client's name (never its token),
/// <c>scimlite.request_id</c> the request's trace identifier, <c>scimlite.method</c> the HTTP method, which tells a
/// replace (PUT) from a patch. One short statement at the start of each write transaction: Npgsql sends the deferred
/// BEGIN with it, so it adds one round trip and no more.
/// </summary>
public static class JournalContext
{
    const string Sql = """
        SELECT set_config('scimlite.client', $1, true), set_config('scimlite.request_id', $2, true),
               set_config('scimlite.method', $3, true)
        """;

    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, HttpContext request, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        // '' reads as "unknown" in the triggers (journal_setting), as does a setting never made.
        command.Parameters.Add(new NpgsqlParameter { Value = request.User.Identity?.Name ?? "" });
        command.Parameters.Add(new NpgsqlParameter { Value = request.TraceIdentifier });
        command.Parameters.Add(new NpgsqlParameter { Value = request.Request.Method });
        await command.ExecuteNonQueryAsync(ct);
    }
}
