using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Security;

/// <summary>
/// Oversized and hostile bodies get a SCIM 4xx, never Kestrel's bare status or a 500 — through the in-memory server
/// and through real Kestrel on loopback, where the body limit and response headers are Kestrel's own.
/// </summary>
public class RequestLimitTests(ScimApp app) : ScimTest(app)
{
    const int Limit = 2048;

    static string UserOfSize(int bytes) =>
        $$"""{"schemas":["{{UserUrn}}"],"userName":"big@example.com","displayName":"{{new string('x', bytes)}}"}""";

    WebApplicationFactory<Program> SmallBodyHost(Action<Microsoft.AspNetCore.Hosting.IWebHostBuilder>? configure = null) =>
        App.NewHost(new Dictionary<string, string?> { ["Scim:MaxPayloadBytes"] = $"{Limit}" }, configure);

    /// <summary>The same host on Kestrel at a free loopback port (not the in-memory TestServer).</summary>
    WebApplicationFactory<Program> SmallBodyKestrelHost()
    {
        // The address goes in as the urls setting: a derived factory does not pass UseKestrel's port on.
        var host = SmallBodyHost(builder => builder.UseSetting("urls", "http://127.0.0.1:0"));
        host.UseKestrel();
        host.StartServer();
        return host;
    }

    [Fact]
    public async Task Post_BodyLargerThanMaxPayloadBytes_Returns413WithScimBody()
    {
        await using var host = SmallBodyHost();
        using var client = host.CreateClient(App.Token);

        using var response = await client.PostScimAsync(Urls.Users, UserOfSize(Limit * 2));

        await response.AssertStatusAsync(HttpStatusCode.RequestEntityTooLarge);
        await response.AssertScimErrorAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_OverKestrel_BodyLargerThanLimit_Returns413WithScimBody(bool chunked)
    {
        await using var host = SmallBodyKestrelHost();
        using var client = host.CreateClient(App.Token);
        Assert.True(client.BaseAddress!.IsLoopback, $"{client.BaseAddress} is not loopback");
        var bytes = Encoding.UTF8.GetBytes(UserOfSize(Limit * 4));
        // Content of unknown length goes out chunked: no Content-Length for the server to check up front.
        HttpContent content = chunked ? new ChunkedContent(bytes) : new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", HttpExtensions.ScimMediaType);

        using var request = new HttpRequestMessage(HttpMethod.Post, Urls.Users) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await client.SendAsync(request);

        await response.AssertStatusAsync(HttpStatusCode.RequestEntityTooLarge);
        await response.AssertScimErrorAsync();
    }

    [Fact]
    public async Task Post_OverKestrel_BodyWithinLimit_IsServed_WithoutServerHeader()
    {
        await using var host = SmallBodyKestrelHost();
        using var client = host.CreateClient(App.Token);

        using var response = await client.PostScimAsync(Urls.Users, UserOfSize(Limit / 4));

        await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Empty(response.Headers.Server);
    }

    /// <summary>A body whose length is not known in advance, so HttpClient sends it with chunked transfer encoding.</summary>
    sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Theory]
    [InlineData("userName")]
    [InlineData("displayName")]
    [InlineData("externalId")]
    public async Task Post_MegabyteAttribute_Returns400InvalidValue(string attribute)
    {
        // Repeated text compresses, so PostgreSQL's index size limit would not stop it: only the length limit does.
        var body = new Dictionary<string, object> { ["schemas"] = new[] { UserUrn }, ["userName"] = "huge@example.com" };
        body[attribute] = new string('a', 1024 * 1024);

        using var response = await Client.PostScimAsync(Urls.Users, body);

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Theory]
    [InlineData("{\"userName\":\"\\ud800\"}")]
    [InlineData("{\"\\udfff\":\"x\"}")]
    public async Task Post_UnpairedSurrogateEscape_Returns400InvalidSyntax(string body)
    {
        using var response = await Client.PostScimAsync(Urls.Users, body);

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Fact]
    public async Task Post_InvalidUtf8InAString_Returns400InvalidSyntax()
    {
        var content = new ByteArrayContent([.. "{\"userName\":\"caf"u8, 0xE9, .. "@example.com\"}"u8]);
        content.Headers.TryAddWithoutValidation("Content-Type", HttpExtensions.ScimMediaType);

        using var response = await Client.PostAsync(Urls.Users, content);

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Fact]
    public async Task Post_JsonNestedDeeperThanLimit_Returns400InvalidSyntax()
    {
        var body = $$"""{"schemas":["{{UserUrn}}"],"userName":"deep@example.com","x":{{new string('[', 64)}}{{new string(']', 64)}}}""";

        using var response = await Client.PostScimAsync(Urls.Users, body);

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Fact]
    public async Task Patch_MoreOperationsOrMembersThanAllowed_Returns4xxWithScimBody()
    {
        await using var host = App.NewHost(new Dictionary<string, string?> { ["Scim:MaxOperations"] = "10", ["Scim:MaxMembersPerRequest"] = "10" });
        using var client = host.CreateClient(App.Token);
        var group = (await client.CreateGroupAsync("Limits")).Id();
        var operations = Enumerable.Range(0, 11).Select(i => (object)new { op = "replace", path = "externalId", value = $"x{i}" }).ToArray();
        var members = Enumerable.Range(0, 11).Select(_ => new { value = Guid.NewGuid().ToString() }).ToArray();

        using var tooManyOperations = await client.PatchScimAsync(Urls.Group(group), HttpExtensions.PatchOp(operations));
        using var tooManyMembers = await client.PatchScimAsync(Urls.Group(group),
            HttpExtensions.PatchOp(new { op = "add", path = "members", value = members }));

        foreach (var response in new[] { tooManyOperations, tooManyMembers })
        {
            Assert.InRange((int)response.StatusCode, 400, 499);
            await response.AssertScimErrorAsync();
        }
    }

    [Theory]
    [InlineData(5000, 1)]
    [InlineData(1, 100)]
    public async Task List_HugeOrDeeplyNestedFilter_Returns400InvalidFilter(int terms, int depth)
    {
        var filter = new string('(', depth) + string.Join(" or ", Enumerable.Range(0, terms).Select(i => $"userName eq \"u{i}\"")) + new string(')', depth);

        using var response = await Client.GetAsync($"{Urls.Users}?filter={Uri.EscapeDataString(filter)}");

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Theory]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("1")]
    [InlineData("%27%20OR%201%3D1%20--")]
    public async Task Get_IdThatIsNotAUuid_Returns404WithScimBody(string id)
    {
        using var response = await Client.GetAsync(Urls.User(id));

        await response.AssertStatusAsync(HttpStatusCode.NotFound);
        await response.AssertScimErrorAsync();
    }
}
