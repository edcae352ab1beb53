using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ScimLite.Hosting;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;
using static ScimLite.Tests.Infrastructure.ScimHosts;

namespace ScimLite.Tests.Security;

/// <summary>
/// URLs in responses never come from an unchecked Host header; behind a configured proxy the scheme and the client
/// address are the proxy's forwarded ones, and the anonymous rate limit keys on that client address.
/// </summary>
public class PublicUrlTests(ScimApp app) : ScimTest(app)
{
    const string RemoteHeader = "X-Test-Remote-Address";
    const string Proxy = "10.0.0.1";

    [Fact]
    public async Task SpoofedHost_WithoutPublicUrl_NeverAppearsInResponses()
    {
        var (location, metaLocation, groupRef) = await CreateWithHostAsync(Client, "evil.example");

        foreach (var url in new[] { location, metaLocation, groupRef })
        {
            Assert.DoesNotContain("evil.example", url);
            Assert.StartsWith("http://localhost/scim/v2/", url);
        }
    }

    [Fact]
    public async Task PublicUrl_IsUsedForEveryUrl_WhateverTheHost()
    {
        await using var host = App.NewHost(new Dictionary<string, string?> { ["Scim:PublicUrl"] = "https://scim.example.com/" });
        using var client = host.CreateClient(App.Token);

        var (location, metaLocation, groupRef) = await CreateWithHostAsync(client, "evil.example");

        foreach (var url in new[] { location, metaLocation, groupRef })
            Assert.StartsWith("https://scim.example.com/scim/v2/", url);
    }

    [Fact]
    public async Task AllowedHosts_RefusesAnotherHost_AndUsesTheAllowedOne()
    {
        await using var host = App.NewHost(new Dictionary<string, string?> { ["AllowedHosts"] = "scim.example.com" });
        using var client = host.CreateClient(App.Token);

        using (var request = new HttpRequestMessage(HttpMethod.Get, Urls.Users) { Headers = { Host = "evil.example" } })
        using (var refused = await client.SendAsync(request))
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var (location, _, _) = await CreateWithHostAsync(client, "scim.example.com");

        Assert.StartsWith("http://scim.example.com/scim/v2/Users/", location);
    }

    [Theory]
    [InlineData(Proxy, "https://scim.example.com/scim/v2/Users/")]
    [InlineData("10.0.0.9", "http://scim.example.com/scim/v2/Users/")] // not a known proxy: X-Forwarded-Proto is ignored
    public async Task ForwardedProto_IsBelievedFromKnownProxiesOnly(string remote, string expectedPrefix)
    {
        await using var host = ProxiedHost(new() { ["AllowedHosts"] = "scim.example.com" });
        using var client = host.CreateClient(App.Token);
        client.DefaultRequestHeaders.Add(RemoteHeader, remote);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        var (location, metaLocation, _) = await CreateWithHostAsync(client, "scim.example.com");

        Assert.StartsWith(expectedPrefix, location);
        Assert.StartsWith(expectedPrefix, metaLocation);
    }

    [Fact]
    public async Task AnonymousRateLimit_BehindKnownProxy_KeysOnTheForwardedClientAddress()
    {
        await using var host = ProxiedHost(new()
        {
            ["Scim:RateLimit:AnonymousPermitsPerSecond"] = "1",
            ["Scim:RateLimit:AnonymousBurst"] = "2",
        });
        using var client = host.CreateClient(token: null);

        async Task<HttpStatusCode> SendAsync(string clientAddress)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Urls.Users);
            request.Headers.Add(RemoteHeader, Proxy);
            request.Headers.Add("X-Forwarded-For", clientAddress);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        var first = new[] { await SendAsync("203.0.113.5"), await SendAsync("203.0.113.5"), await SendAsync("203.0.113.5") };
        var other = await SendAsync("203.0.113.6");

        Assert.Equal(HttpStatusCode.TooManyRequests, first[^1]);
        Assert.Equal(HttpStatusCode.Unauthorized, other); // its own bucket, not the proxy's shared one
    }

    [Theory]
    [InlineData(null, "localhost")]
    [InlineData("http://127.0.0.1:5000", "127.0.0.1:5000")]
    [InlineData("http://0.0.0.0:8080", "localhost:8080")]
    [InlineData("http://[::]:8080", "localhost:8080")]
    [InlineData("http://+:80", "localhost")]
    [InlineData("https://scim.internal:443", "scim.internal")]
    public void ListeningHost_ReadsTheBindingAddress(string? address, string expected) =>
        Assert.Equal(expected, PublicUrls.ListeningHost(address));

    [Theory]
    [InlineData(null, true)]
    [InlineData("https://scim.example.com", true)]
    [InlineData("http://scim.example.com:8443/idp/", true)]
    [InlineData("scim.example.com", false)]
    [InlineData("ftp://scim.example.com", false)]
    [InlineData("https://scim.example.com/?x=1", false)]
    [InlineData("https://user:pw@scim.example.com", false)]
    public void PublicUrl_Validation(string? url, bool valid) => Assert.Equal(valid, PublicUrls.IsValidPublicUrl(url));

    /// <summary>A host behind a known proxy; the test names each request's remote address in a header.</summary>
    WebApplicationFactory<Program> ProxiedHost(Dictionary<string, string?> settings)
    {
        settings["Scim:ForwardedHeaders:KnownProxies:0"] = Proxy;
        return App.NewHost(settings, builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IStartupFilter>(new RemoteAddressFromHeader())));
    }

    /// <summary>The in-memory server has no client address; this one takes it from a test header, before the app runs.</summary>
    sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers[RemoteHeader].ToString() is { Length: > 0 } address)
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address);
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>Creates a user and a group containing it with this Host header; returns Location, meta.location and the member $ref.</summary>
    async Task<(string Location, string MetaLocation, string MemberRef)> CreateWithHostAsync(HttpClient client, string hostHeader)
    {
        var userName = $"host-{Guid.NewGuid():N}@example.com";
        using var post = new HttpRequestMessage(HttpMethod.Post, Urls.Users)
        {
            Content = HttpExtensions.ScimContent(new { schemas = new[] { UserUrn }, userName }),
            Headers = { Host = hostHeader },
        };
        using var created = await client.SendAsync(post);
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var user = await created.ReadJsonAsync();
        using var groupPost = new HttpRequestMessage(HttpMethod.Post, Urls.Groups)
        {
            Content = HttpExtensions.ScimContent(new { schemas = new[] { GroupUrn }, displayName = userName, members = new[] { new { value = user.GetProperty("id").GetString() } } }),
            Headers = { Host = hostHeader },
        };
        using var group = await client.SendAsync(groupPost);
        await group.AssertStatusAsync(HttpStatusCode.Created);
        var memberRef = (await group.ReadJsonAsync()).GetProperty("members")[0].GetProperty("$ref").GetString()!;
        return (created.Headers.Location!.ToString(), user.GetProperty("meta").GetProperty("location").GetString()!, memberRef);
    }
}
