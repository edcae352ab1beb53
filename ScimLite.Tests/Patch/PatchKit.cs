using System.Net;
using System.Text.Json;
using Dapper;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Patch;

/// <summary>Arranging users and groups through the API, and reading them back, for the PATCH and PUT tests.</summary>
static class PatchKit
{
    /// <summary>Creates a user with Okta's POST body (seed/okta-flask-scim-blog.md) and returns its id.</summary>
    public static async Task<string> CreateOktaUserAsync(this HttpClient client, string userName, string givenName = "Obi-Wan", string familyName = "Kenobi")
    {
        var body = $$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "{{userName}}",
              "name": { "givenName": "{{givenName}}", "familyName": "{{familyName}}" },
              "emails": [{ "primary": true, "value": "{{userName}}", "type": "work" }],
              "displayName": "{{givenName}} {{familyName}}",
              "locale": "en-US",
              "externalId": "00use6vjvehodmsQb4x6",
              "groups": [],
              "password": "gl^m&qWZ",
              "active": true
            }
            """;
        return (await client.CreateAsync(Urls.Users, body)).Id();
    }

    /// <summary>Sends a PATCH, asserts the status and returns the body (default when there is none).</summary>
    public static async Task<JsonElement> PatchAsync(this HttpClient client, string url, string body, HttpStatusCode expected)
    {
        using var response = await client.PatchScimAsync(url, body);
        await response.AssertStatusAsync(expected);
        return expected == HttpStatusCode.NoContent ? default : await response.ReadJsonAsync();
    }

    public static async Task<string> PatchErrorAsync(this HttpClient client, string url, string body, HttpStatusCode status, string? scimType)
    {
        using var response = await client.PatchScimAsync(url, body);
        return (await response.AssertScimErrorAsync(status, scimType)).GetProperty("detail").GetString()!;
    }

    public static string? Str(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string[] Sorted(params string[] ids) => ids.Order().ToArray();

    /// <summary>Items of a multi-valued attribute as compact JSON, in stored order, for whole-value comparisons.</summary>
    public static string[] Items(this JsonElement resource, string attribute) =>
        resource.TryGetProperty(attribute, out var items)
            ? items.EnumerateArray().Select(Canonical).ToArray()
            : [];

    /// <summary>A JSON object with its keys sorted, so {"a":1,"b":2} and {"b":2,"a":1} compare equal.</summary>
    public static string Canonical(JsonElement item) => item.ValueKind == JsonValueKind.Object
        ? "{" + string.Join(",", item.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{JsonSerializer.Serialize(p.Name)}:{Canonical(p.Value)}")) + "}"
        : item.GetRawText();

    public static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Canonical(document.RootElement);
    }

    /// <summary>The link rows of a group: member id and when the membership was made.</summary>
    public static async Task<Dictionary<Guid, DateTime>> LinkRowsAsync(this ScimApp app, string groupId)
    {
        await using var connection = await app.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(Guid Member, DateTime Created)>(
            "SELECT coalesce(user_id, member_group_id), created FROM link WHERE group_id = @id", new { id = Guid.Parse(groupId) });
        return rows.ToDictionary(r => r.Member, r => r.Created);
    }
}
