using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Reliability;

/// <summary>
/// More ScimLite hosts beside the fixture's: same database and token (inherited from <see cref="ScimApp"/>'s factory),
/// with settings of their own — a second "process" for race tests, low limits for the limit tests, no rate limit for
/// tests that send thousands of requests.
/// </summary>
public static class ScimHosts
{
    public const string ErrorUrn = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";

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

    /// <summary>A host whose rate limits are far above anything a test sends, so only the behaviour under test shows.</summary>
    public static WebApplicationFactory<Program> UnthrottledHost(this ScimApp app) => app.NewHost(new Dictionary<string, string?>
    {
        ["Scim:RateLimit:PermitsPerSecond"] = "1000000",
        ["Scim:RateLimit:Burst"] = "1000000",
        ["Scim:RateLimit:AnonymousPermitsPerSecond"] = "1000000",
        ["Scim:RateLimit:AnonymousBurst"] = "1000000",
    });

    public static HttpClient CreateClient(this WebApplicationFactory<Program> host, string? token)
    {
        var client = host.CreateClient();
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>POSTs a user; asserts 201 and returns the created resource.</summary>
    public static async Task<JsonElement> CreateUserAsync(this HttpClient client, string userName)
    {
        using var response = await client.PostScimAsync("/scim/v2/Users", new { schemas = new[] { UserUrn }, userName });
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return await response.ReadJsonAsync();
    }

    /// <summary>POSTs a group with these member ids; asserts 201 and returns the created resource.</summary>
    public static async Task<JsonElement> CreateGroupAsync(this HttpClient client, string displayName, params string[] memberIds)
    {
        using var response = await client.PostScimAsync("/scim/v2/Groups",
            new { schemas = new[] { GroupUrn }, displayName, members = memberIds.Select(id => new { value = id }).ToArray() });
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return await response.ReadJsonAsync();
    }

    /// <summary>
    /// Whether a body is a SCIM error (RFC 7644 §3.12) for this status: schemas holds the Error URN and status is the
    /// code as a string. Returns the reason when it is not.
    /// </summary>
    public static string? ScimErrorProblem(HttpStatusCode status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return "body is not a JSON object";
            if (!root.TryGetProperty("schemas", out var schemas) || schemas.ValueKind != JsonValueKind.Array
                || !schemas.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String && s.GetString() == ErrorUrn))
                return "schemas lacks the Error URN";
            if (!root.TryGetProperty("status", out var code) || code.ValueKind != JsonValueKind.String)
                return "status is not a string";
            if (code.GetString() != ((int)status).ToString())
                return $"status {code.GetString()} differs from HTTP {(int)status}";
            return null;
        }
        catch (JsonException ex)
        {
            return $"body is not JSON ({ex.Message})";
        }
    }

    /// <summary>Asserts a SCIM error body for the response's status, showing the body when it is not one.</summary>
    public static async Task AssertScimErrorAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (ScimErrorProblem(response.StatusCode, body) is { } problem)
            throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} is not a SCIM error ({problem}): {body}");
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
