using System.Net;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ScimLite.Extensions;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Extensions.ExtensionHost;

namespace ScimLite.Tests.Extensions;

/// <summary>
/// Queries on custom attributes: a multi-valued one counts toward Scim:MaxFilterMultiValuedTerms like emails; a stored
/// value that no longer matches its declaration is absent to filters and sorts (never a 400 for every query), and
/// <c>ScimLite extensions check</c> lists it.
/// </summary>
public class CustomAttributeQueryTests(ScimApp fixture) : ExtensionHostTests(fixture)
{
    static string Terms(string term, int count) => string.Join(" or ", Enumerable.Range(0, count).Select(i => string.Format(term, i)));

    Task<HttpResponseMessage> ListAsync(string query) => Client.GetAsync($"{Urls.Users}?{query}");

    [Theory]
    [InlineData("{0}:badges eq \"a\"", 0, 1)]
    [InlineData("{0}:badges co \"a\"", 1, 1)]
    [InlineData("{0}:badges pr", 0, 1)]
    [InlineData("{0}:badges[value eq \"a\" or value sw \"b\"]", 1, 1)]
    [InlineData("badges eq \"a\" and {0}:costCode eq \"c\" and {0}:level gt 1", 0, 1)]
    public void Count_MultiValuedCustomAttributes(string filter, int substring, int multiValued)
    {
        var type = Extended.Host.Services.GetRequiredService<ResourceTypes>().User;
        Assert.Equal(new FilterCost.Terms(substring, multiValued), FilterCost.Count(FilterParser.Parse(string.Format(filter, Acme)), type));
    }

    [Theory]
    [InlineData("{0}:badges eq \"b{{0}}\"")]
    [InlineData("{0}:badges[value eq \"b{{0}}\"]")]
    [InlineData("emails.value eq \"b{{0}}\" or {0}:badges eq \"b{{0}}\"")]
    public async Task MultiValuedCustomTerms_OverTheCap_Are400NamingTheLimit(string term)
    {
        var cap = new ScimOptions().MaxFilterMultiValuedTerms;
        var single = string.Format(term, Acme);
        var perTerm = single.Contains(" or ", StringComparison.Ordinal) ? 2 : 1;

        using (var atCap = await ListAsync($"filter={Uri.EscapeDataString(Terms(single, cap / perTerm))}"))
            await atCap.AssertStatusAsync(HttpStatusCode.OK);
        using var over = await ListAsync($"filter={Uri.EscapeDataString(Terms(single, cap / perTerm + 1))}");

        var error = await over.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidFilter");
        Assert.Contains("Scim:MaxFilterMultiValuedTerms", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Three users as stored: a, with values of the declared types; b, with values stored under other declarations; c.</summary>
    async Task SeedAsync()
    {
        await using var connection = await App.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO users (id, user_name, extensions, created, last_modified)
            SELECT gen_random_uuid(), u.name, jsonb_build_object(@urn, u.doc::jsonb), now(), now()
              FROM (VALUES ('a@example.com', '{"level": 5, "remote": true, "startDate": "2024-02-01T09:00:00Z", "badges": ["x"]}'),
                           ('b@example.com', '{"level": "abc", "remote": "yes", "startDate": "not a date", "badges": "x", "costCode": 42}'),
                           ('c@example.com', '{"level": 2, "remote": false, "startDate": "2023-02-01T09:00:00Z"}')) AS u(name, doc)
            """, new { urn = Acme });
    }

    async Task<string[]> UserNamesAsync(string query)
    {
        using var response = await ListAsync(query);
        var list = await (await response.AssertStatusAsync(HttpStatusCode.OK)).ReadJsonAsync();
        return [.. list.GetProperty("Resources").EnumerateArray().Select(r => r.GetProperty("userName").GetString()!)];
    }

    [Theory]
    [InlineData("{0}:level gt 1", "a@example.com c@example.com")]
    [InlineData("{0}:level pr", "a@example.com c@example.com")]
    [InlineData("not ({0}:level gt 3)", "b@example.com c@example.com")]
    [InlineData("{0}:remote eq true", "a@example.com")]
    [InlineData("{0}:remote pr", "a@example.com c@example.com")]
    [InlineData("{0}:startDate gt \"2020-01-01T00:00:00Z\"", "a@example.com c@example.com")]
    [InlineData("{0}:badges eq \"x\"", "a@example.com")]
    public async Task Filter_StoredValuesOfAnotherType_AreAbsent(string filter, string expected)
    {
        await SeedAsync();

        var names = await UserNamesAsync($"filter={Uri.EscapeDataString(string.Format(filter, Acme))}&sortBy=userName");

        Assert.Equal(expected.Split(' '), names);
    }

    [Theory]
    [InlineData("level", "ascending", "c@example.com a@example.com b@example.com")]
    [InlineData("level", "descending", "b@example.com a@example.com c@example.com")]
    [InlineData("startDate", "ascending", "c@example.com a@example.com b@example.com")]
    [InlineData("remote", "descending", "b@example.com a@example.com c@example.com")]
    public async Task SortBy_StoredValuesOfAnotherType_SortAsAbsent(string attribute, string order, string expected)
    {
        await SeedAsync();

        var names = await UserNamesAsync($"sortBy={Uri.EscapeDataString($"{Acme}:{attribute}")}&sortOrder={order}");

        Assert.Equal(expected.Split(' '), names);
    }

    async Task<(int Exit, string Output)> CheckAsync()
    {
        var declarations = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build()
            .GetSection(ExtensionOptions.Section).Get<ExtensionOptions>()!;
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await ExtensionsCommand.Create(output, errors, declarations)
            .Parse(["check", "--connection", App.ConnectionString]).InvokeAsync();
        return (exit, output + errors.ToString());
    }

    [Fact]
    public async Task Check_ListsEveryStoredValueThatDoesNotMatchItsDeclaration_Exit1_ThenExit0OnceFixed()
    {
        await SeedAsync();
        await using var connection = await App.OpenConnectionAsync();
        var b = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM users WHERE user_name = 'b@example.com'");
        var a = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM users WHERE user_name = 'a@example.com'");

        var (exit, text) = await CheckAsync();

        Assert.True(exit == 1, text);
        foreach (var attribute in new[] { "level", "remote", "startDate", "badges", "costCode" })
            Assert.Contains($"{Acme}:{attribute} (declared", text, StringComparison.Ordinal);
        Assert.Contains($"/Users/{b}", text, StringComparison.Ordinal);
        Assert.Contains("\"abc\"", text, StringComparison.Ordinal);
        Assert.Contains("5 stored values do not match", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"/Users/{a}", text, StringComparison.Ordinal);

        await connection.ExecuteAsync("UPDATE users SET extensions = NULL WHERE id = @b", new { b });
        var (fixedExit, fixedText) = await CheckAsync();
        Assert.True(fixedExit == 0, fixedText);
        Assert.Contains("Every stored custom attribute value matches its declaration.", fixedText, StringComparison.Ordinal);
    }
}
