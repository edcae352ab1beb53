using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScimLite.Safety;
using ScimLite.Tests.Infrastructure;

using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Safety;

/// <summary>
/// Deleted users and groups vanish from SCIM but are kept as tombstones; `ScimLite restore` puts them back with their
/// id, attributes and memberships, and refuses (changing nothing) when the name has been reused.
/// </summary>
public class RestoreTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task DeletedUserWithThreeGroups_IsRestoredWithItsIdAttributesAndMemberships()
    {
        using var created = await Client.PostScimAsync(Urls.Users, new
        {
            schemas = new[] { UserUrn }, userName = "bjensen@example.com", displayName = "Barbara Jensen", title = "Tour Guide",
            emails = new[] { new { value = "bjensen@example.com", type = "work", primary = true } },
        });
        var user = await (await created.AssertStatusAsync(HttpStatusCode.Created)).ReadJsonAsync();
        var id = user.GetProperty("id").GetString()!;
        var etag = user.GetProperty("meta").GetProperty("version").GetString();
        var groups = new[] { "Sales", "Staff", "VPN" };
        foreach (var name in groups)
            await Client.CreateGroupAsync(name, id);
        var gone = await Client.CreateGroupAsync("Gone", id);

        (await Client.DeleteAsync(Urls.User(id))).Dispose();
        (await Client.DeleteAsync(Urls.Group(gone.GetProperty("id").GetString()))).Dispose();
        using (var missing = await Client.GetAsync(Urls.User(id)))
            await missing.AssertStatusAsync(HttpStatusCode.NotFound);

        var (code, output) = await App.VerbAsync("restore", "user", "BJensen@example.com");

        Assert.Equal(0, code);
        Assert.Contains($"Restored user 'bjensen@example.com' ({id})", output);
        Assert.Contains("no longer exists", output);
        using var back = await Client.GetAsync(Urls.User(id));
        var restored = await (await back.AssertStatusAsync(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal("Barbara Jensen", restored.GetProperty("displayName").GetString());
        Assert.Equal("Tour Guide", restored.GetProperty("title").GetString());
        Assert.Equal("bjensen@example.com", restored.GetProperty("emails")[0].GetProperty("value").GetString());
        Assert.Equal(groups, restored.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("display").GetString()).Order());
        Assert.NotEqual(etag, restored.GetProperty("meta").GetProperty("version").GetString());
        Assert.Equal(0L, await App.ScalarAsync<long>("SELECT count(*) FROM tombstones WHERE resource_type = 'User'"));
    }

    [Fact]
    public async Task Restore_IsJournalledAsRestored_ByTheOperator_WithItsMemberships()
    {
        var id = (await Client.CreateUserAsync("bjensen@example.com")).GetProperty("id").GetString()!;
        var sales = (await Client.CreateGroupAsync("Sales", id)).GetProperty("id").GetString()!;
        var staff = (await Client.CreateGroupAsync("Staff", id)).GetProperty("id").GetString()!;
        (await Client.DeleteAsync(Urls.User(id))).Dispose();
        var before = await App.ScalarAsync<long>("SELECT max(seq) FROM journal");

        var (code, output) = await App.VerbAsync("restore", "user", "bjensen@example.com", "--by", "jo at the service desk");

        Assert.True(code == 0, output);
        var rows = (await App.ScalarAsync<string>("""
            SELECT string_agg(concat_ws('|', action, resource_id, Client, request_id), ',' ORDER BY action, resource_id)
              FROM journal WHERE seq > @before
            """, new { before })).Split(',').Select(r => r.Split('|')).ToList();
        Assert.Equal(["members_added", "members_added", "restored"], rows.Select(r => r[0]));
        Assert.Equal(new[] { sales, staff }.Order(), rows.Take(2).Select(r => r[1]).Order());
        Assert.Equal(id, rows[2][1]);
        Assert.All(rows, r => Assert.Equal("jo at the service desk", r[2]));
        Assert.Single(rows.Select(r => r[3]).Distinct());
        Assert.StartsWith("restore-", rows[0][3]);
    }

    [Fact]
    public async Task Restore_WithoutBy_NamesTheOperatingSystemUser()
    {
        var group = (await Client.CreateGroupAsync("Sales")).GetProperty("id").GetString()!;
        (await Client.DeleteAsync(Urls.Group(group))).Dispose();

        var (code, output) = await App.VerbAsync("restore", "group", "Sales");

        Assert.True(code == 0, output);
        Assert.Equal($"restored|operator {Environment.UserName}@{Environment.MachineName}", await App.ScalarAsync<string>(
            "SELECT action || '|' || Client FROM journal WHERE resource_id = @group::uuid ORDER BY seq DESC LIMIT 1", new { group }));
    }

    [Fact]
    public async Task Restore_WhenTheUserNameWasReused_IsRefusedAndChangesNothing()
    {
        var old = await Client.CreateUserAsync("reused@example.com");
        var oldId = old.GetProperty("id").GetString()!;
        await Client.CreateGroupAsync("Team", oldId);
        (await Client.DeleteAsync(Urls.User(oldId))).Dispose();
        var newcomer = await Client.CreateUserAsync("Reused@Example.com");
        var before = await SnapshotAsync();

        var (code, output) = await App.VerbAsync("restore", "user", oldId);

        Assert.NotEqual(0, code);
        Assert.Contains("taken", output);
        Assert.Contains(newcomer.GetProperty("id").GetString()!, output);
        Assert.Equal(before, await SnapshotAsync());
        using var missing = await Client.GetAsync(Urls.User(oldId));
        await missing.AssertStatusAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeletedGroup_IsRestoredWithItsMembersAndParent()
    {
        var alice = await Client.CreateUserAsync("alice@example.com");
        var bob = await Client.CreateUserAsync("bob@example.com");
        var group = await Client.CreateGroupAsync("Engineering", alice.GetProperty("id").GetString()!, bob.GetProperty("id").GetString()!);
        var groupId = group.GetProperty("id").GetString()!;
        var parent = await Client.CreateGroupAsync("All Staff", groupId);
        (await Client.DeleteAsync(Urls.Group(groupId))).Dispose();
        Assert.Equal(1L, await App.ScalarAsync<long>("SELECT count(*) FROM tombstones WHERE resource_type = 'Group'"));

        var (code, output) = await App.VerbAsync("restore", "group", "engineering");

        Assert.True(code == 0, output);
        using var back = await Client.GetAsync(Urls.Group(groupId));
        var restored = await (await back.AssertStatusAsync(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal(2, restored.GetProperty("members").GetArrayLength());
        using var parentBack = await Client.GetAsync(Urls.Group(parent.GetProperty("id").GetString()));
        var members = (await parentBack.ReadJsonAsync()).GetProperty("members");
        Assert.Equal(groupId, Assert.Single(members.EnumerateArray()).GetProperty("value").GetString());
    }

    [Fact]
    public async Task Purge_RemovesTombstonesOlderThanTheRetention_KeepsNewerOnes()
    {
        foreach (var name in new[] { "old1", "old2", "old3", "recent" })
        {
            var user = await Client.CreateUserAsync(name);
            (await Client.DeleteAsync(Urls.User(user.GetProperty("id").GetString()))).Dispose();
        }
        await App.ScalarAsync<long>("UPDATE tombstones SET deleted_at = now() - interval '31 days' WHERE name LIKE 'old%'");
        var purger = App.Factory.Services.GetServices<IHostedService>().OfType<TombstonePurger>().Single();

        var purged = await purger.PurgeAsync(new TombstoneOptions { RetentionDays = 30, PurgeBatchSize = 2 }, CancellationToken.None);

        Assert.Equal(3, purged);
        Assert.Equal("recent", await App.ScalarAsync<string>("SELECT string_agg(name, ',') FROM tombstones"));
    }

    async Task<string> SnapshotAsync() => await App.ScalarAsync<string>("""
        SELECT concat_ws(' | ',
            (SELECT string_agg(id || ':' || user_name || ':' || version, ',' ORDER BY id) FROM users),
            (SELECT string_agg(id || ':' || version, ',' ORDER BY id) FROM groups),
            (SELECT string_agg(group_id || ':' || coalesce(user_id, member_group_id), ',' ORDER BY group_id, user_id) FROM link),
            (SELECT string_agg(seq::text, ',' ORDER BY seq) FROM tombstones))
        """);
}
