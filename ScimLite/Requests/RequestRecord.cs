using ScimLite.Scim;

namespace ScimLite.Requests;

/// <summary>One row of request_log (sql/0012_request_log.sql), redacted, ready to insert.</summary>
public sealed record RequestRecord(
    DateTime At, string? Client, string RequestId, string Method, string Path, string? Query, int Status,
    string? ScimType, string? Detail, double DurationMs, string? ContentType, string? IfMatch, string? Prefer,
    string? UserAgent, string? Body, int? BodyBytes, bool BodyTruncated, string Reason);

/// <summary>
/// The SCIM error a request was answered with, noted by <see cref="Http.ScimErrorHandler.WriteAsync"/> so the request log
/// can record its scimType and detail without reading the response back.
/// </summary>
public static class AnsweredError
{
    static readonly object Key = new();

    public static void Note(HttpContext context, ScimException error) => context.Items[Key] = error;

    public static ScimException? Of(HttpContext context) => context.Items.TryGetValue(Key, out var error) ? error as ScimException : null;
}
