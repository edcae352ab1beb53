using ScimLite.Scim;

namespace ScimLite.Http;

/// <summary>
/// The SCIM error a request was answered with, noted by <see cref="ScimErrorHandler.WriteAsync"/> so the request log
/// can record its scimType and detail without reading the response back.
/// </summary>
public static class AnsweredError
{
    static readonly object Key = new();

    public static void Note(HttpContext context, ScimException error) => context.Items[Key] = error;

    public static ScimException? Of(HttpContext context) => context.Items.TryGetValue(Key, out var error) ? error as ScimException : null;
}
