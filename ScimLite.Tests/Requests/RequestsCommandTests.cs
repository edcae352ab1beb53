using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using ScimLite.Cli;
using ScimLite.Requests;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Requests;

/// <summary><c>ScimLite requests</c> against the test database.</summary>
public sealed class RequestsCommandTests(ScimApp app) : ScimTest(app)
{
    WebApplicationFactory<Program> host = null!;
    readonly string marker = Guid.NewGuid().ToString("N")[..12];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        host = App.RequestLogHost();
    }

    public override async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await base.DisposeAsync();
    }

    async Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await RequestsCommand.Create(output, errors).Parse([.. args, "--connection", App.ConnectionString]).InvokeAsync();
        return (exit, output.ToString(), errors.ToString());
    }

    /// <summary>A 409 naming the marker's user, then a 400 filter; both recorded.</summary>
    async Task<List<RequestRow>> TwoFailuresAsync()
    {
        using var client = host.CreateClient(App.Token);
        var user = new { schemas = new[] { UserUrn }, userName = $"{marker}@example.com", password = $"pw-{marker}" };
        (await client.PostScimAsync(Urls.Users, user)).Dispose();
        using (var conflict = await client.PostScimAsync(Urls.Users, user))
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        using (var bad = await client.GetAsync($"{Urls.Users}?filter=nosuch%20eq%20%22{marker}%22"))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        return await App.WaitForRowsAsync(marker, 2);
    }

    [Fact]
    public void Requests_IsAVerbOfTheBinary() =>
        Assert.Contains(ScimLiteCli.Build().Subcommands, c => c.Name == "requests" && c.Subcommands.Any(s => s.Name == "capture"));

    [Fact]
    public async Task Table_ListsTheFailures_FilteredByClientStatusAndSince()
    {
        var rows = await TwoFailuresAsync();

        var all = await RunAsync("--client", "config-0", "--status", "4xx", "--since", "1h");
        var conflicts = await RunAsync("--status", "409");
        var otherClient = await RunAsync("--client", "okta-prod");

        Assert.True(all.Exit == 0, all.Errors);
        var lines = all.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["seq", "at", "(UTC)", "client", "request", "method", "path", "status", "scimType", "detail"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("(2 rows)", lines[^1].Trim());
        Assert.Contains("POST", lines[1]);
        Assert.Contains("409", lines[1]);
        Assert.Contains("uniqueness", lines[1]);
        Assert.Contains(rows[0].RequestId, lines[1]);
        Assert.Contains("invalidFilter", lines[2]);
        Assert.Contains("(1 row)", conflicts.Output);
        Assert.Contains("(0 rows)", otherClient.Output);
    }

    [Fact]
    public async Task User_FindsTheRequestsNamingThem_ByNameInTheBodyOrIdInThePath()
    {
        await TwoFailuresAsync();
        using var client = host.CreateClient(App.Token);
        var id = (await client.GetJsonAsync($"{Urls.Users}?filter=userName%20eq%20%22{marker}@example.com%22")).GetProperty("Resources")[0].Id();
        using (var missing = await client.PutScimAsync(Urls.User(id), new { schemas = new[] { UserUrn } }))
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        await App.WaitForRowsAsync(id);

        var byName = await RunAsync("--user", $"{marker.ToUpperInvariant()}@example.com", "--json");

        var found = byName.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["POST", "PUT"], found.Select(r => r.GetProperty("method").GetString()));
        Assert.Equal(Urls.User(id), found[1].GetProperty("path").GetString());
        Assert.Contains("[redacted]", found[0].GetProperty("body").GetString());
    }

    [Fact]
    public async Task Show_PrintsOneRecordWithHeadersAndTheIndentedBody()
    {
        var rows = await TwoFailuresAsync();

        var (exit, text, errors) = await RunAsync("show", rows[0].Seq.ToString());
        var unknown = await RunAsync("show", "999999999");

        Assert.True(exit == 0, errors);
        Assert.Contains($"request id:   {rows[0].RequestId}", text);
        Assert.Contains("request:      POST /scim/v2/Users", text);
        Assert.Contains("answer:       409 uniqueness: A user with this userName already exists.", text);
        Assert.Contains("Content-Type: application/scim+json", text);
        Assert.Contains("  \"password\": \"[redacted]\"", text);
        Assert.DoesNotContain($"pw-{marker}", text);
        Assert.Equal(1, unknown.Exit);
    }

    [Fact]
    public async Task Capture_NeedsForOrOff()
    {
        Assert.Equal(ExitCodes.Usage, (await RunAsync("capture", "okta-prod")).Exit);
        Assert.Equal(ExitCodes.Usage, (await RunAsync("capture", "okta-prod", "--for", "3d")).Exit);
        Assert.Equal(ExitCodes.Usage, (await RunAsync("--status", "200")).Exit);
        var on = await RunAsync("capture", "okta-prod", "--for", "30m");
        var off = await RunAsync("capture", "okta-prod", "--off");
        Assert.Contains("Capturing every request of okta-prod until", on.Output);
        Assert.Contains("Stopped capturing okta-prod.", off.Output);
    }
}
