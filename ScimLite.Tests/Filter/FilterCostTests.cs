using System.Net;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Schema;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Filter;

/// <summary>The terms of a filter that no index serves are counted, and capped per filter.</summary>
public sealed class FilterCostTests(ScimApp app) : ScimTest(app)
{
    [Theory]
    [InlineData("userName eq \"a\"", 0, 0)]
    [InlineData("userName co \"a\" or title sw \"b\" and nickName ew \"c\"", 3, 0)]
    [InlineData("emails.value eq \"a\"", 0, 1)]
    [InlineData("emails.value co \"a\"", 1, 1)]
    [InlineData("emails pr", 0, 1)]
    [InlineData("emails[type eq \"work\" and value co \"@x\"]", 1, 1)]
    [InlineData("not (addresses.locality sw \"B\") and roles.value eq \"r\"", 1, 2)]
    [InlineData("name.givenName co \"a\"", 1, 0)]
    [InlineData("groups.value eq \"2819c223-7f76-453a-919d-413861904646\"", 0, 1)]
    public void Count_UserFilters(string filter, int substring, int multiValued) =>
        Assert.Equal(new FilterCost.Terms(substring, multiValued), FilterCost.Count(FilterParser.Parse(filter), ResourceTypeDef.User));

    [Fact]
    public void Count_GroupMembers_IsMultiValued() =>
        Assert.Equal(new FilterCost.Terms(0, 2),
            FilterCost.Count(FilterParser.Parse("members.value eq \"a\" or members[value eq \"b\"]"), ResourceTypeDef.Group));

    static string Terms(string term, int count) => string.Join(" or ", Enumerable.Range(0, count).Select(i => string.Format(term, i)));

    async Task<HttpResponseMessage> ListAsync(string url, string filter) =>
        await Client.GetAsync($"{url}?filter={Uri.EscapeDataString(filter)}");

    [Fact]
    public async Task SubstringTerms_AtTheCap_Answer200_AndOneMore_Is400NamingTheLimit()
    {
        var cap = new ScimOptions().MaxFilterSubstringTerms;
        await Client.CreateUserAsync("bjensen@example.com");

        using (var atCap = await ListAsync(Urls.Users, Terms("userName co \"x{0}\"", cap)))
            await atCap.AssertStatusAsync(HttpStatusCode.OK);
        using var over = await ListAsync(Urls.Users, Terms("userName co \"x{0}\"", cap + 1));

        var error = await over.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidFilter");
        Assert.Contains("Scim:MaxFilterSubstringTerms", error.GetProperty("detail").GetString()!);
    }

    [Fact]
    public async Task MultiValuedTerms_AtTheCap_Answer200_AndOneMore_Is400NamingTheLimit()
    {
        var cap = new ScimOptions().MaxFilterMultiValuedTerms;
        var user = (await Client.CreateUserAsync("bjensen@example.com")).Id();
        await Client.CreateGroupAsync("Droids", user);

        using (var atCap = await ListAsync(Urls.Groups, Terms($"members[value eq \"{user}\" and display ne \"{{0}}\"]", cap)))
            await atCap.AssertStatusAsync(HttpStatusCode.OK);
        using var over = await ListAsync(Urls.Groups, Terms("members.value eq \"" + user + "\" and displayName ne \"{0}\"", cap + 1));

        var error = await over.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidFilter");
        Assert.Contains("Scim:MaxFilterMultiValuedTerms", error.GetProperty("detail").GetString()!);
    }

    [Fact]
    public async Task Caps_AreConfigurable_AndApplyToSearch()
    {
        await using var host = App.NewHost(new Dictionary<string, string?> { ["Scim:MaxFilterSubstringTerms"] = "1" });
        using var limited = host.CreateClient(App.Token);

        using var response = await limited.PostScimAsync($"{Urls.Users}/.search",
            new { schemas = new[] { SearchRequestUrn }, filter = "userName sw \"a\" or userName ew \"b\"" });

        var error = await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidFilter");
        Assert.Contains("at most 1 ", error.GetProperty("detail").GetString()!);
    }
}
