using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScimLite.Tests.Security;

/// <summary>Bearer tokens: rotation, hashed configuration, uniform rejection, and per-token and per-address rate limits.</summary>
public class AuthTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    [Fact]
    public async Task TwoConfiguredTokens_BothAccepted_DuringRotation()
    {
        var next = NewSecret();
        await using var host = App.NewHost(new Dictionary<string, string?> { ["Scim:Tokens:1"] = next });

        foreach (var token in new[] { App.Token, next })
        {
            using var client = host.CreateClient(token);
            using var response = await client.GetAsync(Urls.Users);
            await response.AssertStatusAsync(HttpStatusCode.OK);
        }
        using var other = host.CreateClient(NewSecret());
        using var rejected = await other.GetAsync(Urls.Users);
        await rejected.AssertStatusAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Sha256ConfiguredToken_IsAccepted_AndItsCleartextIsNowhereInConfiguration()
    {
        var secret = NewSecret();
        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))).ToLowerInvariant();
        await using var host = App.NewHost(new Dictionary<string, string?> { ["Scim:Tokens:1"] = $"sha256:{digest}" });

        using (var client = host.CreateClient(secret))
        using (var response = await client.GetAsync(Urls.Users))
            await response.AssertStatusAsync(HttpStatusCode.OK);
        // Knowing the configured value is not knowing the token.
        foreach (var notTheToken in new[] { $"sha256:{digest}", digest })
        {
            using var client = host.CreateClient(notTheToken);
            using var response = await client.GetAsync(Urls.Users);
            await response.AssertStatusAsync(HttpStatusCode.Unauthorized);
        }
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        Assert.Contains(configuration.AsEnumerable(), setting => setting.Value == $"sha256:{digest}");
        Assert.DoesNotContain(configuration.AsEnumerable(), setting => setting.Value?.Contains(secret) == true);
    }

    [Fact]
    public async Task MissingMalformedOrWrongToken_Returns401_WithOneIdenticalScimBody()
    {
        using var client = App.CreateAnonymousClient();
        string[] headers =
        [
            "", "Bearer", "Bearer ", $"Bearer {NewSecret()}", $"Bearer {App.Token}x", $"Bearer {App.Token[..^1]}",
            $"Basic {App.Token}", App.Token, $"Bearer {App.Token} {App.Token}", "Bearer \u00e9t\u00e9",
        ];
        var bodies = new HashSet<string>();
        foreach (var header in headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Urls.Users);
            if (header.Length > 0)
                request.Headers.TryAddWithoutValidation("Authorization", header);
            using var response = await client.SendAsync(request);
            await response.AssertStatusAsync(HttpStatusCode.Unauthorized);
            await response.AssertScimErrorAsync();
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }
        // Nothing in the answer tells a guesser how close it came.
        Assert.Single(bodies);
    }

    [Fact]
    public async Task RateLimit_TokenExhaustsItsBucket_Returns429WithIntegerRetryAfterAndScimBody()
    {
        await using var host = App.NewHost(new Dictionary<string, string?>
        {
            ["Scim:RateLimit:PermitsPerSecond"] = "1", ["Scim:RateLimit:Burst"] = "5",
        });
        using var client = host.CreateClient(App.Token);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 30 && limited is null; i++)
        {
            var response = await client.GetAsync($"{Urls.Users}?count=1");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                limited = response;
            else
                response.Dispose();
        }

        output.WriteLine($"{statuses.Count} requests until the first 429: " + string.Join(", ", statuses.GroupBy(s => (int)s).Select(g => $"{g.Key}: {g.Count()}")));
        Assert.NotNull(limited);
        using (limited)
        {
            Assert.InRange(limited.RetryAfterSeconds(), 1, 60);
            await limited.AssertScimErrorAsync();
        }
        // A probe is never limited, so an orchestrator does not restart a busy server.
        using var health = await client.GetAsync("/healthz");
        await health.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RateLimit_IsPerToken_AnotherTokenIsStillServed()
    {
        var other = NewSecret();
        await using var host = App.NewHost(new Dictionary<string, string?>
        {
            ["Scim:Tokens:1"] = other, ["Scim:RateLimit:PermitsPerSecond"] = "1", ["Scim:RateLimit:Burst"] = "3",
        });
        using var busy = host.CreateClient(App.Token);
        using var quiet = host.CreateClient(other);

        Assert.True(await ExhaustAsync(busy, Urls.Users), "the busy token was never limited");
        using var response = await quiet.GetAsync(Urls.Users);

        await response.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RateLimit_RequestsWithoutValidToken_AreLimitedByAddress_ValidTokenUnaffected()
    {
        await using var host = App.NewHost(new Dictionary<string, string?>
        {
            ["Scim:RateLimit:AnonymousPermitsPerSecond"] = "1", ["Scim:RateLimit:AnonymousBurst"] = "3",
        });
        using var guesser = host.CreateClient(NewSecret());
        using var owner = host.CreateClient(App.Token);

        // Each guess uses a fresh token, and still draws from the one bucket of its address.
        var limited = false;
        for (var i = 0; i < 30 && !limited; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Urls.Users);
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {NewSecret()}");
            using var response = await guesser.SendAsync(request);
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = true;
                response.RetryAfterSeconds();
                await response.AssertScimErrorAsync();
            }
        }
        Assert.True(limited, "token guessing was never limited");
        using var served = await owner.GetAsync(Urls.Users);
        await served.AssertStatusAsync(HttpStatusCode.OK);
    }

    /// <summary>Sends requests until one is answered 429 (true), or 30 were not.</summary>
    static async Task<bool> ExhaustAsync(HttpClient client, string url)
    {
        for (var i = 0; i < 30; i++)
        {
            using var response = await client.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                return true;
        }
        return false;
    }
}
