using System.Net;
using System.Text.Json;
using Dapper;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Groups;

/// <summary>Read, replace, delete and list groups and their membership over HTTP.</summary>
public class GroupCrudTests(ScimApp app) : ScimTest(app)
{
    const string NowhereId = "9c3e6a1b-2d4f-4a8b-9c0d-1e2f3a4b5c6d";

    [Fact]
    public async Task Get_ById_ReturnsGroupWithMembersAndETag()
    {
        var user = await Client.CreateUserAsync("yoda@example.com", "Yoda");
        var created = await Client.CreateGroupAsync("Council", user.Id());

        using var response = await Client.GetAsync(Urls.Group(created.Id()));

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var group = await response.ReadJsonAsync();
        ScimAssert.JsonEqual(created, group);
        Assert.Equal(group.Version(), response.Headers.ETag?.ToString());
        var member = Assert.Single(group.GetProperty("members").EnumerateArray());
        Assert.Equal(user.Id(), member.GetProperty("value").GetString());
        Assert.Equal("User", member.GetProperty("type").GetString());
        Assert.Equal("Yoda", member.GetProperty("display").GetString());
        Assert.EndsWith(Urls.User(user.Id()), member.GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task Put_ReplacesDisplayNameAndMembershipAndClearsExternalId()
    {
        var a = await Client.CreateUserAsync("a@example.com");
        var b = await Client.CreateUserAsync("b@example.com");
        var c = await Client.CreateUserAsync("c@example.com");
        var created = await Client.CreateGroupAsync("Old", a.Id(), b.Id());
        (await Client.PatchScimAsync(Urls.Group(created.Id()), HttpExtensions.PatchOp(new { op = "add", path = "externalId", value = "ext-1" }))).Dispose();

        using var response = await Client.PutScimAsync(Urls.Group(created.Id()), new
        {
            schemas = new[] { ResourceRequests.GroupUrn },
            displayName = "New",
            members = new[] { new { value = b.Id() }, new { value = c.Id() } },
        });

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var replaced = await response.ReadJsonAsync();
        Assert.Equal("New", replaced.GetProperty("displayName").GetString());
        Assert.False(replaced.TryGetProperty("externalId", out _));
        Assert.Equal(new[] { b.Id(), c.Id() }.Order(), replaced.MemberIds());
        Assert.NotEqual(created.Version(), replaced.Version());
        ScimAssert.JsonEqual(replaced, await Client.GetJsonAsync(Urls.Group(created.Id())));
    }

    [Fact]
    public async Task Put_WithoutMembers_EmptiesTheGroup()
    {
        var user = await Client.CreateUserAsync("a@example.com");
        var created = await Client.CreateGroupAsync("Team", user.Id());

        using var response = await Client.PutScimAsync(Urls.Group(created.Id()), new { displayName = "Team" });

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Empty((await response.ReadJsonAsync()).MemberIds());
        Assert.Equal(0, await App.CountAsync("link"));
    }

    [Fact]
    public async Task Put_SameContent_KeepsVersion()
    {
        var user = await Client.CreateUserAsync("a@example.com");
        var created = await Client.CreateGroupAsync("Team", user.Id());

        using var response = await Client.PutScimAsync(Urls.Group(created.Id()), new
        {
            displayName = "Team", members = new[] { new { value = user.Id(), display = "whatever" } },
        });

        await response.AssertStatusAsync(HttpStatusCode.OK);
        ScimAssert.JsonEqual(created.GetProperty("meta"), (await response.ReadJsonAsync()).GetProperty("meta"));
    }

    [Fact]
    public async Task Put_IdAndMetaInBody_AreIgnored()
    {
        var created = await Client.CreateGroupAsync("Team");

        using var response = await Client.PutScimAsync(Urls.Group(created.Id()), new
        {
            id = Guid.NewGuid(), displayName = "Team", meta = new { version = "W/\"42\"", resourceType = "User" },
        });

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var replaced = await response.ReadJsonAsync();
        Assert.Equal(created.Id(), replaced.Id());
        ScimAssert.JsonEqual(created.GetProperty("meta"), replaced.GetProperty("meta"));
    }

    [Fact]
    public async Task Delete_Returns204ThenGroupIsGoneAndMembersStay()
    {
        var user = await Client.CreateUserAsync("a@example.com");
        var group = await Client.CreateGroupAsync("Doomed", user.Id());
        var url = Urls.Group(group.Id());

        using (var deleted = await Client.DeleteAsync(url))
            await deleted.AssertStatusAsync(HttpStatusCode.NoContent);

        using (var get = await Client.GetAsync(url)) await get.AssertScimErrorAsync(HttpStatusCode.NotFound);
        using (var again = await Client.DeleteAsync(url)) await again.AssertScimErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await Client.GetJsonAsync(Urls.Groups)).GetProperty("totalResults").GetInt32());
        Assert.Equal(0, await App.CountAsync("link"));
        var member = await Client.GetJsonAsync(Urls.User(user.Id()));
        // No groups left: unassigned, so left out (RFC 7643 §2.5).
        Assert.False(member.TryGetProperty("groups", out _));
    }

    [Fact]
    public async Task List_Paging_ItemsPerPageIsWhatWasReturnedAndTotalIsAllMatches()
    {
        foreach (var name in new[] { "Alpha", "Bravo", "Charlie" })
            await Client.CreateGroupAsync(name);

        var page = await Client.GetJsonAsync($"{Urls.Groups}?sortBy=displayName&startIndex=2&count=5");

        Assert.Equal(3, page.GetProperty("totalResults").GetInt32());
        Assert.Equal(2, page.GetProperty("itemsPerPage").GetInt32());
        Assert.Equal(2, page.GetProperty("startIndex").GetInt32());
        Assert.Equal(["Bravo", "Charlie"], page.GetProperty("Resources").EnumerateArray().Select(g => g.GetProperty("displayName").GetString()!));
    }

    [Fact]
    public async Task Post_GroupAsMember_IsNestedWithTypeGroup()
    {
        var user = await Client.CreateUserAsync("a@example.com");
        var inner = await Client.CreateGroupAsync("Inner", user.Id());

        var outer = await Client.CreateGroupAsync("Outer", inner.Id(), user.Id());

        var members = outer.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("value").GetString()!);
        Assert.Equal("Group", members[inner.Id()].GetProperty("type").GetString());
        Assert.Equal("Inner", members[inner.Id()].GetProperty("display").GetString());
        Assert.EndsWith(Urls.Group(inner.Id()), members[inner.Id()].GetProperty("$ref").GetString());
        Assert.Equal("User", members[user.Id()].GetProperty("type").GetString());
        await using var connection = await App.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM link WHERE member_group_id IS NOT NULL"));
    }

    [Fact]
    public async Task Delete_NestedGroup_LeavesParentAndMovesItsVersion()
    {
        var inner = await Client.CreateGroupAsync("Inner");
        var outer = await Client.CreateGroupAsync("Outer", inner.Id());

        (await Client.DeleteAsync(Urls.Group(inner.Id()))).Dispose();

        var after = await Client.GetJsonAsync(Urls.Group(outer.Id()));
        Assert.Empty(after.MemberIds());
        Assert.NotEqual(outer.Version(), after.Version());
    }

    /// <summary>Writes members the two ways identity providers do: PATCH add (Okta, Entra) or PUT of the whole group (Okta AIW).</summary>
    Task<HttpResponseMessage> WriteMembersAsync(string method, JsonElement group, params string[] memberIds)
    {
        var members = memberIds.Select(id => new { value = id }).ToArray();
        return method == "PATCH"
            ? Client.PatchScimAsync(Urls.Group(group.Id()), HttpExtensions.PatchOp(new { op = "add", path = "members", value = members }))
            : Client.PutScimAsync(Urls.Group(group.Id()), new { displayName = group.GetProperty("displayName").GetString(), members });
    }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    public async Task Write_ItselfAsMember_Returns400AndChangesNothing(string method)
    {
        var user = await Client.CreateUserAsync("a@example.com");
        var group = await Client.CreateGroupAsync("Ouroboros", user.Id());
        var before = await App.SnapshotAsync();

        using var response = await WriteMembersAsync(method, group, group.Id());

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Fact]
    public async Task Post_MemberThatExistsNowhere_Returns400NamingItAndCreatesNoGroup()
    {
        var user = await Client.CreateUserAsync("a@example.com");
        var before = await App.SnapshotAsync();

        using var response = await Client.PostScimAsync(Urls.Groups,
            new { displayName = "Phantoms", members = new[] { new { value = user.Id() }, new { value = NowhereId } } });

        var error = await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains(NowhereId, error.GetProperty("detail").GetString());
        Assert.Equal(before, await App.SnapshotAsync());
        Assert.Equal(0, await App.CountAsync("groups"));
    }

    /// <summary>An existing user beside the missing id: the whole write is refused, not only the missing member.</summary>
    [Theory]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    public async Task Write_MemberThatExistsNowhere_Returns400NamingItAndLeavesLinkUnchanged(string method)
    {
        var a = await Client.CreateUserAsync("a@example.com");
        var b = await Client.CreateUserAsync("b@example.com");
        var group = await Client.CreateGroupAsync("Team", a.Id());
        var before = await App.SnapshotAsync();

        using var response = await WriteMembersAsync(method, group, b.Id(), NowhereId);

        var error = await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains(NowhereId, error.GetProperty("detail").GetString());
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Fact]
    public async Task Patch_AddExistingMembers_KeepsVersion()
    {
        var a = await Client.CreateUserAsync("a@example.com");
        var group = await Client.CreateGroupAsync("Team", a.Id());
        var before = await App.SnapshotAsync();

        using var response = await Client.PatchScimAsync(Urls.Group(group.Id()),
            HttpExtensions.PatchOp(new { op = "add", path = "members", value = new[] { new { value = a.Id() } } }));

        Assert.True(response.IsSuccessStatusCode, $"PATCH answered {(int)response.StatusCode}");
        Assert.Equal(group.Version(), response.Headers.ETag?.ToString());
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Theory]
    [InlineData("excludedAttributes=members")]
    [InlineData("attributes=displayName")]
    public async Task Get_WithoutMembersProjection_OmitsMembers(string query)
    {
        var user = await Client.CreateUserAsync("a@example.com");
        var group = await Client.CreateGroupAsync("Team", user.Id());

        var single = await Client.GetJsonAsync($"{Urls.Groups}/{group.Id()}?{query}");
        var list = await Client.GetJsonAsync($"{Urls.Groups}?{query}");

        Assert.False(single.TryGetProperty("members", out _), single.ToString());
        Assert.Equal("Team", single.GetProperty("displayName").GetString());
        Assert.Equal(group.Id(), single.Id());
        var listed = Assert.Single(list.GetProperty("Resources").EnumerateArray());
        Assert.False(listed.TryGetProperty("members", out _), listed.ToString());
        Assert.Equal("Team", listed.GetProperty("displayName").GetString());
    }
}
