using System.Diagnostics;
using ScimLite.Tests.Infrastructure;
using ScimLite.Tests.Journal;

namespace ScimLite.Tests.Webhooks;

/// <summary>At least once: a ScimLite killed mid-delivery, or stopped, loses nothing; the batch comes again under the same webhook-id.</summary>
public class WebhookRestartTests(ScimApp app) : ScimTest(app)
{
    /// <summary>The real ScimLite binary serving on <paramref name="port"/>, with one webhook endpoint "crash".</summary>
    Process StartServer(int port, Receiver receiver)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ScimLite.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Scim__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in WebhookKit.FastDelivery().Endpoint(0, "crash", receiver))
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["ConnectionStrings__Scim"] = App.ConnectionString;
        start.Environment["Scim__Tokens__0"] = App.Token;
        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(start)!;
        // Drained, so a full pipe never blocks the server.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [Fact]
    public async Task KilledWithSigkillMidDelivery_TheNextInstanceSendsTheSameBatchUnderTheSameId_AndEverythingAfter()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Hang = true;
        var before = await App.LastSeqAsync();
        using var server = StartServer(LocalCluster.FreePort(), receiver);
        try
        {
            await App.WaitForPositionAsync("crash");
            for (var i = 0; i < 3; i++)
                await Client.NewUserAsync($"user{i}@example.com");
            await receiver.WaitForAsync(d => d.Count == 1, "the first POST, which it holds open");
            server.Kill(); // SIGKILL: no graceful stop, no chance to write anything
            await server.WaitForExitAsync();
        }
        finally
        {
            if (!server.HasExited)
                server.Kill();
        }
        for (var i = 3; i < 5; i++)
            await Client.NewUserAsync($"user{i}@example.com");
        var held = receiver.All[0];
        receiver.Hang = false;

        await using var host = App.UnthrottledHost(WebhookKit.FastDelivery().Endpoint(0, "crash", receiver));
        using var client = host.CreateClient(App.Token);
        var feed = await App.FeedAsync(before);
        await receiver.WaitForAsync(_ => receiver.AcceptedEvents.Count >= feed.Count, "every event after the restart");

        Assert.Equal((held.Id, held.Body), (receiver.Accepted[0].Id, receiver.Accepted[0].Body));
        Assert.Equal(feed.EventIds("crash"), receiver.AcceptedEvents.Ids());
    }

    [Fact]
    public async Task TheDeliveringInstanceStops_AnotherTakesTheEndpointOver_FromItsPosition()
    {
        await using var receiver = await Receiver.StartAsync();
        var settings = WebhookKit.FastDelivery().Endpoint(0, "handover", receiver);
        var before = await App.LastSeqAsync();
        var first = App.UnthrottledHost(settings);
        using (var client = first.CreateClient(App.Token))
        {
            await App.WaitForPositionAsync("handover");
            await Client.NewUserAsync("alice@example.com");
            await receiver.WaitForAsync(d => d.Count == 1, "alice's creation");
        }
        await using var second = App.UnthrottledHost(settings);
        using var secondClient = second.CreateClient(App.Token);
        await first.DisposeAsync();

        await Client.NewUserAsync("bob@example.com");
        var feed = await App.FeedAsync(before);
        await receiver.WaitForAsync(_ => receiver.AcceptedEvents.Count >= 2, "bob's creation, from the second instance");
        Assert.Equal(feed.EventIds("handover"), receiver.AcceptedEvents.Ids());
    }

    [Fact]
    public async Task AFixedBatch_IsResentWhole_UnderItsId_AlsoWhenTheBatchSizeWasLoweredMeanwhile()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Status = 500;
        await using (var first = App.UnthrottledHost(WebhookKit.FastDelivery().Endpoint(0, "batch", receiver)))
        {
            using var client = first.CreateClient(App.Token);
            await App.WaitForPositionAsync("batch");
        }
        var before = await App.LastSeqAsync();
        for (var i = 0; i < 5; i++)
            await Client.NewUserAsync($"user{i}@example.com");
        await using (var second = App.UnthrottledHost(WebhookKit.FastDelivery(batchSize: 5).Endpoint(0, "batch", receiver)))
        {
            using var client = second.CreateClient(App.Token);
            await receiver.WaitForAsync(d => d.Count >= 1, "the batch of five, refused");
        }
        var refused = receiver.All[0];
        Assert.Equal(5, refused.Events.Length);
        receiver.Status = 204;

        await using var third = App.UnthrottledHost(WebhookKit.FastDelivery(batchSize: 2).Endpoint(0, "batch", receiver));
        using var thirdClient = third.CreateClient(App.Token);
        await receiver.WaitForAsync(_ => receiver.Accepted.Count >= 1, "the batch again");
        await Client.NewUserAsync("late@example.com");
        var feed = await App.FeedAsync(before);
        await receiver.WaitForAsync(_ => receiver.AcceptedEvents.Count >= 6, "the late creation");

        Assert.Equal((refused.Id, refused.Body), (receiver.Accepted[0].Id, receiver.Accepted[0].Body));
        Assert.Equal(feed.EventIds("batch"), receiver.AcceptedEvents.Ids());
    }
}
