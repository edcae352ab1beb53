using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScimLite.Tests.Security;

/// <summary>What the edge of the HTTP surface costs and logs: 501s are answers, /readyz floods do not reach the pool.</summary>
public class EdgeLoggingTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    [Fact]
    public async Task BulkAndMe_Answer501_WithoutLoggingAnError()
    {
        var capture = new CapturingLoggerProvider();
        await using var host = App.NewHost(configure: builder =>
            builder.ConfigureLogging(logging => logging.AddProvider(capture).AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace)));
        using var client = host.CreateClient(App.Token);

        using (var bulk = await client.PostScimAsync("/scim/v2/Bulk", new { schemas = new[] { "urn:ietf:params:scim:api:messages:2.0:BulkRequest" }, Operations = Array.Empty<object>() }))
        {
            await bulk.AssertStatusAsync(HttpStatusCode.NotImplemented);
            await bulk.AssertScimErrorAsync();
        }
        using (var me = await client.GetAsync("/scim/v2/Me"))
        {
            await me.AssertStatusAsync(HttpStatusCode.NotImplemented);
            await me.AssertScimErrorAsync();
        }

        var log = capture.Entries.ToList();
        Assert.DoesNotContain(log, entry => entry.StartsWith("Error", StringComparison.Ordinal) || entry.StartsWith("Critical", StringComparison.Ordinal));
        Assert.DoesNotContain(log, entry => entry.Contains("ScimException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readyz_Flood_AsksTheDatabaseAtMostOnceASecond()
    {
        var capture = new CapturingLoggerProvider();
        await using var host = App.NewHost(
            new Dictionary<string, string?> { ["Logging:LogLevel:Npgsql"] = "Information" },
            builder => builder.ConfigureLogging(logging => logging.AddProvider(capture).AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace)));
        using var client = host.CreateClient(token: null);
        using (var first = await client.GetAsync("/readyz"))
            await first.AssertStatusAsync(HttpStatusCode.OK);

        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.GetAsync("/readyz");
            return response.StatusCode;
        }));
        for (var i = 0; i < 100; i++)
        {
            using var response = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var elapsed = clock.Elapsed;

        var probes = capture.Entries.Count(entry => entry.Contains("Npgsql.Command", StringComparison.Ordinal) && entry.Contains("SELECT 1", StringComparison.Ordinal));
        output.WriteLine($"301 calls in {elapsed.TotalSeconds:0.00} s asked the database {probes} times");
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.InRange(probes, 1, 2 + (int)elapsed.TotalSeconds);
    }
}
