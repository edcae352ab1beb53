using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;
using ScimLite.Tests.Journal;
using ScimLite.Webhooks;
using Xunit.Abstractions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Webhooks;

/// <summary>Webhooks delivered from the journal to a receiver on a loopback port, through real hosts on the test database.</summary>
public class WebhookDeliveryTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    [Fact]
    public async Task Deactivation_IsDeliveredWithin1s_SignedAndVerifiable_AsTheJournalRow_WithoutThePassword()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = App.UnthrottledHost(WebhookKit.FastDelivery().Endpoint(0, "sessions", receiver));
        using var client = host.CreateClient(App.Token);
        await App.WaitForPositionAsync("sessions");
        var id = (await client.PostUserAsync(new { schemas = new[] { UserUrn }, userName = "alice@example.com", password = "S3cret-Pa55!" })).Id();
        await receiver.WaitForAsync(d => d.Count == 1, "the creation");

        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, await client.PatchAsync(Urls.User(id), new { op = "replace", value = new { active = false } }));
        var all = await receiver.WaitForAsync(d => d.Count == 2, "the deactivation");
        output.WriteLine($"deactivation received {clock.Elapsed.TotalMilliseconds:F0} ms after the PATCH was sent");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed.TotalMilliseconds:F0} ms");

        var delivery = all[1];
        Assert.True(delivery.Verified, "the StandardWebhooks package did not verify the signature");
        Assert.Equal(WebhookKit.ExpectedSignature(receiver.Secret, delivery), delivery.Signature);
        Assert.InRange(long.Parse(delivery.Timestamp), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        var row = (await App.FeedAsync()).Last();
        var journal = (await App.JournalAsync()).Last();
        var e = Assert.Single(delivery.Events);
        Assert.Equal("user.deactivated", e.GetProperty("type").GetString());
        Assert.Equal($"sessions-{row.Xid}-{row.Seq}", e.GetProperty("id").GetString());
        Assert.Equal($"sessions-{row.Xid}-{row.Seq}.1", delivery.Id);
        Assert.Equal(row.Seq, e.GetProperty("seq").GetInt64());
        Assert.Equal(("User", id, "alice@example.com"), (e.GetProperty("resource").GetProperty("type").GetString(),
            e.GetProperty("resource").GetProperty("id").GetString(), e.GetProperty("resource").GetProperty("name").GetString()));
        Assert.Equal(journal.Client, e.GetProperty("client").GetString());
        Assert.False(e.GetProperty("changes").GetProperty("active").GetProperty("new").GetBoolean());
        Assert.EndsWith("Z", e.GetProperty("at").GetString());

        var created = Assert.Single(all[0].Events);
        Assert.Equal("set", created.GetProperty("changes").GetProperty("password").GetString());
        await using var db = await App.OpenConnectionAsync();
        var hash = await db.QuerySingleAsync<string>("SELECT password_hash FROM users WHERE id = @id::uuid", new { id });
        Assert.DoesNotContain(hash.Split('$')[^1], all[0].Body);
        Assert.DoesNotContain("S3cret", all[0].Body);
    }

    [Fact]
    public async Task ReceiverDown_ThenBack_GetsEveryEventInJournalOrder_NoneMissing_RetriesKeepTheirId()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Status = 500;
        var failed = Measure("scimlite.webhooks.failed", "down");
        var delivered = Measure("scimlite.webhooks.delivered", "down");
        await using var host = App.UnthrottledHost(WebhookKit.FastDelivery(batchSize: 7).Endpoint(0, "down", receiver));
        using var client = host.CreateClient(App.Token);
        await App.WaitForPositionAsync("down");
        var before = await App.LastSeqAsync();

        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
            ids.Add(await client.NewUserAsync($"user{i}@example.com"));
        await client.NewGroupAsync("Droids", [.. ids]);
        foreach (var id in ids.Take(5))
            Assert.Equal(HttpStatusCode.OK, await client.PatchAsync(Urls.User(id), new { op = "replace", value = new { active = false } }));
        await receiver.WaitForAsync(d => d.Count >= 4, "four failing attempts");
        var failing = receiver.All;
        Assert.All(failing, d => Assert.Equal((500, failing[0].Id, failing[0].Body), (d.Answered, d.Id, d.Body)));
        await using (var db = await App.OpenConnectionAsync())
            Assert.StartsWith("HTTP 500: receiver says no second line", await db.QuerySingleAsync<string>("SELECT last_error FROM webhook_positions WHERE name = 'down'"));

        receiver.Status = 200;
        var feed = await App.FeedAsync(before);
        Assert.Equal(17, feed.Count); // 10 users created, the group created and its members added, 5 users deactivated
        await receiver.WaitForAsync(_ => receiver.AcceptedEvents.Count >= feed.Count, "every event once it is back");

        Assert.Equal(feed.EventIds("down"), receiver.AcceptedEvents.Ids());
        Assert.Equal(failing[0].Id, receiver.Accepted[0].Id);
        Assert.All(receiver.Accepted, d => Assert.InRange(d.Events.Length, 1, 7));
        Assert.Equal(["user.created", "group.created", "group.members_added", "user.deactivated"],
            receiver.AcceptedEvents.Select(e => e.GetProperty("type").GetString()).Distinct());
        Assert.True(failed() >= 4, $"failed attempts counted: {failed()}");
        Assert.Equal(17, delivered());
    }

    [Fact]
    public async Task TwoInstances_DeliverEachEventOnce()
    {
        await using var receiver = await Receiver.StartAsync();
        var settings = WebhookKit.FastDelivery().Endpoint(0, "shared", receiver);
        await using var a = App.UnthrottledHost(settings);
        await using var b = App.UnthrottledHost(settings);
        using var clientA = a.CreateClient(App.Token);
        using var clientB = b.CreateClient(App.Token);
        await App.WaitForPositionAsync("shared");
        var before = await App.LastSeqAsync();

        for (var i = 0; i < 20; i++)
            await (i % 2 == 0 ? clientA : clientB).NewUserAsync($"user{i}@example.com");
        var feed = await App.FeedAsync(before);
        var mine = () => receiver.AcceptedEvents.Where(e => e.GetProperty("seq").GetInt64() > before).ToList();
        await receiver.WaitForAsync(_ => mine().Count >= feed.Count, "the 20 creations");
        await Task.Delay(500);

        // This test's rows are compared in full; earlier rows may come too: a row not yet final when the position was
        // made (a transaction running elsewhere holds the feed's head back) is after the position, and is sent.
        Assert.Equal(feed.EventIds("shared"), mine().Ids());
        Assert.Equal(receiver.All.Count, receiver.All.Select(d => d.Id).Distinct().Count());
        Assert.Equal(receiver.AcceptedEvents.Count, receiver.AcceptedEvents.Ids().Distinct().Count());
    }

    [Fact]
    public async Task HangingAndFailingEndpoints_DelayNeitherScimRequestsNorAnotherEndpoint()
    {
        await using var hanging = await Receiver.StartAsync();
        hanging.Hang = true;
        await using var failing = await Receiver.StartAsync();
        failing.Status = 500;
        await using var healthy = await Receiver.StartAsync();
        var settings = WebhookKit.FastDelivery().Endpoint(0, "hanging", hanging).Endpoint(1, "failing", failing).Endpoint(2, "healthy", healthy);
        settings["Scim:WebhookDelivery:TimeoutSeconds"] = "10";
        await using var host = App.UnthrottledHost(settings);
        using var client = host.CreateClient(App.Token);
        foreach (var name in new[] { "hanging", "failing", "healthy" })
            await App.WaitForPositionAsync(name);
        await client.NewUserAsync("first@example.com");
        await hanging.WaitForAsync(d => d.Count == 1, "the first POST (which it holds)");
        await failing.WaitForAsync(d => d.Count >= 2, "two attempts");

        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            var id = await client.NewUserAsync($"user{i}@example.com");
            Assert.Equal(HttpStatusCode.OK, await client.PatchAsync(Urls.User(id), new { op = "replace", value = new { active = false } }));
            output.WriteLine($"create + deactivate: {clock.Elapsed.TotalMilliseconds:F0} ms");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"SCIM requests took {clock.Elapsed.TotalMilliseconds:F0} ms");
            await healthy.WaitForAsync(_ => healthy.AcceptedEvents.Any(e => e.GetProperty("resource").GetProperty("id").GetString() == id
                && e.GetProperty("type").GetString() == "user.deactivated"), $"user{i}'s deactivation");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the healthy endpoint got it after {clock.Elapsed.TotalMilliseconds:F0} ms");
        }
        Assert.Single(hanging.All);
    }

    [Fact]
    public async Task Actions_Filter_SendsOnlyThoseEvents_AndThePositionPassesTheOthers()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = App.UnthrottledHost(WebhookKit.FastDelivery().Endpoint(0, "offboarding", receiver, "deactivated", "deleted"));
        using var client = host.CreateClient(App.Token);
        await App.WaitForPositionAsync("offboarding");

        var id = await client.NewUserAsync("alice@example.com");
        Assert.Equal(HttpStatusCode.OK, await client.PatchAsync(Urls.User(id), new { op = "replace", path = "title", value = "Pilot" }));
        Assert.Equal(HttpStatusCode.OK, await client.PatchAsync(Urls.User(id), new { op = "replace", value = new { active = false } }));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(Urls.User(id))).StatusCode);
        await receiver.WaitForAsync(_ => receiver.AcceptedEvents.Count >= 2, "the deactivation and the deletion");
        await client.NewUserAsync("bob@example.com");
        var last = await App.LastSeqAsync();

        await using var db = await App.OpenConnectionAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await db.QuerySingleAsync<long>("SELECT seq FROM webhook_positions WHERE name = 'offboarding'") != last)
        {
            Assert.True(DateTime.UtcNow < deadline, "the position never passed bob's creation");
            await Task.Delay(20);
        }
        Assert.Equal(["user.deactivated", "user.deleted"], receiver.AcceptedEvents.Select(e => e.GetProperty("type").GetString()));
    }

    /// <summary>The running sum of a webhook counter for one endpoint, measured in this process.</summary>
    static Func<long> Measure(string instrument, string endpoint)
    {
        long total = 0;
        var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == WebhookMetrics.MeterName && i.Name == instrument)
                l.EnableMeasurementEvents(i);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "webhook.endpoint" && (string?)tag.Value == endpoint)
                    Interlocked.Add(ref total, value);
        });
        listener.Start();
        return () => Interlocked.Read(ref total);
    }
}
