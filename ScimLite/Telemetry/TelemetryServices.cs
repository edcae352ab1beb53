using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ScimLite.Telemetry;

/// <summary>
/// OpenTelemetry: ASP.NET Core, Npgsql and .NET runtime instrumentation plus <see cref="ScimMetrics"/>. Exported by OTLP
/// when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (traces, metrics and logs), and as Prometheus text on
/// <c>Scim:Metrics:Url</c> (e.g. <c>http://127.0.0.1:9464</c>): an extra Kestrel endpoint that answers
/// <c>/metrics</c> and the status page (<see cref="Status.StatusEndpoints"/>), while the SCIM endpoints never answer
/// either. <c>Scim:Admin:Url</c> is the listener's clearer name; <c>Scim:Metrics:Url</c> stays as its alias. Neither
/// set: no OpenTelemetry at all, so an unobserved server pays nothing for it.
/// </summary>
public static class TelemetryServices
{
    public const string MetricsUrlSetting = "Scim:Metrics:Url";
    public const string AdminUrlSetting = "Scim:Admin:Url";

    public static WebApplicationBuilder AddScimTelemetry(this WebApplicationBuilder builder)
    {
        var metricsPort = MetricsPort(builder.Configuration);
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (metricsPort is null && !otlp)
            return builder;
        if (metricsPort is not null)
            ListenAlsoOn(builder, AdminUrl(builder.Configuration)!);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("ScimLite"))
            .WithMetrics(metrics =>
            {
                // Every meter ScimLite creates is named ScimLite or ScimLite.<feature> (a test finds each one on /metrics).
                metrics.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddMeter(ScimMetrics.MeterName, ScimMetrics.MeterName + ".*", "Npgsql");
                if (metricsPort is not null)
                    // Every scrape sees the counters as they are now; the port is private, so no cache against scrape storms.
                    metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddSource("Npgsql"));
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>
    /// Serves exactly <c>GET /metrics</c> (and <c>HEAD</c>) on the admin port, and hands its other requests to the status
    /// page, which answers its own paths and 404 for the rest: another method on /metrics is 405, <c>/METRICS</c> 404.
    /// </summary>
    public static WebApplication UseScimMetricsEndpoint(this WebApplication app)
    {
        if (MetricsPort(app.Configuration) is not { } port)
            return app;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Connection.LocalPort == port && IsMetricsPath(context.Request)
            && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)));
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort != port)
                return next(context);
            if (IsMetricsPath(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "GET, HEAD";
            }
            else
            {
                return Status.StatusEndpoints.HandleAsync(context);
            }
            return Task.CompletedTask;
        });
        return app;
    }

    /// <summary>PathString compares ignoring case; the endpoint is exactly <c>/metrics</c>.</summary>
    static bool IsMetricsPath(HttpRequest request) => string.Equals(request.Path.Value, "/metrics", StringComparison.Ordinal);

    /// <summary><c>Scim:Admin:Url</c>, or its alias <c>Scim:Metrics:Url</c>; null when neither is set. Both set must agree.</summary>
    public static string? AdminUrl(IConfiguration configuration)
    {
        var admin = configuration[AdminUrlSetting];
        var metrics = configuration[MetricsUrlSetting];
        if (string.IsNullOrWhiteSpace(admin))
            return string.IsNullOrWhiteSpace(metrics) ? null : metrics.Trim();
        if (!string.IsNullOrWhiteSpace(metrics) && !string.Equals(admin.Trim(), metrics.Trim(), StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{AdminUrlSetting} and its old name {MetricsUrlSetting} are both set, to different URLs; set only {AdminUrlSetting}.");
        return admin.Trim();
    }

    static int? MetricsPort(IConfiguration configuration)
    {
        var url = AdminUrl(configuration);
        if (url is null)
            return null;
        if (!Uri.TryCreate(url.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0"), UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttp)
            throw new InvalidOperationException($"{AdminUrlSetting} (or {MetricsUrlSetting}) must be an http URL, e.g. http://127.0.0.1:9464.");
        return uri.Port;
    }

    /// <summary>
    /// Adds the admin URL to the ones Kestrel listens on (<c>ASPNETCORE_URLS</c>/<c>--urls</c>, or
    /// <c>ASPNETCORE_HTTP_PORTS</c>, or Kestrel's default http://localhost:5000).
    /// </summary>
    static void ListenAlsoOn(WebApplicationBuilder builder, string metricsUrl)
    {
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls) && builder.Configuration["HTTP_PORTS"] is { Length: > 0 } ports)
            urls = string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));
        if (string.IsNullOrWhiteSpace(urls))
            urls = "http://localhost:5000";
        builder.WebHost.UseUrls($"{urls};{metricsUrl}");
    }
}
