using System.Net;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Journal;

/// <summary>Each effective change through the API leaves exactly its journal row, with the right old and new values.</summary>
public class JournalActionTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task PostUser_WritesCreatedWithNewValues_PasswordOnlyAsSet()
    {
        var id = (await Client.PostUserAsync(new { schemas = new[] { UserUrn }, userName = "alice@example.com", title = "Pilot", password = "S3cret!x" })).Id();

        var entry = Assert.Single(await App.JournalAsync());
        Assert.Equal(("User", Guid.Parse(id), "alice@example.com", "created"), (entry.ResourceType, entry.ResourceId, entry.Name, entry.Action));
        Assert.Equal("\"alice@example.com\"", entry.New("user_name"));
        Assert.Equal("\"Pilot\"", entry.New("title"));
        Assert.Null(entry.Old("title"));
        Assert.Equal("set", entry.Json.GetProperty("password").GetString());
        Assert.False(entry.Json.TryGetProperty("password_hash", out _));
        Assert.False(entry.Json.TryGetProperty("version", out _));
        Assert.False(string.IsNullOrEmpty(entry.RequestId));
    }

    [Fact]
    public async Task PatchActive_WritesDeactivatedThenReactivated()
    {
        var id = await Client.NewUserAsync("alice@example.com");
        var before = await App.LastSeqAsync();

        Assert.Equal(HttpStatusCode.OK, await Client.PatchAsync(Urls.User(id), new { op = "replace", value = new { active = false } }));
        Assert.Equal(HttpStatusCode.OK, await Client.PatchAsync(Urls.User(id), new { op = "replace", path = "active", value = true }));

        var entries = await App.JournalAsync(before);
        Assert.Equal(["deactivated", "reactivated"], entries.Select(e => e.Action));
        Assert.Equal(("true", "false"), (entries[0].Old("active"), entries[0].New("active")));
        Assert.Equal(("false", "true"), (entries[1].Old("active"), entries[1].New("active")));
        Assert.All(entries, e => Assert.Equal(["active"], e.Json.EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public async Task PatchAndPut_WritePatchedAndReplaced_WithOnlyTheChangedAttributes()
    {
        var id = await Client.NewUserAsync("alice@example.com", title: "Pilot");
        var before = await App.LastSeqAsync();

        Assert.Equal(HttpStatusCode.OK, await Client.PatchAsync(Urls.User(id), new { op = "replace", path = "title", value = "Captain" }));
        using (var put = await Client.PutScimAsync(Urls.User(id), new { schemas = new[] { UserUrn }, userName = "alice@example.com", nickName = "Al" }))
            await put.AssertStatusAsync(HttpStatusCode.OK);

        var entries = await App.JournalAsync(before);
        Assert.Equal(["patched", "replaced"], entries.Select(e => e.Action));
        Assert.Equal(("\"Pilot\"", "\"Captain\""), (entries[0].Old("title"), entries[0].New("title")));
        Assert.Equal(["title"], entries[0].Json.EnumerateObject().Select(p => p.Name));
        // PUT drops the title (left out) and sets nickName.
        Assert.Equal(("\"Captain\"", null), (entries[1].Old("title"), entries[1].New("title")));
        Assert.Equal((null, "\"Al\""), (entries[1].Old("nick_name"), entries[1].New("nick_name")));
        Assert.Equal(["nick_name", "title"], entries[1].Json.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task PatchUserName_WritesRenamed_WithTheNewName()
    {
        var id = await Client.NewUserAsync("alice@example.com");
        var before = await App.LastSeqAsync();

        Assert.Equal(HttpStatusCode.OK, await Client.PatchAsync(Urls.User(id), new { op = "replace", path = "userName", value = "alice.smith@example.com" }));

        var entry = Assert.Single(await App.JournalAsync(before));
        Assert.Equal(("renamed", "alice.smith@example.com"), (entry.Action, entry.Name));
        Assert.Equal(("\"alice@example.com\"", "\"alice.smith@example.com\""), (entry.Old("user_name"), entry.New("user_name")));
    }

    [Fact]
    public async Task NoOpPatchAndPut_WriteNothing()
    {
        var id = await Client.NewUserAsync("alice@example.com", title: "Pilot");
        var group = await Client.NewGroupAsync("Droids", id);
        var before = await App.LastSeqAsync();

        Assert.Equal(HttpStatusCode.OK, await Client.PatchAsync(Urls.User(id), new { op = "replace", path = "title", value = "Pilot" }));
        Assert.Equal(HttpStatusCode.OK, await Client.PatchAsync(Urls.User(id), new { op = "replace", value = new { active = true } }));
        await Client.PatchAsync(Urls.Group(group), new { op = "add", path = "members", value = new[] { new { value = id } } });
        using (var put = await Client.PutScimAsync(Urls.User(id), new { schemas = new[] { UserUrn }, userName = "alice@example.com", title = "Pilot" }))
            await put.AssertStatusAsync(HttpStatusCode.OK);

        Assert.Empty(await App.JournalAsync(before));
    }

    [Fact]
    public async Task DeleteUser_WritesDeletedWithLastValues_AndOneMembersRemovedPerGroup()
    {
        var alice = await Client.NewUserAsync("alice@example.com", title: "Pilot");
        var bob = await Client.NewUserAsync("bob@example.com");
        var droids = await Client.NewGroupAsync("Droids", alice, bob);
        var pilots = await Client.NewGroupAsync("Pilots", alice);
        var before = await App.LastSeqAsync();

        using (var response = await Client.DeleteAsync(Urls.User(alice)))
            await response.AssertStatusAsync(HttpStatusCode.NoContent);

        var entries = await App.JournalAsync(before);
        Assert.Equal(3, entries.Count);
        var deleted = Assert.Single(entries, e => e.Action == "deleted");
        Assert.Equal((Guid.Parse(alice), "alice@example.com", "\"Pilot\""), (deleted.ResourceId, deleted.Name, deleted.Old("title")));
        var removed = entries.Where(e => e.Action == "members_removed").ToList();
        Assert.Equal(new[] { droids, pilots }.Select(Guid.Parse).Order(), removed.Select(e => e.ResourceId).Order());
        Assert.All(removed, e => Assert.Equal([alice], e.Members("removed")));
        Assert.All(removed, e => Assert.Equal("alice@example.com", e.Json.GetProperty("removed")[0].GetProperty("display").GetString()));
        Assert.All(entries, e => Assert.Equal(deleted.RequestId, e.RequestId));
    }

    [Fact]
    public async Task Groups_CreatedRenamedMembersAddedRemovedDeleted()
    {
        var alice = await Client.NewUserAsync("alice@example.com");
        var bob = await Client.NewUserAsync("bob@example.com");
        var before = await App.LastSeqAsync();

        var group = await Client.NewGroupAsync("Droids", alice);
        Assert.Equal(HttpStatusCode.NoContent, await Client.PatchAsync(Urls.Group(group), new { op = "add", path = "members", value = new[] { new { value = bob } } }));
        Assert.Equal(HttpStatusCode.NoContent, await Client.PatchAsync(Urls.Group(group), new { op = "remove", path = $"members[value eq \"{alice}\"]" }));
        Assert.Equal(HttpStatusCode.NoContent, await Client.PatchAsync(Urls.Group(group), new { op = "replace", value = new { id = group, displayName = "Droids 2" } }));
        using (var response = await Client.DeleteAsync(Urls.Group(group)))
            await response.AssertStatusAsync(HttpStatusCode.NoContent);

        var entries = await App.JournalAsync(before);
        Assert.Equal(["created", "members_added", "members_added", "members_removed", "renamed", "deleted"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(("Group", Guid.Parse(group)), (e.ResourceType, e.ResourceId)));
        Assert.Equal([alice], entries[1].Members("added"));
        Assert.Equal([bob], entries[2].Members("added"));
        Assert.Equal("User", entries[2].Json.GetProperty("added")[0].GetProperty("type").GetString());
        Assert.Equal([alice], entries[3].Members("removed"));
        Assert.Equal(("\"Droids\"", "\"Droids 2\""), (entries[4].Old("display_name"), entries[4].New("display_name")));
        Assert.Equal(("deleted", "Droids 2"), (entries[5].Action, entries[5].Name));
    }

    /// <summary>
    /// Since the journal's bound (sql/0010_journal_bounds.sql) the row lists the leading members within 64 KB and
    /// counts the rest; before it, the row listed all 1,000.
    /// </summary>
    [Fact]
    public async Task AddingAThousandMembers_WritesOneRowListingThemWithinTheBound()
    {
        var (ids, entry) = await App.AddSeededMembersAsync(Client, 1000, "member");

        var listed = entry.Members("added");
        Assert.InRange(listed.Length, 500, 999);
        Assert.Equal(ids.Order().Take(listed.Length), listed);
        Assert.Equal(1000, listed.Length + entry.Json.GetProperty("more_added").GetInt32());
        Assert.True(entry.Changes.Length <= 65536);
    }

    [Fact]
    public async Task RequestFailingInPostgres_LeavesNoRow()
    {
        var alice = await Client.NewUserAsync("alice@example.com");
        var bob = await Client.NewUserAsync("bob@example.com", title: "Pilot");
        var group = await Client.NewGroupAsync("Droids");
        var before = await App.LastSeqAsync();

        // The unique index on lower(user_name) rejects the UPDATE: 409, and the title change in the same statement is gone.
        using (var put = await Client.PutScimAsync(Urls.User(bob), new { schemas = new[] { UserUrn }, userName = "ALICE@example.com", title = "Captain" }))
            await put.AssertStatusAsync(HttpStatusCode.Conflict);
        // The first operation adds alice (a journal row in the transaction); the second names no one and fails.
        var status = await Client.PatchAsync(Urls.Group(group),
            new { op = "add", path = "members", value = new[] { new { value = alice } } },
            new { op = "add", path = "members", value = new[] { new { value = Guid.NewGuid().ToString() } } });
        Assert.Equal(HttpStatusCode.BadRequest, status);

        Assert.Empty(await App.JournalAsync(before));
    }

    [Fact]
    public async Task ResetBetweenTests_EmptiesTheJournal_AndWritesNoRow()
    {
        await Client.NewGroupAsync("Droids", await Client.NewUserAsync("alice@example.com"));
        Assert.NotEmpty(await App.JournalAsync());

        await App.ResetAsync();

        Assert.Empty(await App.JournalAsync());
    }
}
