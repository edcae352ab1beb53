using ScimLite.Tests.Infrastructure;
using ScimLite.Tests.Telemetry;

namespace ScimLite.Tests.Status;

/// <summary>Hosts with the admin listener named by its new setting, <c>Scim:Admin:Url</c>.</summary>
public static class StatusHosts
{
    public static MetricsHost StartAdmin(this ScimApp app, IDictionary<string, string?>? settings = null, string urlHost = "127.0.0.1") =>
        MetricsHost.Start(app, settings, "Scim:Admin:Url", urlHost);
}
