using System.Net;
using System.Text.Json;

namespace ScimLite.Tests.Infrastructure;

/// <summary>Creating, reading and taking apart users and groups through the API, for every suite that needs some.</summary>
public static class ResourceRequests
{
    public const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string ListResponseUrn = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string SearchRequestUrn = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

    public const string UsersUrl = Urls.Users;
    public const string GroupsUrl = Urls.Groups;


    /// <summary>POSTs a body (object or raw JSON), asserts 201 and returns the created resource.</summary>
    public static async Task<JsonElement> CreateAsync(this HttpClient client, string url, object body)
    {
        using var response = await client.PostScimAsync(url, body);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return await response.ReadJsonAsync();
    }

    /// <summary>POSTs a user body (object or raw JSON), asserts 201 and returns the created resource.</summary>
    public static Task<JsonElement> PostUserAsync(this HttpClient client, object body) => client.CreateAsync(UsersUrl, body);

    /// <summary>POSTs a user with this userName (and displayName, when given); asserts 201 and returns it.</summary>
    public static Task<JsonElement> CreateUserAsync(this HttpClient client, string userName, string? displayName = null)
    {
        var body = new Dictionary<string, object> { ["schemas"] = new[] { UserUrn }, ["userName"] = userName };
        if (displayName is not null)
            body["displayName"] = displayName;
        return client.PostUserAsync(body);
    }

    /// <summary>POSTs a group with the given member ids, asserts 201 and returns the created resource.</summary>
    public static Task<JsonElement> CreateGroupAsync(this HttpClient client, string displayName, params string[] memberIds) =>
        client.CreateAsync(GroupsUrl, new
        {
            schemas = new[] { GroupUrn },
            displayName,
            members = memberIds.Select(id => new { value = id }).ToArray(),
        });

    /// <summary>GETs one resource, asserts 200 and returns it.</summary>
    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    /// <summary>GETs a SCIM document, asserts 200 and the <c>application/scim+json</c> media type, and returns it.</summary>
    public static async Task<JsonElement> GetScimJsonAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(HttpExtensions.ScimMediaType, response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJsonAsync();
    }

    public static string Id(this JsonElement resource) => resource.GetProperty("id").GetString()!;

    public static string Version(this JsonElement resource) => resource.GetProperty("meta").GetProperty("version").GetString()!;

    public static string LastModified(this JsonElement resource) => resource.GetProperty("meta").GetProperty("lastModified").GetString()!;

    /// <summary>The member ids of a group resource, sorted.</summary>
    public static string[] MemberIds(this JsonElement group) =>
        group.TryGetProperty("members", out var members)
            ? members.EnumerateArray().Select(m => m.GetProperty("value").GetString()!).Order().ToArray()
            : [];
}
