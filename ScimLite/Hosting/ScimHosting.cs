using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using ScimLite.Scim;

namespace ScimLite.Hosting;

/// <summary>How the process is hosted: Kestrel limits, graceful shutdown and what the logs may carry.</summary>
public static class ScimHosting
{
    /// <summary>
    /// How long SIGTERM waits for in-flight requests. On SIGTERM the host stops Kestrel accepting connections, lets
    /// running requests finish for at most this long, then exits 0. 20 s fits inside Kubernetes' default 30 s
    /// terminationGracePeriodSeconds, so the process ends on its own before the SIGKILL.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    public static WebApplicationBuilder AddScimHosting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ScimOptions>>((kestrel, scim) =>
        {
            // The Server header only tells a scanner what to try.
            kestrel.AddServerHeader = false;
            // Chunked bodies have no Content-Length for RequestBodyLimit to check; Kestrel stops them at the same size.
            kestrel.Limits.MaxRequestBodySize = scim.Value.MaxPayloadBytes;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        // Request headers carry the bearer token: HTTP logging, which would record them, stays off even if a later
        // change registers it. Npgsql logs SQL without parameter values (EnableParameterLogging is never called), so
        // password hashes and attribute values stay out of the logs too.
        builder.Logging.AddFilter("Microsoft.AspNetCore.HttpLogging", LogLevel.None);
        // Npgsql logs every command at Information, which floods the log during an IdP's full sync; its warnings and
        // errors still show. Logging:LogLevel:Npgsql in configuration overrides this.
        if (builder.Configuration["Logging:LogLevel:Npgsql"] is null)
            builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        return builder;
    }
}
