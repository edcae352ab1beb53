using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScimLite.Tests.Telemetry;

/// <summary>
/// A real Kestrel host with <c>Scim:Metrics:Url</c> set: a Prometheus scrape of the metrics port shows the provisioning
/// counters and the per-client request metrics move during a small Okta-shaped contract run, and neither port serves
/// the other's endpoints.
/// </summary>
public class MetricsEndpointTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    /// <summary>The sum of every sample of a metric (all label sets), 0 when it has none yet.</summary>
    static double Sum(string scrape, string metric, string? label = null) =>
        Regex.Matches(scrape, $@"^{Regex.Escape(metric)}(\{{.*\}})? (\S+)$", RegexOptions.Multiline)
            .Where(m => label is null || m.Groups[1].Value.Contains(label, StringComparison.Ordinal))
            .Sum(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

    [Fact]
    public async Task PrometheusScrape_ShowsProvisioningCountersMoving_OnTheMetricsPortOnly()
    {
        await using var host = MetricsHost.Start(App);
        var (api, metrics) = (host.Api, host.Metrics);

        var before = await metrics.GetStringAsync("/metrics");
        var user = (await api.CreateUserAsync("metrics@example.com")).GetProperty("id").GetString();
        using (var deactivate = await api.PatchScimAsync(Urls.User(user), HttpExtensions.PatchOp(new { op = "replace", value = new { active = false } })))
            await deactivate.AssertStatusAsync(HttpStatusCode.OK);
        using (var reactivate = await api.PatchScimAsync(Urls.User(user), HttpExtensions.PatchOp(new { op = "replace", path = "active", value = true })))
            await reactivate.AssertStatusAsync(HttpStatusCode.OK);
        var group = (await api.CreateGroupAsync("Metrics")).GetProperty("id").GetString();
        using (var add = await api.PatchScimAsync(Urls.Group(group), HttpExtensions.PatchOp(new { op = "add", path = "members", value = new[] { new { value = user } } })))
            await add.AssertStatusAsync(HttpStatusCode.NoContent);
        using (var remove = await api.PatchScimAsync(Urls.Group(group), HttpExtensions.PatchOp(new { op = "remove", path = $"members[value eq \"{user}\"]" })))
            await remove.AssertStatusAsync(HttpStatusCode.NoContent);
        using (var deleted = await api.DeleteAsync(Urls.User(user)))
            await deleted.AssertStatusAsync(HttpStatusCode.NoContent);
        using (var anonymous = new HttpClient { BaseAddress = api.BaseAddress })
        using (var refused = await anonymous.GetAsync(Urls.Users))
            await refused.AssertStatusAsync(HttpStatusCode.Unauthorized);
        var after = await metrics.GetStringAsync("/metrics");
        output.WriteLine(string.Join('\n', after.Split('\n').Where(l => l.StartsWith("scimlite_") || l.StartsWith("db_client") || l.Contains("scim_client"))));

        foreach (var counter in new[]
        {
            "scimlite_users_created_total", "scimlite_users_deactivated_total", "scimlite_users_reactivated_total",
            "scimlite_users_deleted_total", "scimlite_groups_created_total", "scimlite_members_added_total", "scimlite_members_removed_total",
        })
            Assert.True(Sum(after, counter) - Sum(before, counter) >= 1, $"{counter} did not move");
        // Requests by client, route template and status, with latency: ASP.NET Core's histogram with the client's name.
        Assert.True(Sum(after, "http_server_request_duration_seconds_count", "scim_client=\"config-0\"")
            - Sum(before, "http_server_request_duration_seconds_count", "scim_client=\"config-0\"") >= 7);
        Assert.Matches(@"http_server_request_duration_seconds_bucket\{[^}]*http_route=""/scim/v2/Users/\{id\}""", after);
        Assert.Matches(@"http_server_request_duration_seconds_count\{[^}]*http_response_status_code=""401""", after);
        Assert.Contains("db_client_connection", after); // Npgsql's pool metrics
        Assert.DoesNotContain(App.Token, after);

        // Each port serves only its own endpoints.
        using (var onApi = await api.GetAsync("/metrics"))
            Assert.Equal(HttpStatusCode.NotFound, onApi.StatusCode);
        using (var onMetrics = await metrics.GetAsync("/scim/v2/ServiceProviderConfig"))
            Assert.Equal(HttpStatusCode.NotFound, onMetrics.StatusCode);
    }
}
