using ScimLite.Auth;
using ScimLite.Cli;
using ScimLite.Data;
using ScimLite.Discovery;
using ScimLite.Extensions;
using ScimLite.Groups;
using ScimLite.Health;
using ScimLite.Hosting;
using ScimLite.Http;
using ScimLite.Journal;
using ScimLite.Requests;
using ScimLite.Safety;
using ScimLite.Scim;
using ScimLite.Search;
using ScimLite.Status;
using ScimLite.Store;
using ScimLite.Telemetry;
using ScimLite.Users;
using ScimLite.Webhooks;

namespace ScimLite;

/// <summary>The SCIM service itself: what <c>ScimLite</c> runs when no operator verb is given.</summary>
public static class ScimServer
{
    /// <summary>
    /// Builds and runs the web host; <paramref name="args"/> are ASP.NET Core's (<c>--urls</c>, <c>--Key=value</c>).
    /// A start-up that fails (invalid configuration, database unreachable or its migration failed, port taken) is one
    /// Critical log line and exit code 3 (1 for a port that cannot be bound), not an unhandled exception.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        // appsettings.json is read from beside the binary, whatever the working directory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        WebApplication? app = null;
        try
        {
            app = Build(builder);
            await app.StartAsync();
            ConsoleLogging.HostStarted = true;
        }
        catch (Exception ex) when (ex is not (HostAbortedException or OperationCanceledException) && StartupFailure.OwnProcess)
        {
            return await StartupFailure.ReportAsync(builder, app, ex);
        }
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    static WebApplication Build(WebApplicationBuilder builder)
    {
        builder.AddScimHosting();
        builder.Services.AddOptions<ScimOptions>().BindConfiguration(ScimOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScimData(builder.Configuration);
        builder.AddScimAuthentication();
        builder.AddScimTelemetry();
        builder.AddScimRequestLog();
        builder.Services.AddJournal();
        builder.Services.AddRequestLog();
        builder.Services.AddWebhooks();
        builder.Services.AddScimExtensions();
        builder.Services.AddUsers();
        builder.Services.AddGroups();
        builder.Services.AddScimSafety();
        builder.Services.AddScimStatus(builder.Configuration);
        builder.Services.AddExceptionHandler<ScimErrorHandler>();
        builder.Services.AddProblemDetails();
        builder.Services.AddScimRequestDeadline();
        builder.Services.AddScimPublicUrls();
        builder.Services.AddSingleton<ReadinessProbe>();
        builder.Services.AddSingleton<PageContinuations>();

        var app = builder.Build();

        app.UseScimForwardedHeaders();
        app.UseScimMetricsEndpoint();
        app.UseMiddleware<RequestLog>();
        app.UseScimClientActivity();
        app.UseMiddleware<RequestCapture>();
        app.UseExceptionHandler();
        app.UseStatusCodePages(ScimErrorHandler.StatusCodePage);
        app.UseMiddleware<RequestBodyLimit>();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseRequestTimeouts();

        app.MapHealth();
        app.MapDiscovery();
        // Everything else under /scim/v2 needs a client's token.
        var scim = app.MapGroup("").RequireAuthorization();
        scim.MapUsers();
        scim.MapGroups();
        scim.MapRootSearch();
        scim.MapUnsupported();
        return app;
    }
}
