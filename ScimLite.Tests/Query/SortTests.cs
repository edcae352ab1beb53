using System.Net;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Query;

/// <summary>sortBy / sortOrder (RFC 7644 §3.4.2.3), compiled to ORDER BY.</summary>
public class SortTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task Sort_UserNameAscending_IgnoresCase()
    {
        using var client = App.CreateClient();
        foreach (var name in new[] { "dave", "Bob", "alice", "Carol", "erin" })
            await client.CreateUserAsync(name);

        var list = await client.ListAsync($"{Urls.Users}?sortBy=userName&sortOrder=ascending");

        Assert.Equal(["alice", "Bob", "Carol", "dave", "erin"], list.UserNames());
    }

    [Fact]
    public async Task Sort_UserNameDescending_IgnoresCase()
    {
        using var client = App.CreateClient();
        foreach (var name in new[] { "dave", "Bob", "alice", "Carol", "erin" })
            await client.CreateUserAsync(name);

        var list = await client.ListAsync($"{Urls.Users}?sortBy=username&sortOrder=DESCENDING");

        Assert.Equal(["erin", "dave", "Carol", "Bob", "alice"], list.UserNames());
    }

    [Fact]
    public async Task Sort_UserNameWithoutSortOrder_IsAscending()
    {
        using var client = App.CreateClient();
        foreach (var name in new[] { "b", "c", "a" })
            await client.CreateUserAsync(name);

        Assert.Equal(["a", "b", "c"], (await client.ListAsync($"{Urls.Users}?sortBy=userName")).UserNames());
    }

    [Fact]
    public async Task Sort_EmailsValue_SortsByThePrimaryItemElseTheFirst()
    {
        using var client = App.CreateClient();
        // Sort keys: primary "b@x" (listed last), first "c@x" (no primary), "a@x", and no emails at all.
        await CreateWithEmailsAsync(client, "primary-b", new { value = "z@x.org" }, new { value = "b@x.org", primary = true });
        await CreateWithEmailsAsync(client, "first-c", new { value = "c@x.org" }, new { value = "a0@x.org" });
        await CreateWithEmailsAsync(client, "only-a", new { value = "A@x.org" });
        await client.CreateUserAsync("no-emails");

        var ascending = await client.ListAsync($"{Urls.Users}?sortBy=emails.value");
        var descending = await client.ListAsync($"{Urls.Users}?sortBy=emails.value&sortOrder=descending");

        Assert.Equal(["only-a", "primary-b", "first-c", "no-emails"], ascending.UserNames());
        Assert.Equal(["no-emails", "first-c", "primary-b", "only-a"], descending.UserNames());
    }

    [Fact]
    public async Task Sort_FamilyName_MissingValuesLastAscendingFirstDescending()
    {
        using var client = App.CreateClient();
        await CreateWithFamilyNameAsync(client, "u-jones", "jones");
        await CreateWithFamilyNameAsync(client, "u-adams", "Adams");
        await client.CreateUserAsync("u-none");
        await CreateWithFamilyNameAsync(client, "u-smith", "Smith");

        var ascending = await client.ListAsync($"{Urls.Users}?sortBy=name.familyName&sortOrder=ascending");
        var descending = await client.ListAsync($"{Urls.Users}?sortBy=name.familyName&sortOrder=descending");

        Assert.Equal(["u-adams", "u-jones", "u-smith", "u-none"], ascending.UserNames());
        Assert.Equal(["u-none", "u-smith", "u-jones", "u-adams"], descending.UserNames());
    }

    [Fact]
    public async Task Sort_WithPaging_PagesTheSortedOrder()
    {
        using var client = App.CreateClient();
        foreach (var name in new[] { "e", "b", "d", "a", "c" })
            await client.CreateUserAsync(name);

        var second = await client.ListAsync($"{Urls.Users}?sortBy=userName&startIndex=3&count=2");

        Assert.Equal(["c", "d"], second.UserNames());
        Assert.Equal(5, second.TotalResults());
    }

    [Fact]
    public async Task Sort_GroupsByDisplayName_IgnoresCase()
    {
        using var client = App.CreateClient();
        foreach (var name in new[] { "sales", "Admins", "engineering", "Board" })
            await client.CreateGroupAsync(name);

        var list = await client.ListAsync($"{Urls.Groups}?sortBy=displayName&sortOrder=descending&excludedAttributes=members");

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
        using var client = App.CreateClient();
        await client.CreateUserAsync("someone");

        using var response = await client.GetAsync($"{Urls.Users}?{query}");

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
    }

    static Task CreateWithEmailsAsync(HttpClient client, string userName, params object[] emails) =>
        client.PostUserAsync(new { schemas = new[] { UserUrn }, userName, emails });

    static Task CreateWithFamilyNameAsync(HttpClient client, string userName, string familyName) =>
        client.PostUserAsync(new { schemas = new[] { UserUrn }, userName, name = new { familyName } });
}
