using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using ScimLite.Tests.Infrastructure;
using ScimLite.Tests.Security;

namespace ScimLite.Tests.Telemetry;

/// <summary>One Information line per request: method, route template, status, duration, client name, trace id; nothing else.</summary>
public class RequestLogTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task EachRequest_LogsOneLine_WithRouteTemplateStatusAndClientName_NeverValues()
    {
        var capture = new CapturingLoggerProvider();
        var secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var host = App.NewHost(new Dictionary<string, string?>
        {
            ["Scim:Clients:0:Name"] = "okta-prod", ["Scim:Clients:0:Token"] = secret,
        }, builder => builder.ConfigureLogging(logging => logging.AddProvider(capture)));
        using var client = host.CreateClient(secret);

        var id = (await client.CreateUserAsync("logged@example.com")).GetProperty("id").GetString();
        using (var found = await client.GetAsync(Urls.User(id)))
            await found.AssertStatusAsync(HttpStatusCode.OK);
        using (var missing = await client.GetAsync(Urls.User(Guid.NewGuid())))
            await missing.AssertStatusAsync(HttpStatusCode.NotFound);
        using (var anonymous = host.CreateClient())
        using (var refused = await anonymous.GetAsync($"{Urls.Users}?filter=userName%20eq%20%22logged%40example.com%22"))
            await refused.AssertStatusAsync(HttpStatusCode.Unauthorized);

        // The message itself; the capture also appends the host's scopes (RequestPath), which the console leaves out by default.
        var lines = capture.Entries.Where(e => e.StartsWith("Information ScimLite.Requests:", StringComparison.Ordinal))
            .Select(e => e.Split(" | ")[0]).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Matches(@"^Information ScimLite.Requests: POST /scim/v2/Users/ 201 [\d.]+ ms client=okta-prod trace=\S+", lines[0]);
        Assert.Matches(@"GET /scim/v2/Users/\{id\} 200 .* client=okta-prod", lines[1]);
        Assert.Matches(@"GET /scim/v2/Users/\{id\} 404 .* client=okta-prod", lines[2]);
        Assert.Matches(@"GET /scim/v2/Users/ 401 .* client=- ", lines[3]);
        // The request line tells of the 401; the authentication handler adds no line of its own.
        Assert.DoesNotContain(capture.Entries, e => e.Contains("was challenged", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            Assert.DoesNotContain(id!, line);
            Assert.DoesNotContain("logged", line);
            Assert.DoesNotContain(secret, line);
        }
    }
}

/// <summary>Text a client chose reaches the log escaped: a newline in it cannot forge a second entry.</summary>
public class LogInjectionTests(ScimApp app) : ScimTest(app)
{
    [Theory]
    [InlineData("a\\b", @"a\\b")]
    [InlineData("line\nforged: entry", @"line\nforged: entry")]
    [InlineData("\u001b[2Jwiped", @"\u001b[2Jwiped")]
    [InlineData("plain urn:ietf:params", "plain urn:ietf:params")]
    public void Escape_WritesControlCharactersAsEscapes(string text, string expected) =>
        Assert.Equal(expected, ScimLite.Hosting.LogText.Escape(text));

    [Fact]
    public async Task UndeclaredUrnWithANewline_IsLoggedOnOneLine()
    {
        var capture = new CapturingLoggerProvider();
        await using var host = App.NewHost(configure: builder => builder.ConfigureLogging(logging => logging.AddProvider(capture)));
        using var client = host.CreateClient(App.Token);
        var urn = $"urn:ietf:params:scim:schemas:extension:forged{Guid.NewGuid():N}:2.0:User\nwarn: ScimLite[0] forged line";

        using (var created = await client.PostScimAsync(Urls.Users, new Dictionary<string, object>
        {
            ["schemas"] = new[] { "urn:ietf:params:scim:schemas:core:2.0:User", urn },
            ["userName"] = "forger@example.com",
            [urn] = new { costCode = "x" },
        }))
            await created.AssertStatusAsync(HttpStatusCode.Created);

        var warning = Assert.Single(capture.Entries, e => e.Contains("forged", StringComparison.Ordinal) && e.Contains("Ignored", StringComparison.Ordinal));
        Assert.DoesNotContain('\n', warning.Split(" | ")[0]);
        Assert.Contains(@"User\nwarn", warning);
    }
}
