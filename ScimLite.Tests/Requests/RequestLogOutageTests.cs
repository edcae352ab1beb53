using System.Diagnostics;
using System.Net;
using ScimLite.Requests;
using ScimLite.Scim;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScimLite.Tests.Requests;

/// <summary>
/// PostgreSQL is unreachable: the request log costs the failing requests nothing (their records are dropped and
/// counted), and records again once the database is back.
/// </summary>
public sealed class RequestLogOutageTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    const int Each = 20;
    readonly string marker = Guid.NewGuid().ToString("N")[..12];

    string Search(string tag) => $"{Urls.Users}?filter=userName%20eq%20%22{tag}-{marker}%22";

    [Fact]
    public async Task DatabaseDown_FailuresAnswered503AsFastAsWithoutTheLog_RecordsDroppedAndCounted_ThenRecordedAgain()
    {
        Assert.True(App.Postgres.CanRestart, "This test stops PostgreSQL; it cannot run against SCIMLITE_TEST_CONNECTION.");
        using var dropped = new DropCounter("config-0", RequestLogMetrics.Database, RequestLogMetrics.QueueFull);
        await using var on = App.UnthrottledHost(new Dictionary<string, string?>
        {
            ["Scim:RequestLog:PermitsPerSecond"] = "100000", ["Scim:RequestLog:Burst"] = "100000",
        });
        await using var off = App.UnthrottledHost(new Dictionary<string, string?> { ["Scim:RequestLog:Enabled"] = "false" });
        using var withLog = on.CreateClient(App.Token);
        using var withoutLog = off.CreateClient(App.Token);
        foreach (var client in new[] { withLog, withoutLog })
            using (var warm = await client.GetAsync(Search("warm")))
                Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        var deadline = TimeSpan.FromSeconds(new ScimOptions().RequestTimeoutSeconds);

        List<TimeSpan> onTimes = [], offTimes = [];
        long droppedWhileDown;
        await App.Postgres.StopAsync();
        try
        {
            // Alternating, so both see the same machine load.
            for (var i = 0; i < Each; i++)
            {
                onTimes.Add(await Timed503Async(withLog, Search($"down{i}")));
                offTimes.Add(await Timed503Async(withoutLog, Search($"off{i}")));
            }
            var waited = Stopwatch.StartNew();
            while (dropped.Count < Each && waited.Elapsed < RequestLogKit.Wait)
                await Task.Delay(50);
            droppedWhileDown = dropped.Count;
        }
        finally
        {
            await App.Postgres.StartAsync();
        }

        double Median(List<TimeSpan> times) => times.Select(t => t.TotalMilliseconds).Order().ElementAt(times.Count / 2);
        output.WriteLine($"503 median with the request log {Median(onTimes):0.0} ms, without {Median(offTimes):0.0} ms; "
            + $"slowest {onTimes.Max().TotalMilliseconds:0.0} / {offTimes.Max().TotalMilliseconds:0.0} ms; {droppedWhileDown} records dropped");
        Assert.All(onTimes.Concat(offTimes), t => Assert.True(t < deadline, $"a 503 took {t.TotalMilliseconds:0} ms"));
        Assert.True(Median(onTimes) < Median(offTimes) * 2 + 50,
            $"503s take {Median(onTimes):0.0} ms with the request log, {Median(offTimes):0.0} ms without");
        Assert.Equal(Each, droppedWhileDown);

        await WaitUntilAnsweredOkAsync(withLog);
        using (var bad = await withLog.GetAsync(Search("after") + "%22"))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var rows = await App.WaitForRowsAsync($"after-{marker}");
        Assert.Equal([("config-0", 400)], rows.Select(r => (r.Client, r.Status)));
        // The records of the outage were dropped, not written late.
        Assert.DoesNotContain(await App.RowsAsync(marker), r => r.Query!.Contains("down"));
    }

    /// <summary>One search while the database is down: a 503 SCIM error, and how long it took.</summary>
    static async Task<TimeSpan> Timed503Async(HttpClient client, string url)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        var took = clock.Elapsed;
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.Null(ScimAssert.ScimErrorProblem(response.StatusCode, body));
        return took;
    }

    static async Task WaitUntilAnsweredOkAsync(HttpClient client)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync($"{Urls.Users}?count=0");
            if (response.StatusCode == HttpStatusCode.OK)
                return;
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "GET /Users does not answer 200 after PostgreSQL is back");
            await Task.Delay(100);
        }
    }
}
