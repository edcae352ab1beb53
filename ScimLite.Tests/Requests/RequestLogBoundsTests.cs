using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using ScimLite.Requests;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Requests;

/// <summary>What is recorded beyond errors (an operator's capture) and what is not (past the rate cap).</summary>
public sealed class RequestLogBoundsTests(ScimApp app) : ScimTest(app)
{
    readonly string marker = Guid.NewGuid().ToString("N")[..12];

    async Task<int> RequestsAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await RequestsCommand.Create(output, errors).Parse([.. args, "--connection", App.ConnectionString]).InvokeAsync();
        Assert.True(exit == 0, errors.ToString());
        return exit;
    }

    [Fact]
    public async Task Success_IsRecordedOnlyWhileItsClientIsCaptured()
    {
        await using var host = App.RequestLogHost();
        using var client = host.CreateClient(App.Token);
        string Search(string tag) => $"{Urls.Users}?filter=userName%20eq%20%22{tag}-{marker}%22";

        using (var before = await client.GetAsync(Search("before")))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        using (var bad = await client.GetAsync(Search("bad") + "%22"))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        // One writer, one queue in order: once the later failure is in, the earlier success would be too.
        Assert.Equal([400], (await App.WaitForRowsAsync(marker)).Select(r => r.Status));

        await RequestsAsync("capture", "config-0", "--for", "5m");
        try
        {
            var deadline = DateTime.UtcNow + RequestLogKit.Wait;
            List<RequestRow> captured;
            do
            {
                using (var during = await client.GetAsync(Search("during")))
                    Assert.Equal(HttpStatusCode.OK, during.StatusCode);
                await Task.Delay(200);
                captured = (await App.RowsAsync(marker)).Where(r => r.Query!.Contains("during")).ToList();
            }
            while (captured.Count == 0 && DateTime.UtcNow < deadline);

            var row = Assert.Single(captured.Take(1));
            Assert.Equal((200, "capture", "config-0", null), (row.Status, row.Reason, row.Client, row.ScimType));
        }
        finally
        {
            await RequestsAsync("capture", "config-0", "--off");
        }
    }

    [Fact]
    public async Task BurstBeyondTheRateCap_LeavesAtMostTheCappedRows_AndCountsTheRest()
    {
        const int Sent = 30, Burst = 5, PerSecond = 1;
        long dropped = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RequestLogMetrics.MeterName && instrument.Name == RequestLogMetrics.DroppedName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var reason = tags.ToArray().Single(t => t.Key == "reason").Value;
            if (RequestLogMetrics.RateCap.Equals(reason))
                Interlocked.Add(ref dropped, value);
        });
        listener.Start();
        await using var host = App.RequestLogHost(new Dictionary<string, string?>
        {
            ["Scim:RequestLog:PermitsPerSecond"] = PerSecond.ToString(),
            ["Scim:RequestLog:Burst"] = Burst.ToString(),
        });
        using var anonymous = host.CreateClient();

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Sent; i++)
        {
            using var response = await anonymous.GetAsync($"{Urls.Users}?n={i}-{marker}");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        var elapsed = clock.Elapsed;

        var deadline = DateTime.UtcNow + RequestLogKit.Wait;
        List<RequestRow> rows;
        while ((rows = await App.RowsAsync(marker)).Count + Interlocked.Read(ref dropped) < Sent && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.InRange(rows.Count, Burst, Burst + (int)Math.Ceiling(elapsed.TotalSeconds) * PerSecond);
        Assert.Equal(Sent - rows.Count, Interlocked.Read(ref dropped));
    }
}
