using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Telemetry;

/// <summary>
/// A real Kestrel host with <c>Scim:Metrics:Url</c> set: the SCIM API and the metrics listener on two loopback ports,
/// with a client for each (the API's carries the fixture's token).
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

    public static MetricsHost Start(ScimApp app, IDictionary<string, string?>? settings = null)
    {
        var (apiPort, metricsPort) = (LocalCluster.FreePort(), LocalCluster.FreePort());
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Scim:Metrics:Url"] = $"http://127.0.0.1:{metricsPort}",
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
