using System.Net;
using System.Text.Json;
using Dapper;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Journal;

/// <summary>One journal row as the tests read it.</summary>
public sealed record Entry(long Seq, string? Client, string? RequestId, string ResourceType, Guid ResourceId, string? Name,
    string Action, string Changes)
{
    public JsonElement Json => JsonDocument.Parse(Changes).RootElement.Clone();

    /// <summary>changes.&lt;attribute&gt;.old / .new as raw JSON, or null when absent.</summary>
    public string? Old(string attribute) => Side(attribute, "old");
    public string? New(string attribute) => Side(attribute, "new");

    string? Side(string attribute, string side) =>
        Json.TryGetProperty(attribute, out var change) && change.TryGetProperty(side, out var value) ? value.GetRawText() : null;

    /// <summary>The member ids of a members_added / members_removed row.</summary>
    public string[] Members(string which) =>
        Json.GetProperty(which).EnumerateArray().Select(m => m.GetProperty("value").GetString()!).Order().ToArray();
}

/// <summary>Arranging resources through the API and reading the journal back, for the journal tests.</summary>
static class JournalKit
{
    public const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";

    public static async Task<IReadOnlyList<Entry>> JournalAsync(this ScimApp app, long afterSeq = 0)
    {
        await using var connection = await app.OpenConnectionAsync();
        return (await connection.QueryAsync<Entry>("""
            SELECT seq, client, request_id AS requestid, resource_type AS resourcetype, resource_id AS resourceid, name, action,
                   changes::text AS changes
              FROM journal WHERE seq > @afterSeq ORDER BY seq
            """, new { afterSeq })).ToList();
    }

    public static async Task<long> LastSeqAsync(this ScimApp app)
    {
        await using var connection = await app.OpenConnectionAsync();
        return await connection.QuerySingleAsync<long>("SELECT coalesce(max(seq), 0) FROM journal");
    }

    public static async Task<string> PostUserAsync(this HttpClient client, object body)
    {
        using var response = await client.PostScimAsync("/scim/v2/Users", body);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    public static Task<string> NewUserAsync(this HttpClient client, string userName, string? title = null) =>
        client.PostUserAsync(new { schemas = new[] { UserUrn }, userName, title });

    public static async Task<string> NewGroupAsync(this HttpClient client, string displayName, params string[] memberIds)
    {
        using var response = await client.PostScimAsync("/scim/v2/Groups",
            new { schemas = new[] { GroupUrn }, displayName, members = memberIds.Select(id => new { value = id }).ToArray() });
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    public static async Task<HttpStatusCode> PatchAsync(this HttpClient client, string url, params object[] operations)
    {
        using var response = await client.PatchScimAsync(url, HttpExtensions.PatchOp(operations));
        return response.StatusCode;
    }
}
