using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using ScimLite.Scim;

namespace ScimLite.Http;

/// <summary>
/// The request deadline (<see cref="ScimOptions.RequestTimeoutSeconds"/>), through ASP.NET Core's request-timeouts
/// middleware: when it passes, the request's cancellation token fires, Npgsql sends PostgreSQL a cancel for the running
/// statement, and the request is answered 503 with Retry-After and a detail that says it took too long. The same
/// number is the connections' statement_timeout (<see cref="Data.DataServices.WithTimeoutDefaults"/>), so PostgreSQL
/// stops the statement by itself should the cancel not arrive.
/// </summary>
public static class RequestDeadline
{
    public static IServiceCollection AddScimRequestDeadline(this IServiceCollection services)
    {
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<ScimOptions>>((options, scim) =>
        {
            var seconds = scim.Value.RequestTimeoutSeconds;
            if (seconds > 0)
                options.DefaultPolicy = new RequestTimeoutPolicy
                {
                    Timeout = TimeSpan.FromSeconds(seconds),
                    TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
                    WriteTimeoutResponse = WriteTimeoutAsync,
                };
        });
        return services;
    }

    static Task WriteTimeoutAsync(HttpContext context)
    {
        ScimErrorHandler.LogTimeout(context, "request deadline");
        // RequestAborted is the deadline's own token here, already cancelled.
        return ScimErrorHandler.WriteAsync(context, ScimErrorHandler.TookTooLong(), CancellationToken.None);
    }
}
