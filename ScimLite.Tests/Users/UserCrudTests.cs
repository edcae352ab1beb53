using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Users;

/// <summary>Read, replace, delete and list users over HTTP.</summary>
public class UserCrudTests(ScimApp app) : ScimTest(app)
{
    static object Vader(string? password = "Sk1walker!") => new Dictionary<string, object?>
    {
        ["schemas"] = new[] { ResourceRequests.UserUrn },
        ["userName"] = "vader@empire.example",
        ["externalId"] = "ext-vader",
        ["name"] = new { givenName = "Anakin", familyName = "Skywalker" },
        ["displayName"] = "Darth Vader",
        ["nickName"] = "Ani",
        ["title"] = "Sith Lord",
        ["emails"] = new[] { new { value = "vader@empire.example", type = "work", primary = true } },
        ["phoneNumbers"] = new[] { new { value = "+1-555-0100", type = "work" } },
        ["password"] = password,
    };

    async Task<string?> PasswordHashAsync(string id)
    {
        await using var connection = await App.OpenConnectionAsync();
        return await connection.QuerySingleAsync<string?>("SELECT password_hash FROM users WHERE id = @id", new { id = Guid.Parse(id) });
    }

    [Fact]
    public async Task Get_ById_ReturnsTheStoredUserWithETag()
    {
        var created = await Client.PostUserAsync(Vader());

        using var response = await Client.GetAsync(Urls.User(created.Id()));

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        var fetched = await response.ReadJsonAsync();
        ScimAssert.JsonEqual(created, fetched);
        Assert.Equal(fetched.Version(), response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Put_ReplacesAndClearsAttributesLeftOut()
    {
        var created = await Client.PostUserAsync(Vader());

        using var response = await Client.PutScimAsync(Urls.User(created.Id()), new
        {
            schemas = new[] { ResourceRequests.UserUrn },
            userName = "vader@empire.example",
            displayName = "Anakin Skywalker",
            active = false,
        });

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var replaced = await response.ReadJsonAsync();
        Assert.Equal("Anakin Skywalker", replaced.GetProperty("displayName").GetString());
        Assert.False(replaced.GetProperty("active").GetBoolean());
        foreach (var cleared in new[] { "externalId", "name", "nickName", "title", "emails", "phoneNumbers" })
            Assert.False(replaced.TryGetProperty(cleared, out _), $"{cleared} should be cleared: {replaced}");
        ScimAssert.JsonEqual(replaced, await Client.GetJsonAsync(Urls.User(created.Id())));
    }

    [Fact]
    public async Task Put_WithoutActive_MakesTheUserActive()
    {
        var created = await Client.PostUserAsync(new { userName = "inactive@example.com", active = false });

        using var response = await Client.PutScimAsync(Urls.User(created.Id()), new { userName = "inactive@example.com" });

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.True((await response.ReadJsonAsync()).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Put_WithoutPassword_KeepsThePassword()
    {
        var created = await Client.PostUserAsync(Vader());
        var hash = await PasswordHashAsync(created.Id());

        using var response = await Client.PutScimAsync(Urls.User(created.Id()), Vader(password: null));

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.NotNull(hash);
        Assert.Equal(hash, await PasswordHashAsync(created.Id()));
    }

    [Fact]
    public async Task Put_WithNewPassword_ReplacesTheHash()
    {
        var created = await Client.PostUserAsync(Vader());

        using var response = await Client.PutScimAsync(Urls.User(created.Id()), Vader(password: "N3w&Dark"));

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var hash = await PasswordHashAsync(created.Id());
        Assert.True(ScimLite.Users.PasswordHasher.Verify("N3w&Dark", hash!));
        Assert.False(ScimLite.Users.PasswordHasher.Verify("Sk1walker!", hash!));
        Assert.NotEqual(created.Version(), (await response.ReadJsonAsync()).Version());
    }

    [Fact]
    public async Task Put_SamePassword_KeepsHashAndVersion()
    {
        var created = await Client.PostUserAsync(Vader());
        var hash = await PasswordHashAsync(created.Id());

        using var response = await Client.PutScimAsync(Urls.User(created.Id()), Vader());

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(hash, await PasswordHashAsync(created.Id()));
        Assert.Equal(created.Version(), (await response.ReadJsonAsync()).Version());
    }

    [Fact]
    public async Task Put_IdMetaAndGroupsInBody_AreIgnored()
    {
        var created = await Client.PostUserAsync(Vader());
        var group = await Client.CreateGroupAsync("Sith");
        var otherId = Guid.NewGuid().ToString();

        using var response = await Client.PutScimAsync(Urls.User(created.Id()), new
        {
            schemas = new[] { ResourceRequests.UserUrn },
            id = otherId,
            userName = "vader@empire.example",
            meta = new { resourceType = "Group", created = "2001-01-01T00:00:00Z", version = "W/\"99\"", location = "https://evil.example/x" },
            groups = new[] { new { value = group.Id(), display = "Sith" } },
        });

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var replaced = await response.ReadJsonAsync();
        Assert.Equal(created.Id(), replaced.Id());
        Assert.Equal(created.GetProperty("meta").GetProperty("created").GetString(), replaced.GetProperty("meta").GetProperty("created").GetString());
        Assert.Equal("User", replaced.GetProperty("meta").GetProperty("resourceType").GetString());
        Assert.EndsWith($"/Users/{created.Id()}", replaced.GetProperty("meta").GetProperty("location").GetString());
        Assert.NotEqual("W/\"99\"", replaced.Version());
        // Still in no group: groups is unassigned, so left out (RFC 7643 §2.5).
        Assert.False(replaced.TryGetProperty("groups", out _));
        Assert.Equal(0, await App.CountAsync("link"));
        Assert.Equal(1, await App.CountAsync("users"));
    }

    [Fact]
    public async Task Post_IdMetaAndGroupsInBody_AreIgnored()
    {
        var group = await Client.CreateGroupAsync("Sith");
        var chosenId = Guid.NewGuid().ToString();

        var created = await Client.PostUserAsync(new
        {
            id = chosenId,
            userName = "sidious@empire.example",
            meta = new { resourceType = "Group", created = "2001-01-01T00:00:00Z", version = "W/\"99\"" },
            groups = new[] { new { value = group.Id() } },
        });

        Assert.NotEqual(chosenId, created.Id());
        Assert.Equal("User", created.GetProperty("meta").GetProperty("resourceType").GetString());
        Assert.NotEqual("2001-01-01T00:00:00Z", created.GetProperty("meta").GetProperty("created").GetString());
        Assert.Equal("W/\"1\"", created.Version());
        // Still in no group: groups is unassigned, so left out (RFC 7643 §2.5).
        Assert.False(created.TryGetProperty("groups", out _));
        Assert.Equal(0, await App.CountAsync("link"));
    }

    [Fact]
    public async Task Get_UserInGroups_ListsThemInGroups()
    {
        var user = await Client.CreateUserAsync("member@example.com");
        var jedi = await Client.CreateGroupAsync("Jedi", user.Id());
        await Client.CreateGroupAsync("Unrelated");

        var fetched = await Client.GetJsonAsync(Urls.User(user.Id()));

        var membership = Assert.Single(fetched.GetProperty("groups").EnumerateArray());
        Assert.Equal(jedi.Id(), membership.GetProperty("value").GetString());
        Assert.Equal("Jedi", membership.GetProperty("display").GetString());
        Assert.EndsWith(Urls.Group(jedi.Id()), membership.GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task Get_WithAttributes_ReturnsOnlyTheNamedAndAlwaysReturned()
    {
        var created = await Client.PostUserAsync(Vader());

        var fetched = await Client.GetJsonAsync($"{Urls.Users}/{created.Id()}?attributes=userName,name.givenName");

        Assert.Equal(["id", "name", "schemas", "userName"], fetched.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["givenName"], fetched.GetProperty("name").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Put_SameContent_KeepsVersionAndLastModified()
    {
        var created = await Client.PostUserAsync(Vader(password: null));

        using var response = await Client.PutScimAsync(Urls.User(created.Id()), Vader(password: null));

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var replaced = await response.ReadJsonAsync();
        ScimAssert.JsonEqual(created.GetProperty("meta"), replaced.GetProperty("meta"));
    }

    [Fact]
    public async Task Put_ChangedContent_MovesVersionAndLastModified()
    {
        var created = await Client.PostUserAsync(Vader(password: null));

        using var response = await Client.PutScimAsync(Urls.User(created.Id()), new { userName = "vader@empire.example", title = "Emperor's apprentice" });

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var replaced = await response.ReadJsonAsync();
        Assert.NotEqual(created.Version(), replaced.Version());
        Assert.True(DateTimeOffset.Parse(replaced.GetProperty("meta").GetProperty("lastModified").GetString()!)
            >= DateTimeOffset.Parse(created.GetProperty("meta").GetProperty("lastModified").GetString()!));
        Assert.Equal(response.Headers.ETag?.ToString(), replaced.Version());
    }

    [Fact]
    public async Task Delete_Returns204ThenTheUserIsGoneEverywhere()
    {
        var created = await Client.PostUserAsync(Vader());
        var url = Urls.User(created.Id());

        using (var deleted = await Client.DeleteAsync(url))
        {
            await deleted.AssertStatusAsync(HttpStatusCode.NoContent);
            Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());
        }

        using (var get = await Client.GetAsync(url)) await get.AssertScimErrorAsync(HttpStatusCode.NotFound);
        using (var put = await Client.PutScimAsync(url, Vader())) await put.AssertScimErrorAsync(HttpStatusCode.NotFound);
        using (var patch = await Client.PatchScimAsync(url, HttpExtensions.PatchOp(new { op = "replace", path = "title", value = "x" })))
            await patch.AssertScimErrorAsync(HttpStatusCode.NotFound);
        using (var again = await Client.DeleteAsync(url)) await again.AssertScimErrorAsync(HttpStatusCode.NotFound);
        var list = await Client.GetJsonAsync(Urls.Users);
        Assert.Equal(0, list.GetProperty("totalResults").GetInt32());
        Assert.Equal(0, await App.CountAsync("users"));
    }

    [Fact]
    public async Task Post_UserNameOfADeletedUser_Succeeds()
    {
        var first = await Client.CreateUserAsync("reused@example.com");
        (await Client.DeleteAsync(Urls.User(first.Id()))).Dispose();

        var second = await Client.CreateUserAsync("Reused@example.com");

        Assert.NotEqual(first.Id(), second.Id());
    }

    [Fact]
    public async Task Delete_UserInGroups_RemovesMembershipsAndMovesEachGroupsVersion()
    {
        var luke = await Client.CreateUserAsync("luke@example.com");
        var leia = await Client.CreateUserAsync("leia@example.com");
        var jedi = await Client.CreateGroupAsync("Jedi", luke.Id(), leia.Id());
        var pilots = await Client.CreateGroupAsync("Pilots", luke.Id());
        var untouched = await Client.CreateGroupAsync("Senators", leia.Id());
        var modifiedBefore = await LastModifiedAsync();

        using (var deleted = await Client.DeleteAsync(Urls.User(luke.Id())))
            await deleted.AssertStatusAsync(HttpStatusCode.NoContent);

        var jediAfter = await Client.GetJsonAsync(Urls.Group(jedi.Id()));
        Assert.Equal([leia.Id()], jediAfter.MemberIds());
        Assert.NotEqual(jedi.Version(), jediAfter.Version());
        var pilotsAfter = await Client.GetJsonAsync(Urls.Group(pilots.Id()));
        Assert.Empty(pilotsAfter.MemberIds());
        Assert.NotEqual(pilots.Version(), pilotsAfter.Version());
        var senatorsAfter = await Client.GetJsonAsync(Urls.Group(untouched.Id()));
        Assert.Equal(untouched.Version(), senatorsAfter.Version());

        var modifiedAfter = await LastModifiedAsync();
        Assert.True(modifiedAfter["Jedi"] > modifiedBefore["Jedi"]);
        Assert.True(modifiedAfter["Pilots"] > modifiedBefore["Pilots"]);
        Assert.Equal(modifiedBefore["Senators"], modifiedAfter["Senators"]);
        Assert.Equal(2, await App.CountAsync("link"));
    }

    /// <summary>Groups' last_modified straight from the table, in microseconds (the API shows milliseconds).</summary>
    async Task<Dictionary<string, DateTime>> LastModifiedAsync()
    {
        await using var connection = await App.OpenConnectionAsync();
        return (await connection.QueryAsync<(string Name, DateTime Modified)>("SELECT display_name, last_modified FROM groups"))
            .ToDictionary(g => g.Name, g => g.Modified);
    }
}
