using System.Net;
using System.Text.Json;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Users;

/// <summary>Creating users and groups through the API for tests that need some to exist.</summary>
public static class ResourceRequests
{
    public const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string ListResponseUrn = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

    /// <summary>POSTs a user body (object or raw JSON), asserts 201 and returns the created resource.</summary>
    public static async Task<JsonElement> PostUserAsync(this HttpClient client, object body)
    {
        using var response = await client.PostScimAsync("/scim/v2/Users", body);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return await response.ReadJsonAsync();
    }

    public static Task<JsonElement> CreateUserAsync(this HttpClient client, string userName, string? displayName = null) =>
        client.PostUserAsync(new Dictionary<string, object?>
        {
            ["schemas"] = new[] { UserUrn }, ["userName"] = userName, ["displayName"] = displayName,
        });

    /// <summary>POSTs a group with the given member ids, asserts 201 and returns the created resource.</summary>
    public static async Task<JsonElement> CreateGroupAsync(this HttpClient client, string displayName, params string[] memberIds)
    {
        using var response = await client.PostScimAsync("/scim/v2/Groups", new
        {
            schemas = new[] { GroupUrn },
            displayName,
            members = memberIds.Select(id => new { value = id }).ToArray(),
        });
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return await response.ReadJsonAsync();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    public static string Id(this JsonElement resource) => resource.GetProperty("id").GetString()!;

    public static string Version(this JsonElement resource) => resource.GetProperty("meta").GetProperty("version").GetString()!;

    /// <summary>The member ids of a group resource, sorted.</summary>
    public static string[] MemberIds(this JsonElement group) =>
        group.TryGetProperty("members", out var members)
            ? members.EnumerateArray().Select(m => m.GetProperty("value").GetString()!).Order().ToArray()
            : [];
}
