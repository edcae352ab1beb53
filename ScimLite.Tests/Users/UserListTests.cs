using System.Text.Json;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Users;

/// <summary>GET /Users paging: itemsPerPage is what the page holds, totalResults every match, RFC 7644 §3.4.2.4 clamps.</summary>
public class UserListTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task List_Paging_ItemsPerPageIsWhatWasReturnedAndTotalIsAllMatches()
    {
        for (var i = 1; i <= 5; i++)
            await Client.CreateUserAsync($"trooper{i}@empire.example");
        await Client.CreateUserAsync("rebel@alliance.example");
        var filter = Uri.EscapeDataString("userName sw \"trooper\"");

        var all = await Client.GetJsonAsync($"{Urls.Users}?filter={filter}");
        Assert.Equal(5, all.GetProperty("totalResults").GetInt32());
        Assert.Equal(5, all.GetProperty("itemsPerPage").GetInt32());
        Assert.Equal(5, all.GetProperty("Resources").GetArrayLength());

        var seen = new List<string>();
        foreach (var (start, expected) in new[] { (1, 2), (3, 2), (5, 1) })
        {
            var page = await Client.GetJsonAsync($"{Urls.Users}?filter={filter}&sortBy=userName&startIndex={start}&count=2");
            Assert.Equal(ResourceRequests.ListResponseUrn, page.GetProperty("schemas")[0].GetString());
            Assert.Equal(5, page.GetProperty("totalResults").GetInt32());
            Assert.Equal(expected, page.GetProperty("itemsPerPage").GetInt32());
            Assert.Equal(expected, page.GetProperty("Resources").GetArrayLength());
            Assert.Equal(start, page.GetProperty("startIndex").GetInt32());
            seen.AddRange(page.GetProperty("Resources").EnumerateArray().Select(r => r.GetProperty("userName").GetString()!));
        }
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"trooper{i}@empire.example"), seen);

        var past = await Client.GetJsonAsync($"{Urls.Users}?filter={filter}&startIndex=50&count=2");
        Assert.Equal(5, past.GetProperty("totalResults").GetInt32());
        Assert.Equal(0, past.GetProperty("itemsPerPage").GetInt32());
        Assert.Equal(0, past.GetProperty("Resources").GetArrayLength());

        var countOnly = await Client.GetJsonAsync($"{Urls.Users}?count=0");
        Assert.Equal(6, countOnly.GetProperty("totalResults").GetInt32());
        Assert.Equal(0, countOnly.GetProperty("itemsPerPage").GetInt32());
    }

    [Fact]
    public async Task List_NegativeCountAndZeroStartIndex_AreClamped()
    {
        await Client.CreateUserAsync("one@example.com");

        var negative = await Client.GetJsonAsync($"{Urls.Users}?count=-3&startIndex=0");

        Assert.Equal(1, negative.GetProperty("totalResults").GetInt32());
        Assert.Equal(0, negative.GetProperty("itemsPerPage").GetInt32());
        Assert.Equal(1, negative.GetProperty("startIndex").GetInt32());
    }

    [Fact]
    public async Task List_NoUsers_Returns200EmptyListResponse()
    {
        var list = await Client.GetJsonAsync(Urls.Users);

        Assert.Equal(0, list.GetProperty("totalResults").GetInt32());
        Assert.Equal(0, list.GetProperty("itemsPerPage").GetInt32());
        Assert.Equal(1, list.GetProperty("startIndex").GetInt32());
        Assert.Equal(JsonValueKind.Array, list.GetProperty("Resources").ValueKind);
    }
}
