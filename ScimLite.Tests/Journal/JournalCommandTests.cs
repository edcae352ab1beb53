using System.Net;
using System.Text.Json;
using ScimLite.Journal;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Journal;

/// <summary><c>ScimLite journal</c> against the test database.</summary>
public class JournalCommandTests(ScimApp app) : ScimTest(app)
{
    async Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await JournalCommand.Create(output, errors).Parse([.. args, "--connection", App.ConnectionString]).InvokeAsync();
        return (exit, output.ToString(), errors.ToString());
    }

    /// <summary>alice: created, patched, added to Droids, deactivated, renamed; bob's changes in between.</summary>
    async Task<string> AliceHistoryAsync(HttpClient client)
    {
        var alice = await client.NewUserAsync("alice@example.com", title: "Pilot");
        var bob = await client.NewUserAsync("bob@example.com");
        Assert.Equal(HttpStatusCode.OK, await client.PatchAsync(Urls.User(alice), new { op = "replace", path = "title", value = "Captain" }));
        await client.NewGroupAsync("Droids", alice, bob);
        Assert.Equal(HttpStatusCode.OK, await client.PatchAsync(Urls.User(bob), new { op = "replace", path = "title", value = "Cook" }));
        Assert.Equal(HttpStatusCode.OK, await client.PatchAsync(Urls.User(alice), new { op = "replace", value = new { active = false } }));
        Assert.Equal(HttpStatusCode.OK, await client.PatchAsync(Urls.User(alice), new { op = "replace", path = "userName", value = "alice.smith@example.com" }));
        return alice;
    }

    [Fact]
    public void Journal_IsAVerbOfTheBinary() =>
        Assert.Contains(ScimLiteCli.Build().Subcommands, c => c.Name == "journal");

    [Fact]
    public async Task User_PrintsTheirHistoryInOrder_AsATable()
    {
        await AliceHistoryAsync(Client);

        var (exit, text, errors) = await RunAsync("--user", "alice@example.com");

        Assert.True(exit == 0, errors);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("seq", lines[0]);
        Assert.Equal("(5 rows)", lines[^1].Trim());
        var body = lines[1..^1];
        Assert.Equal(["created", "patched", "members_added", "deactivated", "renamed"],
            body.Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries)[4].Trim()));
        Assert.Contains("title: \"Pilot\" → \"Captain\"", body[1]);
        Assert.Contains("+alice@example.com, +bob@example.com", body[2]);
        Assert.Contains("active: true → false", body[3]);
        Assert.DoesNotContain(body, l => l.Contains("Cook"));
    }

    [Fact]
    public async Task Json_PrintsOneObjectPerLine_FindsTheUserByIdOrFormerName()
    {
        var alice = await AliceHistoryAsync(Client);

        var byOldName = await RunAsync("--user", "ALICE@example.com", "--json");
        var byId = await RunAsync("--user", alice, "--json");

        Assert.Equal(0, byOldName.Exit);
        Assert.Equal(byOldName.Output, byId.Output);
        var rows = byId.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, rows.Count);
        Assert.Equal(rows.Select(r => r.GetProperty("seq").GetInt64()).Order(), rows.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.Equal("deactivated", rows[3].GetProperty("action").GetString());
        Assert.False(rows[3].GetProperty("changes").GetProperty("active").GetProperty("new").GetBoolean());
        Assert.Equal("alice.smith@example.com", rows[4].GetProperty("name").GetString());
    }

    [Fact]
    public async Task GroupAfterAndLimit_Narrow_UnknownUserExits2()
    {
        await AliceHistoryAsync(Client);

        var group = await RunAsync("--group", "droids", "--json");
        var all = (await RunAsync("--json", "--limit", "1000")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var afterThird = await RunAsync("--after", JsonDocument.Parse(all[2]).RootElement.GetProperty("seq").ToString(), "--limit", "2", "--json");
        var latest = await RunAsync("--limit", "2", "--json", "--since", "1h");
        var unknown = await RunAsync("--user", "nobody@example.com");

        Assert.Equal(["created", "members_added"], group.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("action").GetString()));
        Assert.Equal(all[3..5], afterThird.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(all[^2..], latest.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(1, unknown.Exit); // not found: refused, not a usage error
        Assert.Contains("nobody@example.com", unknown.Errors);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 15 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("7d", 7 * 86400)]
    public void ParseSince_Duration_CountsBackFromNow(string text, int seconds)
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(now.AddSeconds(-seconds), JournalCommand.ParseSince(text, now));
    }

    [Theory]
    [InlineData("2026-03-01T08:00Z", "2026-03-01T08:00:00+00:00")]
    [InlineData("2026-03-01 08:00", "2026-03-01T08:00:00+00:00")]
    [InlineData("2026-03-01T08:00+02:00", "2026-03-01T06:00:00+00:00")]
    [InlineData("2h30", null)]
    [InlineData("x", null)]
    [InlineData("-5m", null)]
    public void ParseSince_Time_IsUtcUnlessItSaysOtherwise(string text, string? expected)
    {
        var parsed = JournalCommand.ParseSince(text, DateTimeOffset.UtcNow);
        Assert.Equal(expected, parsed?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:sszzz"));
    }
}
