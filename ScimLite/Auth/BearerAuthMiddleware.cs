using ScimLite.Scim;

namespace ScimLite.Auth;

/// <summary>
/// Every /scim/v2 request needs <c>Authorization: Bearer &lt;token&gt;</c>, except discovery documents, which RFC 7643 §5
/// lets clients read anonymously. A failure is a 401 with a SCIM error body (Okta rejects an empty 401).
/// The header and token are never logged.
/// </summary>
public sealed class BearerAuthMiddleware(RequestDelegate next, BearerTokens tokens)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments(ScimHttp.BasePath, out var rest) || IsDiscovery(rest))
        {
            await next(context);
            return;
        }
        // Missing, malformed and wrong tokens alike get the one 401 below: nothing tells a guesser how close it came.
        if (tokens.Identify(context.Request) is null)
        {
            await ScimErrorHandler.WriteAsync(context, ScimException.Unauthorized("A valid bearer token is required."), context.RequestAborted);
            return;
        }
        await next(context);
    }

    static bool IsDiscovery(PathString rest) =>
        rest.StartsWithSegments("/ServiceProviderConfig", StringComparison.OrdinalIgnoreCase)
        || rest.StartsWithSegments("/ResourceTypes", StringComparison.OrdinalIgnoreCase)
        || rest.StartsWithSegments("/Schemas", StringComparison.OrdinalIgnoreCase);
}
