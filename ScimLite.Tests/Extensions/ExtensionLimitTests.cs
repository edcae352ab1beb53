using System.Diagnostics;
using System.Net;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;
using static ScimLite.Tests.Extensions.ExtensionHost;
using static ScimLite.Tests.Infrastructure.HttpExtensions;

namespace ScimLite.Tests.Extensions;

/// <summary>
/// Scim:MaxMultiValuedItems and Scim:MaxExtensionBytes: over either, in any verb and after any PATCH add (which
/// grows what is stored without reading it), is 400 invalidValue naming the limit, and nothing changes. A body of
/// millions of bytes of one multi-valued attribute is answered within the request deadline: the work is linear.
/// </summary>
public class ExtensionLimitTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    WebApplicationFactory<Program> Host(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in settings)
            all[key] = value;
        return App.NewHost(all);
    }

    static string User(string acme, string emails = "[]") => $$"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{Acme}}"],"userName":"ann@example.com",
         "emails":{{emails}},"{{Acme}}":{{acme}} }
        """;

    static string Strings(int count, string prefix = "b", int width = 7) =>
        "[" + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"{prefix}{i.ToString().PadLeft(width, '0')}\"")) + "]";

    static string Emails(int count) =>
        "[" + string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{"value":"a{{i}}@example.com","type":"other"}""")) + "]";

    async Task<string?> StoredAsync(string column)
    {
        await using var connection = await App.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string?>($"SELECT {column}::text FROM users");
    }

    static async Task AssertOverLimitAsync(HttpResponseMessage response, string limit)
    {
        var error = await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains(limit, error.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Items_OverTheLimit_Is400_InPostPutAndAfterPatchAdds_ForCustomAndCoreAttributes()
    {
        await using var host = Host(("Scim:MaxMultiValuedItems", "5"));
        using var client = host.CreateClient(App.Token);
        using (var over = await client.PostScimAsync(Urls.Users, User($$"""{"badges":{{Strings(6)}}}""")))
            await AssertOverLimitAsync(over, "Scim:MaxMultiValuedItems");
        using (var over = await client.PostScimAsync(Urls.Users, User("{}", Emails(6))))
            await AssertOverLimitAsync(over, "Scim:MaxMultiValuedItems");
        var id = (await client.CreateAsync(Urls.Users, User($$"""{"badges":{{Strings(5)}}}""", Emails(5)))).Id();
        using (var over = await client.PutScimAsync(Urls.User(id), User($$"""{"badges":{{Strings(6)}}}""")))
            await AssertOverLimitAsync(over, "Scim:MaxMultiValuedItems");
        var (badges, emails) = (await StoredAsync("extensions"), await StoredAsync("emails"));

        foreach (var operation in new[]
        {
            $$"""{"op":"add","path":"{{Acme}}:badges","value":["new"]}""",
            """{"op":"add","path":"emails","value":[{"value":"new@example.com"}]}""",
            """{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@example.com"}""",
        })
        {
            using var over = await client.PatchScimAsync(Urls.User(id), PatchOp(operation));
            await AssertOverLimitAsync(over, "Scim:MaxMultiValuedItems");
        }
        Assert.Equal((badges, emails), (await StoredAsync("extensions"), await StoredAsync("emails")));

        // Re-adding values already there grows nothing.
        using var again = await client.PatchScimAsync(Urls.User(id), PatchOp(
            $$"""{"op":"add","path":"{{Acme}}:badges","value":["b0000000"]}""",
            """{"op":"add","path":"emails","value":[{"value":"a0@example.com","type":"other"}]}"""));
        await again.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DocumentSize_OverTheLimit_Is400_InPostPut_AndWhenPatchAddsGrowIt()
    {
        await using var host = Host(("Scim:MaxExtensionBytes", "2000"));
        using var client = host.CreateClient(App.Token);
        var big = $$"""{"costCode":"{{new string('c', 2100)}}"}""";
        using (var over = await client.PostScimAsync(Urls.Users, User(big)))
            await AssertOverLimitAsync(over, "Scim:MaxExtensionBytes");
        var id = (await client.CreateAsync(Urls.Users, User("""{"costCode":"C-1"}"""))).Id();
        using (var over = await client.PutScimAsync(Urls.User(id), User(big)))
            await AssertOverLimitAsync(over, "Scim:MaxExtensionBytes");

        // Each add of 4 × 150 characters fits alone; the fourth would take the document over 2,000 bytes.
        HttpStatusCode status;
        var adds = 0;
        do
        {
            using var response = await client.PatchScimAsync(Urls.User(id),
                PatchOp($$"""{"op":"add","path":"{{Acme}}:badges","value":{{Strings(4, $"{adds}-", 150)}}}"""));
            status = response.StatusCode;
            if (status != HttpStatusCode.OK)
                await AssertOverLimitAsync(response, "Scim:MaxExtensionBytes");
            adds++;
        }
        while (status == HttpStatusCode.OK && adds < 10);

        Assert.Equal(4, adds);
        var stored = await StoredAsync("extensions");
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(stored!), 1500, 2000);
    }

    /// <summary>
    /// The shapes that once ran out of time (a PATCH replacing badges with 50,000 strings, 503 after 14.6 s of CPU; a POST
    /// of 70,000, 124 s) are refused at once with the default limits.
    /// </summary>
    [Theory]
    [InlineData(50_000, "PATCH")]
    [InlineData(70_000, "POST")]
    public async Task ThousandsOfItems_WithTheDefaultLimits_Are400AtOnce(int count, string verb)
    {
        await using var host = Host();
        using var client = host.CreateClient(App.Token);
        var (elapsed, response) = await SendAsync(client, verb, count);

        output.WriteLine($"{verb} of {count:N0} badges ({response.Length:N0} bytes): {(int)response.Status} in {elapsed.TotalMilliseconds:0} ms; {response.Detail}");
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("Scim:MaxMultiValuedItems", response.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// With the item limit lifted, a body of almost 4 MB (the request body limit) of one multi-valued attribute — about
    /// 360,000 distinct items — is read, checked and de-duplicated within the request deadline (10 s), and refused by
    /// the document size limit; comparing each item with every other took 14.6 s for 50,000.
    /// </summary>
    [Theory]
    [InlineData("PATCH")]
    [InlineData("POST")]
    public async Task FourMegabytesOfOneAttribute_IsAnsweredWithinTheDeadline(string verb)
    {
        await using var host = Host(("Scim:MaxMultiValuedItems", "10000000"));
        using var client = host.CreateClient(App.Token);
        var (elapsed, response) = await SendAsync(client, verb, 360_000);

        output.WriteLine($"{verb} of 360,000 badges ({response.Length:N0} bytes): {(int)response.Status} in {elapsed.TotalMilliseconds:0} ms; {response.Detail}");
        Assert.InRange(response.Length, 3_500_000, 4 * 1024 * 1024);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("Scim:MaxExtensionBytes", response.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// With both limits lifted, the same shapes are stored whole, each item once: the request's work is linear, so it
    /// ends well inside the deadline (elapsed time printed, not asserted).
    /// </summary>
    [Theory]
    [InlineData(50_000, "PATCH")]
    [InlineData(70_000, "POST")]
    public async Task ThousandsOfItems_WithTheLimitsLifted_AreStoredWithinTheDeadline(int count, string verb)
    {
        await using var host = Host(("Scim:MaxMultiValuedItems", "0"), ("Scim:MaxExtensionBytes", "0"));
        using var client = host.CreateClient(App.Token);
        var (elapsed, response) = await SendAsync(client, verb, count);

        output.WriteLine($"{verb} of {count:N0} badges ({response.Length:N0} bytes), limits lifted: {(int)response.Status} in {elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(verb == "POST" ? HttpStatusCode.Created : HttpStatusCode.OK, response.Status);
        await using var connection = await App.OpenConnectionAsync();
        Assert.Equal(count, await connection.ExecuteScalarAsync<int>(
            "SELECT jsonb_array_length(extensions -> @urn -> 'badges') FROM users", new { urn = Acme }));
    }

    async Task<(TimeSpan Elapsed, (HttpStatusCode Status, string Detail, int Length) Response)> SendAsync(HttpClient client, string verb, int count)
    {
        var id = verb == "PATCH" ? (await client.CreateAsync(Urls.Users, User("""{"costCode":"C-1"}"""))).Id() : null;
        var body = verb == "PATCH"
            ? PatchOp($$"""{"op":"replace","path":"{{Acme}}:badges","value":{{Strings(count)}}}""")
            : User($$"""{"badges":{{Strings(count)}}}""");
        var clock = Stopwatch.StartNew();
        using var response = verb == "PATCH"
            ? await client.PatchScimAsync(Urls.User(id), body)
            : await client.PostScimAsync(Urls.Users, body);
        var json = await response.ReadJsonAsync();
        return (clock.Elapsed, (response.StatusCode, json.TryGetProperty("detail", out var d) ? d.GetString()! : "", System.Text.Encoding.UTF8.GetByteCount(body)));
    }
}
