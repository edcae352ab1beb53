using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Query;

/// <summary>
/// meta.created / meta.lastModified are kept to the millisecond they are returned with, so a resource's own timestamp
/// finds it, and incremental sync on lastModified misses nothing.
/// </summary>
public sealed class TimestampFilterTests(ScimApp app) : ScimTest(app)
{
    async Task<string[]> FindAsync(string url, string filter) =>
        [.. (await Client.GetJsonAsync($"{url}?filter={Uri.EscapeDataString(filter)}")).Ids().Order()];

    [Theory]
    [InlineData("lastModified")]
    [InlineData("created")]
    public async Task Eq_WithTheValueJustReturned_FindsTheUser(string attribute)
    {
        var user = await Client.CreateUserAsync("bjensen@example.com");
        var value = user.GetProperty("meta").GetProperty(attribute).GetString();

        Assert.Equal([user.Id()], await FindAsync(Urls.Users, $"meta.{attribute} eq \"{value}\""));
    }

    [Fact]
    public async Task Eq_WithTheValueJustReturned_FindsTheGroup()
    {
        var group = await Client.CreateGroupAsync("Droids");

        Assert.Equal([group.Id()], await FindAsync(Urls.Groups, $"meta.lastModified eq \"{group.LastModified()}\""));
    }

    [Fact]
    public async Task StoredTimestamps_HaveNoFractionBelowTheMillisecond()
    {
        for (var i = 0; i < 20; i++)
            await Client.CreateUserAsync($"user{i}@example.com");
        await Client.CreateGroupAsync("Droids");

        await using var connection = await App.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT count(*) FROM (SELECT created, last_modified FROM users UNION ALL SELECT created, last_modified FROM groups) t
             WHERE created <> date_trunc('milliseconds', created) OR last_modified <> date_trunc('milliseconds', last_modified)
            """;
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Le_And_Gt_AtTheLastValueSeen_SplitTheUsersWithoutMissingOne()
    {
        // Users written one after another, many in the same millisecond: every one is either at or before the last
        // value seen (le) or after it (gt), which is what incremental sync relies on.
        var users = new List<(string Id, string LastModified)>();
        for (var i = 0; i < 30; i++)
        {
            var user = await Client.CreateUserAsync($"user{i}@example.com");
            users.Add((user.Id(), user.LastModified()));
        }
        var seen = users[14].LastModified;

        var atOrBefore = await FindAsync(Urls.Users, $"meta.lastModified le \"{seen}\"");
        var after = await FindAsync(Urls.Users, $"meta.lastModified gt \"{seen}\"");

        Assert.Equal(users.Where(u => string.CompareOrdinal(u.LastModified, seen) <= 0).Select(u => u.Id).Order(), atOrBefore);
        Assert.Equal(users.Where(u => string.CompareOrdinal(u.LastModified, seen) > 0).Select(u => u.Id).Order(), after);
        Assert.Equal(users.Count, atOrBefore.Length + after.Length);
    }
}
