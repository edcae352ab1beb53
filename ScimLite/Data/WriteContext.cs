using Dapper;

namespace ScimLite.Data;

/// <summary>
/// Who writes and for which request, as transaction-local settings the journal's triggers read
/// (<c>sql/0003_journal.sql</c>): <c>scimlite.client</c> is the authenticated client's name (never its token),
/// <c>scimlite.request_id</c> the request's trace identifier, <c>scimlite.method</c> the HTTP method, which tells a
/// replace (PUT) from a patch, and <see cref="RestoreMethod"/> a restore from a create. Set by the procedure
/// <c>scimlite_write_context</c> (<c>sql/0015_write_context.sql</c>), called in front of the transaction's first
/// statement (<see cref="WriteTransaction"/>), so it costs no round trip of its own.
/// </summary>
public sealed record WriteContext(string Client, string RequestId, string Method)
{
    /// <summary>The call that goes in front of a write transaction's first statement (parameters from <see cref="AddTo"/>).</summary>
    public const string Call = "CALL scimlite_write_context(@scimlite_client, @scimlite_request_id, @scimlite_method);\n";

    /// <summary>The method <c>ScimLite restore</c> writes with: the row it puts back is journalled as <c>restored</c>.</summary>
    public const string RestoreMethod = "RESTORE";

    /// <summary>The writer of a request: its client ('' when anonymous), trace identifier and method.</summary>
    public static WriteContext Of(HttpContext http) =>
        new(http.User.Identity?.Name ?? "", http.TraceIdentifier, http.Request.Method);

    /// <summary>The parameters of <see cref="Call"/>. '' reads as "unknown" in the triggers (journal_setting), as does a setting never made.</summary>
    public void AddTo(DynamicParameters parameters) =>
        parameters.AddDynamicParams(new { scimlite_client = Client, scimlite_request_id = RequestId, scimlite_method = Method });
}
