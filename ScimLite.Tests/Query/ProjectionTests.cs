using System.Net;
using System.Text.Json;
using Dapper;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Query;

/// <summary>attributes / excludedAttributes (RFC 7644 §3.4.2.5) on reads, lists and writes, down to the SQL.</summary>
public class ProjectionTests(ScimApp app) : ScimTest(app)
{
    static readonly object FullUser = new Dictionary<string, object?>
    {
        ["schemas"] = new[] { UserUrn },
        ["userName"] = "jane@example.com",
        ["externalId"] = "ext-jane",
        ["displayName"] = "Jane Doe",
        ["name"] = new { givenName = "Jane", familyName = "Doe" },
        ["emails"] = new[] { new { value = "jane@example.com", type = "work", primary = true } },
        ["password"] = "S3cret-Passw0rd!",
    };

    [Fact]
    public async Task Get_AttributesUserName_ReturnsOnlySchemasIdAndUserName()
    {
        var id = (await Client.PostUserAsync(FullUser)).Id();

        var user = await Client.GetJsonAsync($"{Urls.Users}/{id}?attributes=userName");
        var listed = (await Client.ListAsync($"{Urls.Users}?attributes=userName")).Resources().Single();

        Assert.Equal(["id", "schemas", "userName"], user.Names());
        Assert.Equal(["id", "schemas", "userName"], listed.Names());
        Assert.Equal("jane@example.com", user.GetProperty("userName").GetString());
    }

    [Fact]
    public async Task Get_AttributesSubAttribute_ReturnsOnlyThatPartOfTheComplexAttribute()
    {
        var id = (await Client.PostUserAsync(FullUser)).Id();

        var user = await Client.GetJsonAsync($"{Urls.Users}/{id}?attributes=name.givenName");

        Assert.Equal(["id", "name", "schemas"], user.Names());
        Assert.Equal(["givenName"], user.GetProperty("name").Names());
        Assert.Equal("Jane", user.GetProperty("name").GetProperty("givenName").GetString());
    }

    [Fact]
    public async Task Get_ExcludedAttributes_LeavesThemOutAndKeepsTheRest()
    {
        var id = (await Client.PostUserAsync(FullUser)).Id();

        var user = await Client.GetJsonAsync($"{Urls.Users}/{id}?excludedAttributes=emails,meta");

        Assert.False(user.TryGetProperty("emails", out _), $"emails returned: {user}");
        Assert.False(user.TryGetProperty("meta", out _), $"meta returned: {user}");
        Assert.Equal("jane@example.com", user.GetProperty("userName").GetString());
        Assert.Equal("ext-jane", user.GetProperty("externalId").GetString());
        Assert.Equal("Doe", user.GetProperty("name").GetProperty("familyName").GetString());
    }

    [Fact]
    public async Task Get_ExcludedId_IsStillReturned()
    {
        var id = (await Client.PostUserAsync(FullUser)).Id();

        var user = await Client.GetJsonAsync($"{Urls.Users}/{id}?excludedAttributes=id,userName");

        Assert.Equal(id, user.Id());
        Assert.False(user.TryGetProperty("userName", out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?attributes=password")]
    [InlineData("?attributes=password,userName")]
    public async Task Get_Password_IsNeverReturned(string query)
    {
        var created = await Client.PostUserAsync(FullUser);

        var user = await Client.GetJsonAsync($"{Urls.Users}/{created.Id()}{query}");

        Assert.False(created.TryGetProperty("password", out _), $"password in the POST response: {created}");
        Assert.False(user.TryGetProperty("password", out _), $"password returned: {user}");
        Assert.DoesNotContain("S3cret", user.GetRawText());
    }

    [Fact]
    public async Task Post_WithAttributes_ProjectsTheCreatedResource()
    {
        using var response = await Client.PostScimAsync($"{Urls.Users}?attributes=userName", FullUser);

        await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal(["id", "schemas", "userName"], (await response.ReadJsonAsync()).Names());
    }

    [Fact]
    public async Task Put_WithExcludedAttributes_ProjectsTheReplacedResource()
    {
        var id = (await Client.PostUserAsync(FullUser)).Id();

        using var response = await Client.PutScimAsync($"{Urls.Users}/{id}?excludedAttributes=emails,name", FullUser);

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var user = await response.ReadJsonAsync();
        Assert.False(user.TryGetProperty("emails", out _), $"emails returned: {user}");
        Assert.False(user.TryGetProperty("name", out _), $"name returned: {user}");
        Assert.Equal("Jane Doe", user.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Patch_WithAttributes_ProjectsThePatchedUserAndGroup()
    {
        var userId = (await Client.PostUserAsync(FullUser)).Id();
        var groupId = (await Client.CreateGroupAsync("Staff", userId)).Id();

        using var userResponse = await Client.PatchScimAsync($"{Urls.Users}/{userId}?attributes=displayName",
            HttpExtensions.PatchOp(new { op = "replace", path = "displayName", value = "Jane D." }));
        using var groupResponse = await Client.PatchScimAsync($"{Urls.Groups}/{groupId}?attributes=displayName",
            HttpExtensions.PatchOp(new { op = "replace", path = "displayName", value = "Staff 2" }));

        await userResponse.AssertStatusAsync(HttpStatusCode.OK);
        var user = await userResponse.ReadJsonAsync();
        Assert.Equal(["displayName", "id", "schemas"], user.Names());
        Assert.Equal("Jane D.", user.GetProperty("displayName").GetString());
        await groupResponse.AssertStatusAsync(HttpStatusCode.OK);
        var group = await groupResponse.ReadJsonAsync();
        Assert.Equal(["displayName", "id", "schemas"], group.Names());
        Assert.Equal("Staff 2", group.GetProperty("displayName").GetString());
    }

    /// <summary>
    /// Entra's reads: with the attribute that comes from link excluded (a group's members, a user's groups), or left out
    /// by a narrow attributes list, a GET by id and a filtered list never wait for a lock on link; with it they do,
    /// which proves the lock is real.
    /// </summary>
    [Theory]
    [InlineData("Group", "members", "displayName")]
    [InlineData("User", "groups", "userName")]
    public async Task LinkAttributeLeftOut_NeverReadsTheLinkTable(string type, string linked, string narrow)
    {
        var kind = ResourceKind.Of(type);
        var userId = (await Client.CreateUserAsync("member@example.com")).Id();
        var groupId = (await Client.CreateGroupAsync("Locked Out", userId)).Id();
        var (id, name) = kind == ResourceKind.User ? (userId, "member@example.com") : (groupId, "Locked Out");
        var filter = Uri.EscapeDataString($"{kind.NameAttribute} eq \"{name}\"");

        await WhileLinkIsLockedAsync(async () =>
        {
            var single = await GetWithinAsync(Client, $"{kind.UrlOf(id)}?excludedAttributes={linked}");
            Assert.Equal(id, single.Id());
            Assert.False(single.TryGetProperty(linked, out _));
            var list = await GetWithinAsync(Client, $"{kind.Url}?filter={filter}&excludedAttributes={linked}");
            Assert.Equal([id], list.Ids());
            var narrowed = await GetWithinAsync(Client, $"{kind.Url}?filter={filter}&attributes={narrow}");
            Assert.Equal([id], narrowed.Ids());

            // With the attribute the read needs link: it waits for the lock.
            await AssertBlockedAsync(Client, kind.UrlOf(id));
        });

        // Once the lock is gone the membership is there as before.
        Assert.Equal([userId], (await Client.GetJsonAsync(Urls.Group(groupId))).MemberIds());
    }

    /// <summary>Holds ACCESS EXCLUSIVE on link (which blocks even reads of it) while <paramref name="body"/> runs.</summary>
    async Task WhileLinkIsLockedAsync(Func<Task> body)
    {
        await using var connection = await App.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("LOCK TABLE link IN ACCESS EXCLUSIVE MODE", transaction: tx);
        try
        {
            await body();
        }
        finally
        {
            await tx.RollbackAsync();
        }
    }

    /// <summary>
    /// A GET that must not wait for the lock. The generous bound only turns a hang into a failure; a read that
    /// queued behind the lock would never finish before the rollback.
    /// </summary>
    static async Task<JsonElement> GetWithinAsync(HttpClient client, string url)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(url, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"GET {url} waited for the lock on link: it reads the link table.");
        }
        using (response)
        {
            await response.AssertStatusAsync(HttpStatusCode.OK);
            return await response.ReadJsonAsync();
        }
    }

    static async Task AssertBlockedAsync(HttpClient client, string url)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync(url, timeout.Token));
    }
}
