using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Telemetry;

/// <summary>
/// A real Kestrel host with <c>Scim:Metrics:Url</c> (or its newer name <c>Scim:Admin:Url</c>) set: the SCIM API and the
/// admin listener on two loopback ports, with a client for each (the API's carries the fixture's token).
/// </summary>
public sealed class MetricsHost : IAsyncDisposable
{
    readonly WebApplicationFactory<Program> host;

    MetricsHost(WebApplicationFactory<Program> host, int apiPort, int metricsPort)
    {
        this.host = host;
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        Metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
    }

    public HttpClient Api { get; }
    public HttpClient Metrics { get; }

    /// <summary>The host's services, for tests that drive a background job by hand.</summary>
    public IServiceProvider Services => host.Services;

    /// <param name="urlSetting">The setting that names the admin listener: the old name by default.</param>
    /// <param name="urlHost">The host the setting names (Kestrel listens on loopback whatever it is).</param>
    public static MetricsHost Start(ScimApp app, IDictionary<string, string?>? settings = null, string urlSetting = "Scim:Metrics:Url",
        string urlHost = "127.0.0.1")
    {
        var (apiPort, metricsPort) = (LocalCluster.FreePort(), LocalCluster.FreePort());
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            [urlSetting] = $"http://{urlHost}:{metricsPort}",
        };
        var host = app.NewHost(all);
        host.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, apiPort);
            kestrel.Listen(IPAddress.Loopback, metricsPort);
        });
        host.StartServer();
        var started = new MetricsHost(host, apiPort, metricsPort);
        started.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.Token);
        return started;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        Metrics.Dispose();
        await host.DisposeAsync();
    }
}
