using ScimLite.Scim;

namespace ScimLite.Http;

/// <summary>/Bulk and /Me are optional (RFC 7644 §3.7, §3.11) and not offered: 501, as the ServiceProviderConfig says.</summary>
public static class UnsupportedEndpoints
{
    public static IEndpointRouteBuilder MapUnsupported(this IEndpointRouteBuilder app)
    {
        app.MapMethods($"{ScimRequest.BasePath}/Bulk", ["POST"], NotImplemented("Bulk operations are not supported."));
        app.MapMethods($"{ScimRequest.BasePath}/Me", ["GET", "POST", "PUT", "PATCH", "DELETE"], NotImplemented("/Me is not supported: tokens are not tied to a user."));
        return app;
    }

    // Written as an answer, not thrown: a 501 is not an unhandled error and must not be logged as one.
    static RequestDelegate NotImplemented(string detail) =>
        context => ScimErrorHandler.WriteAsync(context, new ScimException(501, null, detail), context.RequestAborted);
}
