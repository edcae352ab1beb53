namespace ScimLite.Scim;

/// <summary>
/// The one error type of ScimLite: anything a request did wrong, with the HTTP status and RFC 7644 §3.12 scimType.
/// ScimLite/Http/ScimErrorHandler.cs turns it into the SCIM error body.
/// </summary>
public sealed class ScimException(int status, string? scimType, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string? ScimType { get; } = scimType;
    public int? RetryAfterSeconds { get; init; }

    public static ScimException InvalidSyntax(string detail) => new(400, "invalidSyntax", detail);
    public static ScimException InvalidValue(string detail) => new(400, "invalidValue", detail);
    public static ScimException InvalidFilter(string detail) => new(400, "invalidFilter", detail);
    public static ScimException InvalidPath(string detail) => new(400, "invalidPath", detail);
    public static ScimException NoTarget(string detail) => new(400, "noTarget", detail);
    public static ScimException Mutability(string detail) => new(400, "mutability", detail);
    public static ScimException Uniqueness(string detail) => new(409, "uniqueness", detail);
    public static ScimException NotFound(string detail) => new(404, null, detail);
    public static ScimException NotFound(string resourceType, Guid id) => new(404, null, $"{resourceType} {id} not found.");
    public static ScimException PreconditionFailed(string detail) => new(412, null, detail);
    public static ScimException Unauthorized(string detail) => new(401, null, detail);
    public static ScimException PayloadTooLarge(string detail) => new(413, null, detail);
    public static ScimException Unavailable(string detail, int retryAfterSeconds) =>
        new(503, null, detail) { RetryAfterSeconds = retryAfterSeconds };
}
