using System.Net;
using System.Text.Json;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Query;

/// <summary>POST /Users/.search, /Groups/.search and the root /.search (RFC 7644 §3.4.3).</summary>
public class SearchTests(ScimApp app) : ScimTest(app)
{
    sealed record Directory(string Dana, string Dave, string Erin, string Devs, string Design, string Ops);

    /// <summary>Users dana, dave (displayName "Dave"), erin; groups Devs (dana, dave), Design (erin), Ops.</summary>
    static async Task<Directory> ArrangeAsync(HttpClient client)
    {
        var dana = (await client.CreateUserAsync("dana@example.com", "Dana")).Id();
        var dave = (await client.CreateUserAsync("dave@example.com", "Dave")).Id();
        var erin = (await client.CreateUserAsync("erin@example.com", "Erin")).Id();
        var devs = (await client.CreateGroupAsync("Devs", dana, dave)).Id();
        var design = (await client.CreateGroupAsync("Design", erin)).Id();
        var ops = (await client.CreateGroupAsync("Ops")).Id();
        return new Directory(dana, dave, erin, devs, design, ops);
    }

    static async Task<JsonElement> SearchAsync(HttpClient client, string url, object body)
    {
        using var response = await client.PostScimAsync(url, body);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var list = await response.ReadJsonAsync();
        Assert.Equal(ListResponseUrn, Assert.Single(list.GetProperty("schemas").EnumerateArray()).GetString());
        return list;
    }

    [Fact]
    public async Task UsersSearch_BodyParameters_FilterProjectAndPage()
    {
        var people = await ArrangeAsync(Client);

        var list = await SearchAsync(Client, $"{Urls.Users}/.search", new
        {
            schemas = new[] { SearchRequestUrn },
            filter = "userName sw \"d\"",
            attributes = new[] { "userName" },
            sortBy = "userName",
            startIndex = 2,
            count = 1,
        });

        Assert.Equal(2, list.TotalResults());
        Assert.Equal(1, list.ItemsPerPage());
        Assert.Equal(2, list.GetProperty("startIndex").GetInt32());
        var user = Assert.Single(list.Resources());
        Assert.Equal(people.Dave, user.Id());
        Assert.Equal(["id", "schemas", "userName"], user.Names());
    }

    [Fact]
    public async Task GroupsSearch_BodyParameters_FilterAndExcludeMembers()
    {
        var people = await ArrangeAsync(Client);

        var list = await SearchAsync(Client, $"{Urls.Groups}/.search", new
        {
            schemas = new[] { SearchRequestUrn },
            filter = $"members.value eq \"{people.Dave}\" or displayName eq \"ops\"",
            excludedAttributes = new[] { "members" },
            startIndex = 1,
            count = 10,
        });

        list.AssertIds(people.Devs, people.Ops);
        Assert.All(list.Resources(), g => Assert.False(g.TryGetProperty("members", out _)));
    }

    [Fact]
    public async Task UsersSearch_CursorInBody_PagesByCursor()
    {
        await ArrangeAsync(Client);
        var seen = new List<string>();

        var page = await SearchAsync(Client, $"{Urls.Users}/.search", new { cursor = "", count = 2 });
        seen.AddRange(page.Ids());
        var next = page.GetProperty("nextCursor").GetString();
        page = await SearchAsync(Client, $"{Urls.Users}/.search", new { cursor = next, count = 2 });
        seen.AddRange(page.Ids());

        Assert.False(page.TryGetProperty("nextCursor", out _), $"the last page has a nextCursor: {page}");
        Assert.Equal(3, seen.Distinct().Count());
        Assert.Equal(3, page.TotalResults());
    }

    [Theory]
    [InlineData("""{"filter": 42}""")]
    [InlineData("""{"filter": ["userName pr"]}""")]
    [InlineData("""{"attributes": {"userName": true}}""")]
    [InlineData("""{"attributes": [1, 2]}""")]
    [InlineData("""{"excludedAttributes": true}""")]
    [InlineData("""{"startIndex": true}""")]
    [InlineData("""{"count": 1.5}""")]
    [InlineData("""{"count": [10]}""")]
    [InlineData("""{"sortBy": {"attr": "userName"}}""")]
    [InlineData("""["filter", "userName pr"]""")]
    public async Task Search_WrongBodyTypes_Returns400InvalidSyntax(string body)
    {
        foreach (var url in new[] { $"{Urls.Users}/.search", $"{Urls.Groups}/.search", "/scim/v2/.search" })
        {
            using var response = await Client.PostScimAsync(url, body);
            await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidSyntax");
        }
    }

    [Fact]
    public async Task RootSearch_WithoutFilter_ReturnsUsersThenGroups()
    {
        var people = await ArrangeAsync(Client);

        var list = await SearchAsync(Client, "/scim/v2/.search", new { schemas = new[] { SearchRequestUrn } });

        Assert.Equal(6, list.TotalResults());
        var types = list.Resources().Select(r => r.GetProperty("meta").GetProperty("resourceType").GetString()!).ToArray();
        Assert.Equal(["User", "User", "User", "Group", "Group", "Group"], types);
        Assert.Equal(
            new[] { people.Dana, people.Dave, people.Erin, people.Devs, people.Design, people.Ops }.Order(),
            list.Ids().Order());
    }

    [Fact]
    public async Task RootSearch_PagesAcrossTheTypeBoundary()
    {
        var people = await ArrangeAsync(Client);
        var all = (await SearchAsync(Client, "/scim/v2/.search", new { count = 10 })).Ids();

        var page = await SearchAsync(Client, "/scim/v2/.search", new { startIndex = 3, count = 2 });
        var last = await SearchAsync(Client, "/scim/v2/.search", new { startIndex = 5, count = 10 });

        Assert.Equal(all[2..4], page.Ids());
        Assert.Equal(6, page.TotalResults());
        Assert.Equal(all[4..], last.Ids());
        Assert.Equal(2, last.ItemsPerPage());
    }

    [Fact]
    public async Task RootSearch_ResourceTypeEqGroup_ReturnsOnlyGroups()
    {
        var people = await ArrangeAsync(Client);

        var list = await SearchAsync(Client, "/scim/v2/.search", new { filter = "meta.resourceType eq \"Group\"" });

        list.AssertIds(people.Devs, people.Design, people.Ops);
    }

    [Fact]
    public async Task RootSearch_DisplayNameSw_FindsUsersAndGroups()
    {
        var people = await ArrangeAsync(Client);

        var list = await SearchAsync(Client, "/scim/v2/.search", new
        {
            filter = "displayName sw \"D\"",
            attributes = new[] { "displayName" },
        });

        list.AssertIds(people.Dana, people.Dave, people.Devs, people.Design);
        Assert.Equal(["Dana", "Dave", "Design", "Devs"],
            list.Resources().Select(r => r.GetProperty("displayName").GetString()!).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task RootSearch_AttributeOfOneType_MatchesOnlyThatType()
    {
        var people = await ArrangeAsync(Client);

        (await SearchAsync(Client, "/scim/v2/.search", new { filter = "userName eq \"erin@example.com\"" })).AssertIds(people.Erin);
        (await SearchAsync(Client, "/scim/v2/.search", new { filter = $"members.value eq \"{people.Erin}\"" })).AssertIds(people.Design);
        // Each attribute is known to one of the types, so the filter is valid across them.
        (await SearchAsync(Client, "/scim/v2/.search", new { filter = $"userName eq \"dana@example.com\" or members.value eq \"{people.Erin}\"" }))
            .AssertIds(people.Dana, people.Design);
    }

    [Fact]
    public async Task RootSearch_SortByAnAttributeOfOneType_SortsThatTypeAndKeepsTheOther()
    {
        var people = await ArrangeAsync(Client);

        var list = await SearchAsync(Client, "/scim/v2/.search", new { sortBy = "userName", sortOrder = "descending" });

        Assert.Equal(6, list.TotalResults());
        Assert.Equal([people.Erin, people.Dave, people.Dana], list.Ids()[..3]);
        Assert.Equal(new[] { people.Devs, people.Design, people.Ops }.Order(), list.Ids()[3..].Order());
    }

    [Fact]
    public async Task RootSearch_SortByUnknownEverywhere_Returns400InvalidValue()
    {
        using var response = await Client.PostScimAsync("/scim/v2/.search", new { sortBy = "shoeSize" });

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Theory]
    [InlineData("shoeSize eq \"42\"")]
    [InlineData("displayName eq \"Devs\" or shoeSize eq \"42\"")]
    [InlineData("urn:example:custom:2.0:User:badge pr")]
    public async Task RootSearch_AttributeUnknownEverywhere_Returns400InvalidFilter(string filter)
    {
        using var response = await Client.PostScimAsync("/scim/v2/.search", new { filter });

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidFilter");
    }
}
