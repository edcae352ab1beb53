using System.Net;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Query;

/// <summary>sortBy / sortOrder (RFC 7644 §3.4.2.3), compiled to ORDER BY.</summary>
public class SortTests(ScimApp app) : ScimTest(app)
{
    /// <summary>userName sorts ignoring case, in either order (sortBy and sortOrder themselves case-insensitive), ascending by default.</summary>
    [Theory]
    [InlineData("dave Bob alice Carol erin", "sortBy=userName&sortOrder=ascending", "alice Bob Carol dave erin")]
    [InlineData("dave Bob alice Carol erin", "sortBy=username&sortOrder=DESCENDING", "erin dave Carol Bob alice")]
    [InlineData("b c a", "sortBy=userName", "a b c")]
    public async Task Sort_UserName_IgnoresCase_AscendingByDefault(string userNames, string query, string expected)
    {
        foreach (var name in userNames.Split(' '))
            await Client.CreateUserAsync(name);

        var list = await Client.ListAsync($"{Urls.Users}?{query}");

        Assert.Equal(expected.Split(' '), list.UserNames());
    }

    [Fact]
    public async Task Sort_EmailsValue_SortsByThePrimaryItemElseTheFirst()
    {
        // Sort keys: primary "b@x" (listed last), first "c@x" (no primary), "a@x", and no emails at all.
        await CreateWithEmailsAsync(Client, "primary-b", new { value = "z@x.org" }, new { value = "b@x.org", primary = true });
        await CreateWithEmailsAsync(Client, "first-c", new { value = "c@x.org" }, new { value = "a0@x.org" });
        await CreateWithEmailsAsync(Client, "only-a", new { value = "A@x.org" });
        await Client.CreateUserAsync("no-emails");

        var ascending = await Client.ListAsync($"{Urls.Users}?sortBy=emails.value");
        var descending = await Client.ListAsync($"{Urls.Users}?sortBy=emails.value&sortOrder=descending");

        Assert.Equal(["only-a", "primary-b", "first-c", "no-emails"], ascending.UserNames());
        Assert.Equal(["no-emails", "first-c", "primary-b", "only-a"], descending.UserNames());
    }

    [Fact]
    public async Task Sort_FamilyName_MissingValuesLastAscendingFirstDescending()
    {
        await CreateWithFamilyNameAsync(Client, "u-jones", "jones");
        await CreateWithFamilyNameAsync(Client, "u-adams", "Adams");
        await Client.CreateUserAsync("u-none");
        await CreateWithFamilyNameAsync(Client, "u-smith", "Smith");

        var ascending = await Client.ListAsync($"{Urls.Users}?sortBy=name.familyName&sortOrder=ascending");
        var descending = await Client.ListAsync($"{Urls.Users}?sortBy=name.familyName&sortOrder=descending");

        Assert.Equal(["u-adams", "u-jones", "u-smith", "u-none"], ascending.UserNames());
        Assert.Equal(["u-none", "u-smith", "u-jones", "u-adams"], descending.UserNames());
    }

    [Fact]
    public async Task Sort_WithPaging_PagesTheSortedOrder()
    {
        foreach (var name in new[] { "e", "b", "d", "a", "c" })
            await Client.CreateUserAsync(name);

        var second = await Client.ListAsync($"{Urls.Users}?sortBy=userName&startIndex=3&count=2");

        Assert.Equal(["c", "d"], second.UserNames());
        Assert.Equal(5, second.TotalResults());
    }

    [Fact]
    public async Task Sort_GroupsByDisplayName_IgnoresCase()
    {
        foreach (var name in new[] { "sales", "Admins", "engineering", "Board" })
            await Client.CreateGroupAsync(name);

        var list = await Client.ListAsync($"{Urls.Groups}?sortBy=displayName&sortOrder=descending&excludedAttributes=members");

        Assert.Equal(["sales", "engineering", "Board", "Admins"], list.Resources().Select(g => g.GetProperty("displayName").GetString()!).ToArray());
    }

    [Theory]
    [InlineData("sortBy=shoeSize")]
    [InlineData("sortBy=name.nickName")]
    [InlineData("sortBy=urn:example:unknown:userName")]
    [InlineData("sortBy=userName&sortOrder=sideways")]
    [InlineData("sortOrder=up")]
    public async Task Sort_UnknownAttributeOrOrder_Returns400InvalidValue(string query)
    {
        await Client.CreateUserAsync("someone");

        using var response = await Client.GetAsync($"{Urls.Users}?{query}");

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
    }

    static Task CreateWithEmailsAsync(HttpClient client, string userName, params object[] emails) =>
        client.PostUserAsync(new { schemas = new[] { UserUrn }, userName, emails });

    static Task CreateWithFamilyNameAsync(HttpClient client, string userName, string familyName) =>
        client.PostUserAsync(new { schemas = new[] { UserUrn }, userName, name = new { familyName } });
}
