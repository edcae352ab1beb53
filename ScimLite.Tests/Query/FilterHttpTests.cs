using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Query;

/// <summary>Filters sent over HTTP are answered by the SQL the server compiles, against real rows.</summary>
public class FilterHttpTests(ScimApp app) : ScimTest(app)
{
    /// <summary>The people the filters look for; their ids fill in after <see cref="ArrangeAsync"/>.</summary>
    sealed record People(string Alice, string Bob, string Carol, string Engineering, string Sales);

    /// <summary>
    /// alice: work email at example.com, externalId "jyoung", department "R&amp;D", a title. bob: inactive, externalId
    /// "JYOUNG", work email at example.org and home email at example.com, managed by alice. carol: nothing extra.
    /// Engineering holds alice and bob, Sales holds carol and the Engineering group.
    /// </summary>
    async Task<People> ArrangeAsync(HttpClient client)
    {
        var alice = (await client.PostUserAsync(new Dictionary<string, object?>
        {
            ["schemas"] = new[] { UserUrn, EnterpriseUrn },
            ["userName"] = "Alice@Example.com",
            ["externalId"] = "jyoung",
            ["title"] = "Engineer",
            ["emails"] = new object[]
            {
                new { value = "alice@example.com", type = "work", primary = true },
                new { value = "alice@home.org", type = "home" },
            },
            [EnterpriseUrn] = new { department = "R&D" },
        })).Id();
        var bob = (await client.PostUserAsync(new Dictionary<string, object?>
        {
            ["schemas"] = new[] { UserUrn, EnterpriseUrn },
            ["userName"] = "bob@example.com",
            ["externalId"] = "JYOUNG",
            ["active"] = false,
            ["title"] = "",
            ["emails"] = new object[]
            {
                new { value = "bob@example.org", type = "work" },
                new { value = "Bob@Example.com", type = "home" },
            },
            [EnterpriseUrn] = new { department = "Sales", manager = new { value = alice } },
        })).Id();
        var carol = (await client.CreateUserAsync("carol@example.com", "Carol")).Id();
        var engineering = (await client.CreateGroupAsync("Engineering", alice, bob)).Id();
        var sales = (await client.CreateGroupAsync("Sales", carol, engineering)).Id();
        return new People(alice, bob, carol, engineering, sales);
    }

    [Theory]
    [InlineData("userName eq \"ALICE@example.COM\"")]
    [InlineData("USERNAME Eq \"alice@example.com\"")]
    public async Task Filter_UserNameEq_IgnoresCase(string filter)
    {
        var people = await ArrangeAsync(Client);

        var list = await Client.FilterAsync("Users", filter);

        list.AssertIds(people.Alice);
        Assert.Equal("Alice@Example.com", list.Resources()[0].GetProperty("userName").GetString());
    }

    [Theory]
    [InlineData("externalId eq \"jyoung\"")]
    // Entra sends bare words: externalId eq jyoung.
    [InlineData("externalId eq jyoung")]
    public async Task Filter_ExternalIdEq_IsCaseExact(string filter)
    {
        var people = await ArrangeAsync(Client);

        (await Client.FilterAsync("Users", filter)).AssertIds(people.Alice);
        (await Client.FilterAsync("Users", "externalId eq \"JYOUNG\"")).AssertIds(people.Bob);
    }

    [Fact]
    public async Task Filter_GroupDisplayNameEq_WithoutMembers_FindsTheGroup()
    {
        var people = await ArrangeAsync(Client);

        var list = await Client.FilterAsync("Groups", "displayName eq \"engineering\"", "excludedAttributes=members");

        list.AssertIds(people.Engineering);
        var group = list.Resources()[0];
        Assert.Equal("Engineering", group.GetProperty("displayName").GetString());
        Assert.False(group.TryGetProperty("members", out _), $"members were returned: {group}");
    }

    [Fact]
    public async Task Filter_EmailsValueEq_MatchesAnyItemIgnoringCase()
    {
        var people = await ArrangeAsync(Client);

        (await Client.FilterAsync("Users", "emails.value eq \"bob@EXAMPLE.com\"")).AssertIds(people.Bob);
        (await Client.FilterAsync("Users", "emails.value eq \"alice@home.org\"")).AssertIds(people.Alice);
        (await Client.FilterAsync("Users", "emails eq \"bob@example.org\"")).AssertIds(people.Bob);
    }

    [Fact]
    public async Task Filter_ValuePath_RequiresOneItemToMatchEveryCondition()
    {
        var people = await ArrangeAsync(Client);

        // bob has a work email and an @example.com email, but not in the same item.
        (await Client.FilterAsync("Users", "emails[type eq \"work\" and value co \"@example.com\"]")).AssertIds(people.Alice);
        (await Client.FilterAsync("Users", "emails[type eq \"home\" and value co \"@example.com\"]")).AssertIds(people.Bob);
    }

    [Fact]
    public async Task Filter_EnterpriseAttributes_MatchDepartmentAndManager()
    {
        var people = await ArrangeAsync(Client);

        (await Client.FilterAsync("Users", $"{EnterpriseUrn}:department eq \"R&D\"")).AssertIds(people.Alice);
        (await Client.FilterAsync("Users", $"{EnterpriseUrn}:manager.value eq \"{people.Alice}\"")).AssertIds(people.Bob);
    }

    [Fact]
    public async Task Filter_MetaLastModifiedGt_ComparesInstants()
    {
        var people = await ArrangeAsync(Client);
        await using (var connection = await App.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE users SET last_modified = '2020-01-01T00:00:00Z' WHERE id = @id", new { id = Guid.Parse(people.Alice) });
            await connection.ExecuteAsync("UPDATE users SET last_modified = '2024-03-01T12:00:00Z' WHERE id = @id", new { id = Guid.Parse(people.Bob) });
            await connection.ExecuteAsync("UPDATE users SET last_modified = '2024-03-01T12:00:01Z' WHERE id = @id", new { id = Guid.Parse(people.Carol) });
        }

        (await Client.FilterAsync("Users", "meta.lastModified gt \"2024-03-01T12:00:00Z\"")).AssertIds(people.Carol);
        (await Client.FilterAsync("Users", "meta.lastModified ge \"2024-03-01T13:00:00+01:00\"")).AssertIds(people.Bob, people.Carol);
        (await Client.FilterAsync("Users", "meta.lastModified lt \"2021-01-01T00:00:00Z\"")).AssertIds(people.Alice);
    }

    [Fact]
    public async Task Filter_ActiveEqFalse_FindsInactiveUsers()
    {
        var people = await ArrangeAsync(Client);

        (await Client.FilterAsync("Users", "active eq false")).AssertIds(people.Bob);
        (await Client.FilterAsync("Users", "active eq true")).AssertIds(people.Alice, people.Carol);
    }

    [Fact]
    public async Task Filter_Not_NegatesIncludingUsersWithoutTheAttribute()
    {
        var people = await ArrangeAsync(Client);

        (await Client.FilterAsync("Users", "not (userName eq \"alice@example.com\")")).AssertIds(people.Bob, people.Carol);
        // carol has no externalId: "not (externalId eq ...)" holds for her.
        (await Client.FilterAsync("Users", "not (externalId eq \"jyoung\")")).AssertIds(people.Bob, people.Carol);
    }

    [Fact]
    public async Task Filter_AndBindsTighterThanOr()
    {
        var people = await ArrangeAsync(Client);

        // carol or (alice and inactive) = carol; read left to right it would be (carol or alice) and inactive = nobody.
        (await Client.FilterAsync("Users", "userName eq \"carol@example.com\" or userName eq \"alice@example.com\" and active eq false"))
            .AssertIds(people.Carol);
        (await Client.FilterAsync("Users", "(userName eq \"carol@example.com\" or userName eq \"alice@example.com\") and active eq true"))
            .AssertIds(people.Alice, people.Carol);
        (await Client.FilterAsync("Users", "active eq false and userName eq \"nobody\" or title eq \"engineer\""))
            .AssertIds(people.Alice);
    }

    [Fact]
    public async Task Filter_MembershipValues_MatchOnUsersAndGroups()
    {
        var people = await ArrangeAsync(Client);

        (await Client.FilterAsync("Users", $"groups.value eq \"{people.Engineering}\"")).AssertIds(people.Alice, people.Bob);
        (await Client.FilterAsync("Groups", $"members.value eq \"{people.Carol}\"")).AssertIds(people.Sales);
        (await Client.FilterAsync("Groups", $"members.value eq \"{people.Alice}\"")).AssertIds(people.Engineering);
        // A nested group is a member too.
        (await Client.FilterAsync("Groups", $"members.value eq \"{people.Engineering}\"")).AssertIds(people.Sales);
        (await Client.FilterAsync("Groups", $"members[value eq \"{people.Bob}\" and type eq \"User\"]")).AssertIds(people.Engineering);
    }

    [Fact]
    public async Task Filter_TitlePr_SkipsMissingAndEmptyValues()
    {
        var people = await ArrangeAsync(Client);

        (await Client.FilterAsync("Users", "title pr")).AssertIds(people.Alice);
    }

    [Theory]
    [InlineData("title co \"50%\"", "50% off")]
    [InlineData("title sw \"a_\"", "a_b")]
    [InlineData("title ew \"_b\"", "a_b")]
    [InlineData("title sw \"C:\\\\\"", "C:\\dir")]
    [InlineData("title co \"\\\\%\"", "back\\%slash")]
    public async Task Filter_LikeOperators_MatchWildcardCharactersLiterally(string filter, string expectedTitle)
    {
        // Each title except the expected one would match if % _ \ were LIKE wildcards or escapes.
        string[] titles = ["50% off", "5000 off", "a_b", "axb", "C:\\dir", "C:dir", "C:%", "back\\%slash", "back%slash"];
        var ids = new Dictionary<string, string>();
        for (var i = 0; i < titles.Length; i++)
            ids[titles[i]] = (await Client.PostUserAsync(new { schemas = new[] { UserUrn }, userName = $"like{i}", title = titles[i] })).Id();

        (await Client.FilterAsync("Users", filter)).AssertIds(ids[expectedTitle]);
    }

    [Theory]
    [InlineData("userName eq \"x' OR '1'='1\"")]
    [InlineData("userName eq \"x'; DROP TABLE users; --\"")]
    [InlineData("displayName co \"'); DELETE FROM link; --\"")]
    [InlineData("externalId eq \"\\\" or 1=1 --\"")]
    [InlineData("emails[value eq \"a' OR 1=1) --\"]")]
    public async Task Filter_InjectionLookingValue_MatchesNothingAndLeavesTablesIntact(string filter)
    {
        await ArrangeAsync(Client);
        var before = await App.SnapshotAsync();

        var list = await Client.FilterAsync("Users", filter);

        Assert.Equal(0, list.TotalResults());
        Assert.Equal(before, await App.SnapshotAsync());
        Assert.Equal(3, await App.CountAsync("users"));
        Assert.Equal(4, await App.CountAsync("link"));
    }

    [Theory]
    [InlineData("Users", "userName eq \"nobody@example.com\"")]
    [InlineData("Users", "id eq \"not-a-uuid\"")]
    [InlineData("Groups", "displayName eq \"No Such Group\"")]
    public async Task Filter_NoMatch_Returns200WithEmptyResources(string endpoint, string filter)
    {
        await ArrangeAsync(Client);

        var list = await Client.FilterAsync(endpoint, filter);

        Assert.Equal(0, list.TotalResults());
        Assert.Equal(0, list.ItemsPerPage());
        Assert.Equal(System.Text.Json.JsonValueKind.Array, list.GetProperty("Resources").ValueKind);
        Assert.Empty(list.Resources());
    }

    [Fact]
    public async Task Filter_UnknownAttribute_Returns400InvalidFilter()
    {
        using var response = await Client.GetAsync($"{Urls.Users}?filter={Uri.EscapeDataString("shoeSize eq \"42\"")}");

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidFilter");
    }
}
