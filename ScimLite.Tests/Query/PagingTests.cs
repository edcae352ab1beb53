using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Query;

/// <summary>startIndex/count paging (RFC 7644 §3.4.2.4) and RFC 9865 cursor paging of GET /Users.</summary>
public class PagingTests(ScimApp app) : ScimTest(app)
{
    /// <summary>The first page in the server's default order, as the reference the lenient requests must equal.</summary>
    static async Task<string[]> FirstPageAsync(HttpClient client, int count) =>
        (await client.ListAsync($"{Urls.Users}?startIndex=1&count={count}")).Ids();

    [Fact]
    public async Task AStartIndexWalk_ContinuesWhereItsLastPageEnded_WhenAUserBeforeItIsDeleted()
    {
        await App.SeedUsersAsync(10);
        var all = await FirstPageAsync(Client, 10);
        Assert.Equal(all[..4], (await Client.ListAsync($"{Urls.Users}?startIndex=1&count=4")).Ids());

        // The first user is deprovisioned between two pages of an import: OFFSET 4 would now skip all[4].
        (await Client.DeleteAsync(Urls.User(all[0]))).Dispose();
        var second = await Client.ListAsync($"{Urls.Users}?startIndex=5&count=4");

        Assert.Equal(all[4..8], second.Ids());
        Assert.Equal((5, 9L), (second.GetProperty("startIndex").GetInt32(), second.TotalResults()));
        // A startIndex no page ended before is the OFFSET page of the users there are now.
        Assert.Equal(all[3..5], (await Client.ListAsync($"{Urls.Users}?startIndex=3&count=2")).Ids());
    }

    [Fact]
    public async Task AStartIndexWalk_WhoseLastRowIsDeleted_GetsTheOffsetPage()
    {
        await App.SeedUsersAsync(10);
        var all = await FirstPageAsync(Client, 10);
        Assert.Equal(all[..4], (await Client.ListAsync($"{Urls.Users}?startIndex=1&count=4")).Ids());

        (await Client.DeleteAsync(Urls.User(all[3]))).Dispose();

        // Nothing to continue from: the fifth to eighth of the nine users left.
        Assert.Equal(all[5..9], (await Client.ListAsync($"{Urls.Users}?startIndex=5&count=4")).Ids());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public async Task List_StartIndexBelowOne_IsTreatedAsOne(string startIndex)
    {
        await App.SeedUsersAsync(25);

        var list = await Client.ListAsync($"{Urls.Users}?startIndex={startIndex}&count=10");

        Assert.Equal(1, list.GetProperty("startIndex").GetInt32());
        Assert.Equal(await FirstPageAsync(Client, 10), list.Ids());
        Assert.Equal(25, list.TotalResults());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public async Task List_CountZeroOrNegative_ReturnsOnlyTotalResults(string count)
    {
        await App.SeedUsersAsync(25);

        var list = await Client.ListAsync($"{Urls.Users}?count={count}");

        Assert.Equal(25, list.TotalResults());
        Assert.Equal(0, list.ItemsPerPage());
        Assert.Empty(list.Resources());
    }

    [Fact]
    public async Task List_CountAboveMaximum_IsClampedToMaxResults()
    {
        await App.SeedUsersAsync(1200);

        var list = await Client.ListAsync($"{Urls.Users}?count=5000");

        Assert.Equal(1200, list.TotalResults());
        Assert.Equal(1000, list.ItemsPerPage());
        Assert.Equal(1000, list.Resources().Length);
    }

    [Fact]
    public async Task List_WithoutCount_ReturnsTheDefaultPageSize()
    {
        await App.SeedUsersAsync(150);

        var list = await Client.ListAsync(Urls.Users);

        Assert.Equal(150, list.TotalResults());
        Assert.Equal(100, list.ItemsPerPage());
        Assert.Equal(1, list.GetProperty("startIndex").GetInt32());
    }

    [Fact]
    public async Task List_LastPartialPage_ItemsPerPageIsWhatWasReturned()
    {
        await App.SeedUsersAsync(25);

        var list = await Client.ListAsync($"{Urls.Users}?startIndex=21&count=10");

        Assert.Equal(25, list.TotalResults());
        Assert.Equal(5, list.ItemsPerPage());
        Assert.Equal(5, list.Resources().Length);
        Assert.Equal(21, list.GetProperty("startIndex").GetInt32());
        Assert.Equal((await FirstPageAsync(Client, 25))[20..], list.Ids());
    }

    [Fact]
    public async Task List_TotalResultsCountsAllMatchesNotThePage()
    {
        await App.SeedUsersAsync(30, "alpha");
        await App.SeedUsersAsync(12, "beta");

        var list = await Client.FilterAsync("Users", "userName sw \"alpha\"", "count=7");

        Assert.Equal(30, list.TotalResults());
        Assert.Equal(7, list.ItemsPerPage());
        Assert.All(list.UserNames(), name => Assert.StartsWith("alpha", name));
    }

    [Fact]
    public async Task List_StartIndexPastTheEnd_Returns200Empty()
    {
        await App.SeedUsersAsync(25);

        var list = await Client.ListAsync($"{Urls.Users}?startIndex=100&count=10");

        Assert.Equal(25, list.TotalResults());
        Assert.Equal(0, list.ItemsPerPage());
        Assert.Empty(list.Resources());
    }

    /// <summary>Non-numeric paging, a cursor that is not one ScimLite issued, and a cursor with sortBy are refused.</summary>
    [Theory]
    [InlineData("startIndex=abc", "invalidValue")]
    [InlineData("count=ten", "invalidValue")]
    [InlineData("count=1.5", "invalidValue")]
    [InlineData("startIndex=1e3", "invalidValue")]
    [InlineData("cursor=garbage", "invalidCursor")]
    [InlineData("cursor=k%21%21%21%21", "invalidCursor")]
    [InlineData("cursor=kAAAA", "invalidCursor")]
    [InlineData("cursor=xAAAAAAAAAAAAAAAAAAAAAA", "invalidCursor")]
    [InlineData("cursor=&sortBy=userName", "invalidValue")]
    public async Task List_BadPagingParameters_Returns400(string query, string scimType)
    {
        using var response = await Client.GetAsync($"{Urls.Users}?{query}");

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, scimType);
    }

    [Fact]
    public async Task List_PagingByStartIndex_VisitsEveryUserExactlyOnce()
    {
        await App.SeedUsersAsync(10_000);
        var seen = new List<string>();

        // Okta's loop: startIndex += 100 until a page comes back short.
        for (var startIndex = 1; ; startIndex += 100)
        {
            var page = await Client.ListAsync($"{Urls.Users}?startIndex={startIndex}&count=100");
            Assert.Equal(10_000, page.TotalResults());
            seen.AddRange(page.Ids());
            if (page.ItemsPerPage() < 100)
                break;
        }

        await AssertEveryUserOnceAsync(seen);
    }

    [Fact]
    public async Task List_PagingByCursor_VisitsEveryUserExactlyOnce()
    {
        await App.SeedUsersAsync(10_000);
        var seen = new List<string>();

        var first = await Client.ListAsync($"{Urls.Users}?cursor=&count=100");
        Assert.False(first.TryGetProperty("previousCursor", out _), "page one has no previousCursor");
        var page = first;
        var pages = 1;
        while (true)
        {
            Assert.Equal(10_000, page.TotalResults());
            seen.AddRange(page.Ids());
            if (!page.TryGetProperty("nextCursor", out var next))
                break;
            Assert.Equal(100, page.ItemsPerPage());
            page = await Client.ListAsync($"{Urls.Users}?cursor={Uri.EscapeDataString(next.GetString()!)}&count=100");
            Assert.True(++pages <= 100, "more pages than 10,000 users at 100 a page");
        }

        // The last page is full (10,000 = 100 × 100) and still carries no nextCursor.
        Assert.Equal(100, pages);
        Assert.Equal(100, page.ItemsPerPage());
        await AssertEveryUserOnceAsync(seen);
    }

    [Fact]
    public async Task List_CursorWithFilter_PagesOnlyTheMatches()
    {
        await App.SeedUsersAsync(25, "alpha");
        await App.SeedUsersAsync(25, "beta");
        var seen = new List<string>();

        var url = $"{Urls.Users}?filter={Uri.EscapeDataString("userName sw \"beta\"")}&count=10&cursor=";
        while (true)
        {
            var page = await Client.ListAsync(url);
            Assert.Equal(25, page.TotalResults());
            seen.AddRange(page.UserNames());
            if (!page.TryGetProperty("nextCursor", out var next))
                break;
            url = $"{Urls.Users}?filter={Uri.EscapeDataString("userName sw \"beta\"")}&count=10&cursor={Uri.EscapeDataString(next.GetString()!)}";
        }

        Assert.Equal(Enumerable.Range(1, 25).Select(i => $"beta{i:000000}").ToArray(), seen.Order(StringComparer.Ordinal).ToArray());
    }

    async Task AssertEveryUserOnceAsync(List<string> seen)
    {
        Assert.Equal(seen.Count, seen.Distinct().Count());
        await using var connection = await App.OpenConnectionAsync();
        var all = await connection.QueryAsync<Guid>("SELECT id FROM users");
        Assert.Equal(all.Select(id => id.ToString()).Order().ToArray(), seen.Order().ToArray());
    }
}
