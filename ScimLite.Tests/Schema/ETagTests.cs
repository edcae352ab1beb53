using System.Net;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Schema;

/// <summary>ETag = meta.version (W/"n"); If-None-Match → 304; a stale If-Match → 412 with nothing changed.</summary>
public class ETagTests(ScimApp app) : ScimTest(app)
{
    const string Stale = "W/\"999\"";

    /// <summary>
    /// A user and a group, each already changed once so the current version is not the first; returns the URL of the
    /// one of this type ("Users" or "Groups").
    /// </summary>
    async Task<string> ArrangeAsync(string type)
    {
        var user = await Client.CreateUserAsync("etag@example.com");
        var group = await Client.CreateGroupAsync("ETags", user.Id());
        (await Client.PatchScimAsync(Urls.User(user.Id()), HttpExtensions.PatchOp(new { op = "replace", path = "title", value = "v2" }))).Dispose();
        (await Client.PatchScimAsync(Urls.Group(group.Id()), HttpExtensions.PatchOp(new { op = "replace", path = "externalId", value = "v2" }))).Dispose();
        return type == "Users" ? Urls.User(user.Id()) : Urls.Group(group.Id());
    }

    async Task<string> CurrentAsync(string url) => (await Client.GetJsonAsync(url)).Version();

    static HttpRequestMessage With(HttpMethod method, string url, string header, string etag, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : HttpExtensions.ScimContent(body) };
        request.Headers.TryAddWithoutValidation(header, etag);
        return request;
    }

    static object UserPut => new { userName = "etag@example.com", title = "v3" };
    static object GroupPut => new { displayName = "ETags Renamed" };
    static object Patch => HttpExtensions.PatchOp(new { op = "replace", path = "externalId", value = "v3" });

    [Theory]
    [InlineData("Users")]
    [InlineData("Groups")]
    public async Task EveryResponse_ETagHeaderEqualsMetaVersion(string type)
    {
        var url = await ArrangeAsync(type);

        using var get = await Client.GetAsync(url);
        var resource = await get.ReadJsonAsync();
        Assert.Matches("^W/\"[0-9]+\"$", resource.Version());
        Assert.Equal(resource.Version(), get.Headers.ETag?.ToString());
        Assert.True(get.Headers.ETag!.IsWeak);

        using var put = await Client.PutScimAsync(url, type == "Users" ? UserPut : GroupPut);
        Assert.Equal((await put.ReadJsonAsync()).Version(), put.Headers.ETag?.ToString());

        using var patch = await Client.PatchScimAsync(url, Patch);
        Assert.True(patch.IsSuccessStatusCode);
        Assert.Equal(await CurrentAsync(url), patch.Headers.ETag?.ToString());
    }

    [Theory]
    [InlineData("Users")]
    [InlineData("Groups")]
    public async Task Get_IfNoneMatchCurrent_Returns304WithEmptyBody(string type)
    {
        var url = await ArrangeAsync(type);
        var current = await CurrentAsync(url);

        using var response = await Client.SendAsync(With(HttpMethod.Get, url, "If-None-Match", current));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        // RFC 9110 §15.4.5: a 304 carries the ETag a 200 would have carried.
        Assert.Equal(current, response.Headers.ETag?.ToString());
    }

    [Theory]
    [InlineData("Users")]
    [InlineData("Groups")]
    public async Task Get_IfNoneMatchStale_Returns200(string type)
    {
        var url = await ArrangeAsync(type);

        using var response = await Client.SendAsync(With(HttpMethod.Get, url, "If-None-Match", "W/\"1\""));

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(await CurrentAsync(url), (await response.ReadJsonAsync()).Version());
    }

    public static TheoryData<string, string> Writes => new()
    {
        { "Users", "PUT" }, { "Users", "PATCH" }, { "Users", "DELETE" },
        { "Groups", "PUT" }, { "Groups", "PATCH" }, { "Groups", "DELETE" },
    };

    static HttpRequestMessage Write(string type, string method, string url, string etag) => method switch
    {
        "PUT" => With(HttpMethod.Put, url, "If-Match", etag, type == "Users" ? UserPut : GroupPut),
        "PATCH" => With(HttpMethod.Patch, url, "If-Match", etag, Patch),
        _ => With(HttpMethod.Delete, url, "If-Match", etag),
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Write_IfMatchStale_Returns412AndChangesNothing(string type, string method)
    {
        var url = await ArrangeAsync(type);
        var previous = $"W/\"{int.Parse(ScimVersionNumber(await CurrentAsync(url))) - 1}\"";
        var before = await App.SnapshotAsync();

        foreach (var etag in new[] { Stale, previous })
        {
            using var response = await Client.SendAsync(Write(type, method, url, etag));
            await response.AssertScimErrorAsync(HttpStatusCode.PreconditionFailed);
        }
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Write_IfMatchCurrent_Succeeds(string type, string method)
    {
        var url = await ArrangeAsync(type);
        var current = await CurrentAsync(url);

        using var response = await Client.SendAsync(Write(type, method, url, current));

        Assert.True(response.IsSuccessStatusCode, $"{method} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (method == "DELETE")
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            using var gone = await Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        else
        {
            var after = await CurrentAsync(url);
            Assert.NotEqual(current, after);
            Assert.Equal(after, response.Headers.ETag?.ToString());
        }
    }

    [Theory]
    [InlineData("Users")]
    [InlineData("Groups")]
    public async Task Put_IfMatchStar_Succeeds(string type)
    {
        var url = await ArrangeAsync(type);

        using var response = await Client.SendAsync(Write(type, "PUT", url, "*"));

        await response.AssertStatusAsync(HttpStatusCode.OK);
    }

    static string ScimVersionNumber(string etag) => etag["W/\"".Length..^1];
}

/// <summary>A version at bigint's maximum (only a hand-edited row gets there) wraps to 1 on the next write instead of a 500.</summary>
public class VersionWrapTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task EveryWrite_AtTheMaximumVersion_WrapsTo1()
    {
        var user = (await Client.CreateUserAsync("max@example.com")).Id();
        var reports = (await Client.CreateUserAsync("reports@example.com")).Id();
        var group = (await Client.CreateGroupAsync("Max", user)).Id();
        await using (var db = await App.OpenConnectionAsync())
        {
            await using var max = new Npgsql.NpgsqlCommand($"UPDATE users SET version = {long.MaxValue}; UPDATE groups SET version = {long.MaxValue}", db);
            await max.ExecuteNonQueryAsync();
        }

        using (var patch = await Client.PatchScimAsync(Urls.User(user), HttpExtensions.PatchOp(new { op = "replace", path = "title", value = "Wrapped" })))
            Assert.Equal("W/\"1\"", (await (await patch.AssertStatusAsync(HttpStatusCode.OK)).ReadJsonAsync()).Version());
        using (var put = await Client.PutScimAsync(Urls.Group(group), new { displayName = "Max Renamed", members = new[] { new { value = user } } }))
            Assert.Equal("W/\"1\"", (await (await put.AssertStatusAsync(HttpStatusCode.OK)).ReadJsonAsync()).Version());
        using (var reporting = await Client.PatchScimAsync(Urls.User(reports), HttpExtensions.PatchOp(
            new { op = "replace", path = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", value = user })))
            await reporting.AssertStatusAsync(HttpStatusCode.OK);
        // Deleting the user bumps its group and the user it managed: both at the maximum a moment ago.
        await using (var db = await App.OpenConnectionAsync())
        {
            await using var max = new Npgsql.NpgsqlCommand($"UPDATE users SET version = {long.MaxValue}; UPDATE groups SET version = {long.MaxValue}", db);
            await max.ExecuteNonQueryAsync();
        }
        using (var delete = await Client.DeleteAsync(Urls.User(user)))
            await delete.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal("W/\"1\"", (await Client.GetJsonAsync(Urls.Group(group))).Version());
        Assert.Equal("W/\"1\"", (await Client.GetJsonAsync(Urls.User(reports))).Version());
    }
}
