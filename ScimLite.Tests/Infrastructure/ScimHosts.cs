using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace ScimLite.Tests.Infrastructure;

/// <summary>
/// More ScimLite hosts beside the fixture's: same database and token (inherited from <see cref="ScimApp"/>'s factory),
/// with settings of their own — a second "process" for race tests, low limits for the limit tests, no rate limit for
/// tests that send thousands of requests.
/// </summary>
public static class ScimHosts
{
    /// <summary>A separate host (own pools, own rate limiter) on the fixture's database.</summary>
    public static WebApplicationFactory<Program> NewHost(this ScimApp app, IDictionary<string, string?>? settings = null,
        Action<IWebHostBuilder>? configure = null) =>
        app.Factory.WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
                builder.UseSetting(key, value);
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings ?? new Dictionary<string, string?>()));
            configure?.Invoke(builder);
        });

    /// <summary>
    /// A host whose rate limits are far above anything a test sends, so only the behaviour under test shows; with
    /// <paramref name="settings"/> of its own besides.
    /// </summary>
    public static WebApplicationFactory<Program> UnthrottledHost(this ScimApp app, IDictionary<string, string?>? settings = null) =>
        app.NewHost(new Dictionary<string, string?>
        {
            ["Scim:RateLimit:PermitsPerSecond"] = "1000000",
            ["Scim:RateLimit:Burst"] = "1000000",
            ["Scim:RateLimit:AnonymousPermitsPerSecond"] = "1000000",
            ["Scim:RateLimit:AnonymousBurst"] = "1000000",
        }.Overridden(settings));

    /// <summary>These settings with <paramref name="overrides"/> laid over them (a host's defaults and a test's own).</summary>
    public static Dictionary<string, string?> Overridden(this Dictionary<string, string?> settings, IDictionary<string, string?>? overrides)
    {
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }

    public static HttpClient CreateClient(this WebApplicationFactory<Program> host, string? token)
    {
        var client = host.CreateClient();
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Retry-After as the integer number of seconds RFC 9110 allows; fails on a date or anything else.</summary>
    public static int RetryAfterSeconds(this HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Retry-After", out var values), $"{(int)response.StatusCode} has no Retry-After");
        var text = Assert.Single(values);
        Assert.True(int.TryParse(text, System.Globalization.NumberStyles.None, null, out var seconds) && seconds > 0,
            $"Retry-After '{text}' is not a positive integer");
        return seconds;
    }
}
