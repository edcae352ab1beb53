using System.Diagnostics;
using ScimLite.Telemetry;

namespace ScimLite.Hosting;

/// <summary>
/// One structured log line per request at Information (category <c>ScimLite.Requests</c>): method, route template,
/// status, duration, client name and trace id. Never the path's values, query, headers or body, so no token, password
/// or attribute value reaches the log. Also counts the 503s and 429s for <see cref="ScimMetrics"/>.
/// Runs outermost, so it sees the final status of errors, rate limiting and authentication alike.
/// </summary>
public sealed partial class RequestLog(RequestDelegate next, ILoggerFactory loggers)
{
    readonly ILogger logger = loggers.CreateLogger("ScimLite.Requests");

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        // Routing has run already; the exception handler clears the endpoint, so it is read now.
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "-";
        try
        {
            await next(context);
        }
        finally
        {
            var status = context.Response.StatusCode;
            var client = context.User.Identity?.Name;
            ScimMetrics.Answered(status, client);
            // Probes come every few seconds from the orchestrator: Debug, so they do not drown the requests that matter.
            var level = route is "/healthz" or "/readyz" ? LogLevel.Debug : LogLevel.Information;
            if (logger.IsEnabled(level))
            {
                Answered(logger, level, context.Request.Method, route, status, Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2),
                    client ?? "-", Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier);
            }
        }
    }

    // Generated: no boxing and no argument array per request line.
    [LoggerMessage(Message = "{Method} {Route} {Status} {DurationMs} ms client={Client} trace={TraceId}")]
    static partial void Answered(ILogger logger, LogLevel level, string method, string route, int status, double durationMs,
        string client, string traceId);
}

public static class RequestLogging
{
    /// <summary>The request line goes to the console (see <see cref="ConsoleLogging"/>) and OTLP when configured.</summary>
    public static WebApplicationBuilder AddScimRequestLog(this WebApplicationBuilder builder)
    {
        ConsoleLogging.ForServer(builder.Logging, builder.Configuration);
        return builder;
    }
}
