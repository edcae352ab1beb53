using System.Net;
using System.Text.Json;
using Dapper;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

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

    public static async Task<string> NewUserAsync(this HttpClient client, string userName, string? title = null) =>
        (await client.PostUserAsync(new { schemas = new[] { UserUrn }, userName, title })).Id();

    public static async Task<string> NewGroupAsync(this HttpClient client, string displayName, params string[] memberIds) =>
        (await client.CreateGroupAsync(displayName, memberIds)).Id();

    /// <summary>
    /// Seeds <paramref name="count"/> users named <paramref name="prefix"/>000001…, adds them all to a new group in one
    /// PATCH and returns their ids with the one members_added row it wrote.
    /// </summary>
    public static async Task<(string[] Ids, Entry Row)> AddSeededMembersAsync(this ScimApp app, HttpClient client, int count, string prefix)
    {
        var ids = (await app.SeedUsersAsync(count, prefix)).Select(g => g.ToString()).ToArray();
        var group = await client.NewGroupAsync("Everyone");
        var before = await app.LastSeqAsync();

        Assert.Equal(HttpStatusCode.NoContent, await client.PatchAsync(Urls.Group(group),
            new { op = "add", path = "members", value = ids.Select(id => new { value = id }).ToArray() }));

        var entry = Assert.Single(await app.JournalAsync(before));
        Assert.Equal(("members_added", Guid.Parse(group)), (entry.Action, entry.ResourceId));
        return (ids, entry);
    }

    public static async Task<HttpStatusCode> PatchAsync(this HttpClient client, string url, params object[] operations)
    {
        using var response = await client.PatchScimAsync(url, HttpExtensions.PatchOp(operations));
        return response.StatusCode;
    }
}
