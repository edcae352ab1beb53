namespace ScimLite.Status;

/// <summary>
/// The read-only status page on the admin listener (<c>Scim:Admin:Url</c>): what it reads, the per-client counters it
/// shows, and the hourly journal rollup behind its chart. The page's paths are served by
/// <see cref="StatusEndpoints"/>, from the admin listener's middleware only.
/// </summary>
public static class StatusServices
{
    /// <summary>Nothing at all without an admin listener: no counters, no rollup.</summary>
    public static IServiceCollection AddScimStatus(this IServiceCollection services, IConfiguration configuration)
    {
        if (Telemetry.TelemetryServices.AdminUrl(configuration) is null)
            return services;
        services.AddSingleton<ClientActivity>();
        services.AddSingleton<AdminAccess>();
        services.AddSingleton<StatusReader>();
        services.AddSingleton<ActivityRollup>();
        services.AddHostedService(provider => provider.GetRequiredService<ActivityRollup>());
        return services;
    }

    /// <summary>Counts each /scim/v2 request per client for the page (a few Interlocked operations, no I/O).</summary>
    public static WebApplication UseScimClientActivity(this WebApplication app)
    {
        if (Telemetry.TelemetryServices.AdminUrl(app.Configuration) is not null)
            app.UseMiddleware<ClientActivityCounter>();
        return app;
    }
}
