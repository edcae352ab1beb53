
namespace ScimLite.Requests;

/// <summary>One row of request_log (sql/0012_request_log.sql), redacted, ready to insert.</summary>
public sealed record RequestRecord(
    DateTime At, string? Client, string RequestId, string Method, string Path, string? Query, int Status,
    string? ScimType, string? Detail, double DurationMs, string? ContentType, string? IfMatch, string? Prefer,
    string? UserAgent, string? Body, int? BodyBytes, bool BodyTruncated, string Reason);
