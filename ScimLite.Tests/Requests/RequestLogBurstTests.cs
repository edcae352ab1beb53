using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ScimLite.Requests;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScimLite.Tests.Requests;

/// <summary>A client sending thousands of bad requests fills request_log only up to its rate cap.</summary>
public sealed class RequestLogBurstTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    const int Sent = 5000, Concurrency = 8;
    readonly string marker = Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task FiveThousandBadRequests_WithTheDefaultCaps_RecordAtMostTheCap_AndCountTheRestAsDropped()
    {
        var defaults = new RequestLogOptions();
        using var dropped = new DropCounter("config-0", RequestLogMetrics.RateCap);
        // The API's own rate limit raised (no 429s); the request log's caps left at their defaults.
        await using var host = App.UnthrottledHost();
        using var client = host.CreateClient(App.Token);
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var next = -1;

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < Sent;)
            {
                // An unterminated string: 400 invalidFilter, decided before the database is asked.
                using var response = await client.GetAsync($"{Urls.Users}?filter=userName%20eq%20%22{i}-{marker}");
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            }
        })));
        var elapsed = clock.Elapsed;

        var deadline = DateTime.UtcNow + RequestLogKit.Wait;
        List<RequestRow> rows;
        while ((rows = await App.RowsAsync(marker)).Count + dropped.Count < Sent && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        output.WriteLine($"{Sent} requests in {elapsed.TotalSeconds:0.00} s: {rows.Count} recorded, {dropped.Count} dropped (rate_cap)");

        Assert.Equal([(HttpStatusCode.BadRequest, Sent)], statuses.Select(s => (s.Key, s.Value)));
        // The bucket starts full when the first record asks, after the clock started; one second of margin.
        var cap = defaults.Burst + (int)Math.Ceiling((elapsed.TotalSeconds + 1) * defaults.PermitsPerSecond);
        Assert.InRange(rows.Count, defaults.Burst, cap);
        Assert.All(rows, r => Assert.Equal(("config-0", 400, "invalidFilter"), (r.Client, r.Status, r.ScimType)));
        Assert.Equal(Sent, rows.Count + dropped.Count);
    }
}
