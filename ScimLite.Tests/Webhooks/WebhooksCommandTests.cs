using System.Text.Json;
using Dapper;
using ScimLite.Tests.Cli;
using ScimLite.Tests.Infrastructure;
using ScimLite.Tests.Journal;
using ScimLite.Webhooks;

namespace ScimLite.Tests.Webhooks;

/// <summary><c>ScimLite webhooks status | replay | test</c>, and a wrong endpoint stopping the server's start.</summary>
public class WebhooksCommandTests(ScimApp app) : ScimTest(app)
{
    async Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await WebhooksCommand.Create(output, errors).Parse([.. args, "--connection", App.ConnectionString]).InvokeAsync();
        return (exit, output.ToString(), errors.ToString());
    }

    /// <summary>The process environment of one endpoint "app" (the verbs read the server's configuration).</summary>
    Dictionary<string, string> Environment(Receiver receiver) => new()
    {
        ["ConnectionStrings__Scim"] = App.ConnectionString,
        ["Scim__Webhooks__0__Name"] = "app",
        ["Scim__Webhooks__0__Url"] = receiver.Url,
        ["Scim__Webhooks__0__Secret"] = receiver.Secret,
    };

    [Fact]
    public void Webhooks_IsAVerbOfTheBinary_WithStatusReplayAndTest() =>
        Assert.Equal(["status", "replay", "test"],
            ScimLiteCli.Build().Subcommands.Single(c => c.Name == "webhooks").Subcommands.Select(c => c.Name));

    [Fact]
    public async Task Status_ShowsPositionLagDeliveredAndTheLastError_AsATableOrJson()
    {
        await using var healthy = await Receiver.StartAsync();
        await using var failing = await Receiver.StartAsync();
        failing.Status = 503;
        await using var host = App.UnthrottledHost(WebhookKit.FastDelivery().Endpoint(0, "healthy", healthy).Endpoint(1, "failing", failing));
        using var client = host.CreateClient(App.Token);
        await App.WaitForPositionAsync("healthy");
        await App.WaitForPositionAsync("failing");
        await client.NewUserAsync("alice@example.com");
        await client.NewUserAsync("bob@example.com");
        await healthy.WaitForAsync(_ => healthy.AcceptedEvents.Count == 2, "both creations");
        await failing.WaitForAsync(d => d.Count >= 2, "two attempts");

        var json = await RunAsync("status", "--json");
        var table = await RunAsync("status");

        Assert.True(json.Exit == 0, json.Errors);
        var rows = json.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => r.GetProperty("name").GetString()!);
        var last = await App.LastSeqAsync();
        Assert.Equal((last, 0L, 2L), (rows["healthy"].GetProperty("seq").GetInt64(), rows["healthy"].GetProperty("lagEvents").GetInt64(),
            rows["healthy"].GetProperty("delivered").GetInt64()));
        Assert.Equal(JsonValueKind.Null, rows["healthy"].GetProperty("lastError").ValueKind);
        Assert.Equal(2L, rows["failing"].GetProperty("lagEvents").GetInt64());
        Assert.StartsWith("HTTP 503: receiver says no second line", rows["failing"].GetProperty("lastError").GetString());
        Assert.True(rows["failing"].GetProperty("attempts").GetInt32() >= 2);
        Assert.False(rows["failing"].GetProperty("configured").GetBoolean()); // this process has no Scim:Webhooks

        Assert.Equal(0, table.Exit);
        var lines = table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("endpoint", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("failing (not configured)") && l.Contains("2 events") && l.Contains("HTTP 503"));
        Assert.Contains(lines, l => l.StartsWith("healthy (not configured)") && l.Contains("ago") && !l.Contains("HTTP"));
    }

    [Fact]
    public async Task Replay_DeliversAgainFromASeq_WithTheSameEventIds()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = App.UnthrottledHost(WebhookKit.FastDelivery().Endpoint(0, "app", receiver));
        using var client = host.CreateClient(App.Token);
        await App.WaitForPositionAsync("app");
        var before = await App.LastSeqAsync();
        for (var i = 0; i < 3; i++)
            await client.NewUserAsync($"user{i}@example.com");
        await receiver.WaitForAsync(_ => receiver.AcceptedEvents.Count == 3, "three creations");
        var first = receiver.AcceptedEvents.Ids();
        var second = (await App.FeedAsync(before))[1].Seq;

        var (exit, output, errors) = await RunAsync("replay", "app", "--from", second.ToString());

        Assert.True(exit == 0, errors);
        Assert.Contains($"app delivers again from journal seq {second}", output);
        await receiver.WaitForAsync(_ => receiver.AcceptedEvents.Count == 5, "the last two again");
        Assert.Equal([.. first, .. first[1..]], receiver.AcceptedEvents.Ids());

        Assert.Equal(0, (await RunAsync("replay", "app", "--from", "1h")).Exit);
        await receiver.WaitForAsync(_ => receiver.AcceptedEvents.Count == 8, "all three again");
        Assert.Equal([.. first, .. first[1..], .. first], receiver.AcceptedEvents.Ids());
    }

    [Theory]
    [InlineData(new[] { "replay", "nobody", "--from", "1" }, 1, "No webhook endpoint is called 'nobody' (known: none).")]
    [InlineData(new[] { "replay", "app", "--from", "yesterday" }, 2, "--from 'yesterday' is neither a journal seq")]
    public async Task Replay_RefusesAnUnknownEndpointOrPoint(string[] args, int exit, string message)
    {
        var run = await RunAsync(args);
        Assert.Equal((exit, ""), (run.Exit, run.Output));
        Assert.StartsWith(message, run.Errors);
    }

    [Fact]
    public async Task Test_SendsASignedPing_AndShowsTheAnswer_Exit0_Or1WhenRefused()
    {
        await using var receiver = await Receiver.StartAsync();

        var ok = await CliProcess.RunAsync(["webhooks", "test", "app"], Environment(receiver));
        receiver.Status = 500;
        var refused = await CliProcess.RunAsync(["webhooks", "test", "app"], Environment(receiver));
        var unknown = await CliProcess.RunAsync(["webhooks", "test", "other"], Environment(receiver));

        Assert.True(ok.Exit == 0, ok.ToString());
        Assert.Contains("HTTP 204 in ", ok.Output);
        var ping = receiver.All[0];
        Assert.True(ping.Verified);
        Assert.Equal("ping", Assert.Single(ping.Events).GetProperty("type").GetString());
        Assert.StartsWith("app-ping-", ping.Id);
        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains("receiver says no", refused.Output);
        Assert.Contains("app did not accept the ping: HTTP 500: receiver says no second line", refused.Errors);
        Assert.True(unknown.Exit == 1, unknown.ToString());
        Assert.Contains("No endpoint called 'other' is configured in Scim:Webhooks (configured: app).", unknown.Errors);
        await using var db = await App.OpenConnectionAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM webhook_positions"));
    }

    [Fact]
    public async Task AWrongEndpoint_StopsTheServersStart_WithOneCriticalLineNamingIt_AndTheVerbsWithExit3()
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Scim"] = App.ConnectionString,
            ["Scim__Webhooks__0__Name"] = "app",
            ["Scim__Webhooks__0__Url"] = "http://app.example.com/hooks",
            ["Scim__Webhooks__0__Secret"] = Receiver.NewSecret(),
        };

        var serve = await CliProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{LocalCluster.FreePort()}"], environment);
        var status = await CliProcess.RunAsync(["webhooks", "status"], environment);

        Assert.True(serve.Exit == 3, serve.ToString());
        var critical = Assert.Single(serve.Output.Split('\n'), l => l.Contains("crit"));
        Assert.Contains("ScimLite cannot start: Scim:Webhooks:0: Url http://app.example.com is plain HTTP", critical);
        Assert.True(status.Exit == 3, status.ToString());
        Assert.StartsWith("ScimLite webhooks status: Scim:Webhooks:0: Url http://app.example.com is plain HTTP", status.Errors);
    }
}
