using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Query;

/// <summary>
/// Large responses are streamed (issue #11, defect 10): a group's members go from a data reader to the client in
/// bounded buffers, so what the server allocates for one request does not follow the size of its answer. Allocation is
/// measured in bytes over one request in-process (<see cref="GC.GetTotalAllocatedBytes"/>), never in time.
/// </summary>
public sealed class StreamingTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    const int Members = 50_000;

    // 50,000 members are not left behind for the next class's reset to wade through.
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await App.ResetAsync();
    }

    async Task<string> CreateBigGroupAsync(HttpClient client)
    {
        var group = (await client.CreateGroupAsync("Everyone")).Id();
        await using var connection = await App.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            WITH made AS (
                INSERT INTO users (id, user_name, display_name, created, last_modified)
                SELECT gen_random_uuid(), 'user' || g || '@example.com', 'User Number ' || g, now(), now() FROM generate_series(1, @size) AS g
                RETURNING id)
            INSERT INTO link (group_id, user_id) SELECT @group, id FROM made
            """, new { size = Members, group = Guid.Parse(group) }, commandTimeout: 120);
        return group;
    }

    /// <summary>Reads the body into one small buffer, so the client side adds no allocation that grows with it.</summary>
    static async Task<long> DrainAsync(HttpResponseMessage response)
    {
        var buffer = new byte[64 * 1024];
        await using var body = await response.Content.ReadAsStreamAsync();
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
            total += read;
        return total;
    }

    [Fact]
    public async Task GetGroup_50000Members_AllocatesFarLessThanItsResponse()
    {
        var group = await CreateBigGroupAsync(Client);
        // Warm: the first request compiles code and fills caches, which is no part of a request's own cost.
        using (var warm = await Client.GetAsync(Urls.Group(group), HttpCompletionOption.ResponseHeadersRead))
            await DrainAsync(warm);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        long size;
        using (var response = await Client.GetAsync(Urls.Group(group), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            size = await DrainAsync(response);
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        output.WriteLine($"response {size:N0} bytes, allocated {allocated:N0} bytes in the process over the request");

        Assert.True(size > 5_000_000, $"the response is {size:N0} bytes");
        // Built whole, the response was allocated four times over (36 MB for 9 MB: the aggregated text, the read buffer,
        // the growing response buffer); streamed, the members pass through buffers of a fixed size (~0.3 MB measured
        // alone). The counter is the whole process's, and background work of the shared test host adds up to a few MB,
        // so the bound is the response's own size: far from both.
        Assert.True(allocated < size, $"allocated {allocated:N0} bytes for a response of {size:N0}");
    }

    [Fact]
    public async Task GetGroup_50000Members_ReturnsEveryMemberOnceWithItsETag()
    {
        var group = await CreateBigGroupAsync(Client);
        using var response = await Client.GetAsync(Urls.Group(group));
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        var members = body.GetProperty("members");
        Assert.Equal(Members, members.GetArrayLength());
        Assert.Equal(Members, body.MemberIds().Distinct().Count());
        var first = members[0];
        Assert.Equal("User", first.GetProperty("type").GetString());
        Assert.StartsWith("User Number ", first.GetProperty("display").GetString());
        Assert.EndsWith($"/Users/{first.GetProperty("value").GetString()}", first.GetProperty("$ref").GetString());
        Assert.Equal(body.Version(), response.Headers.ETag!.ToString());
        Assert.Equal("Everyone", body.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task ListGroups_WithMembers_EachGroupHasExactlyItsOwnMembers()
    {
        var users = new List<string>();
        for (var i = 0; i < 5; i++)
            users.Add((await Client.CreateUserAsync($"member{i}@example.com")).Id());
        var a = (await Client.CreateGroupAsync("A", users[0], users[1])).Id();
        var empty = (await Client.CreateGroupAsync("B")).Id();
        var c = (await Client.CreateGroupAsync("C", users[2], users[3], users[4], users[0])).Id();

        var list = await Client.GetJsonAsync($"{Urls.Groups}?sortBy=displayName&count=10");

        var groups = list.GetProperty("Resources").EnumerateArray().ToDictionary(g => g.Id());
        Assert.Equal(3, list.GetProperty("totalResults").GetInt32());
        Assert.Equal(new[] { a, empty, c }, list.GetProperty("Resources").EnumerateArray().Select(g => g.Id()));
        Assert.Equal(new[] { users[0], users[1] }.Order(), groups[a].MemberIds());
        Assert.Empty(groups[empty].MemberIds());
        Assert.False(groups[empty].TryGetProperty("members", out _)); // unassigned, not [] (RFC 7643 §2.5)
        Assert.Equal(new[] { users[2], users[3], users[4], users[0] }.Order(), groups[c].MemberIds());
    }

    [Fact]
    public async Task GetGroup_IfNoneMatchItsETag_Returns304WithoutBody()
    {
        var user = (await Client.CreateUserAsync("one@example.com")).Id();
        var group = await Client.CreateGroupAsync("G", user);
        using var request = new HttpRequestMessage(HttpMethod.Get, Urls.Group(group.Id()));
        request.Headers.TryAddWithoutValidation("If-None-Match", group.Version());
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ListUsers_Unfiltered_TotalIsExactAcrossCreatesDeletesAndFailedWrites()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add((await Client.CreateUserAsync($"count{i}@example.com")).Id());
        (await Client.DeleteAsync(Urls.User(ids[0]))).Dispose();
        // A refused create (409, rolled back) counts nothing.
        using (var duplicate = await Client.PostScimAsync(Urls.Users, new { schemas = new[] { UserUrn }, userName = "COUNT1@example.com" }))
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

        foreach (var query in new[] { "count=2", "startIndex=3&count=1", "startIndex=10&count=5", "count=0" })
        {
            var page = await Client.GetJsonAsync($"{Urls.Users}?{query}");
            Assert.Equal(4, page.GetProperty("totalResults").GetInt64());
        }
        await using var connection = await App.OpenConnectionAsync();
        Assert.Equal(4, await connection.ExecuteScalarAsync<long>("SELECT sum(n) FROM resource_counts WHERE table_name = 'users'"));
    }
}
