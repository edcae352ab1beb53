using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Users;

/// <summary>Bad requests on /Users: the right status and SCIM error body, and nothing written.</summary>
public class UserErrorTests(ScimApp app) : ScimTest(app)
{
    const string MissingId = "0b9a3c52-5f2e-4d7e-9a51-7c1f0e6d2a11";

    /// <summary>Sends a bad request after one user exists and asserts the error and that no row changed.</summary>
    async Task AssertRejectedAsync(Func<HttpClient, Task<HttpResponseMessage>> send, HttpStatusCode status, string? scimType)
    {
        using var client = App.CreateClient();
        await client.CreateUserAsync("existing@example.com", "Existing");
        var before = await App.SnapshotAsync();

        using var response = await send(client);

        await response.AssertScimErrorAsync(status, scimType);
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Fact]
    public Task Post_MalformedJson_Returns400InvalidSyntax() =>
        AssertRejectedAsync(c => c.PostScimAsync(Urls.Users, """{"userName": "a@example.com",""" ), HttpStatusCode.BadRequest, "invalidSyntax");

    [Theory]
    [InlineData("[{\"userName\": \"a@example.com\"}]")]
    [InlineData("\"a@example.com\"")]
    [InlineData("42")]
    [InlineData("null")]
    public Task Post_BodyNotAnObject_Returns400InvalidSyntax(string body) =>
        AssertRejectedAsync(c => c.PostScimAsync(Urls.Users, body), HttpStatusCode.BadRequest, "invalidSyntax");

    [Fact]
    public Task Put_MalformedJson_Returns400InvalidSyntax() =>
        AssertRejectedAsync(async c =>
        {
            var id = (await c.GetJsonAsync(Urls.Users)).GetProperty("Resources")[0].Id();
            return await c.PutScimAsync(Urls.User(id), "{\"userName\": ");
        }, HttpStatusCode.BadRequest, "invalidSyntax");

    [Fact]
    public Task Post_MissingUserName_Returns400InvalidValue() =>
        AssertRejectedAsync(c => c.PostScimAsync(Urls.Users, new { schemas = new[] { ResourceRequests.UserUrn }, displayName = "No Name" }),
            HttpStatusCode.BadRequest, "invalidValue");

    [Fact]
    public Task Post_EmptyUserName_Returns400InvalidValue() =>
        AssertRejectedAsync(c => c.PostScimAsync(Urls.Users, new { schemas = new[] { ResourceRequests.UserUrn }, userName = "" }),
            HttpStatusCode.BadRequest, "invalidValue");

    [Fact]
    public Task Post_NullUserName_Returns400InvalidValue() =>
        AssertRejectedAsync(c => c.PostScimAsync(Urls.Users, """{"userName": null}"""), HttpStatusCode.BadRequest, "invalidValue");

    [Fact]
    public Task Put_MissingUserName_Returns400InvalidValue() =>
        AssertRejectedAsync(async c =>
        {
            var id = (await c.GetJsonAsync(Urls.Users)).GetProperty("Resources")[0].Id();
            return await c.PutScimAsync(Urls.User(id), new { displayName = "Renamed" });
        }, HttpStatusCode.BadRequest, "invalidValue");

    [Fact]
    public async Task Post_UserNameDifferingOnlyInCase_Returns409UniquenessAndKeepsOneRow()
    {
        using var client = App.CreateClient();
        await client.CreateUserAsync("Luke.Skywalker@example.com");

        using var response = await client.PostScimAsync(Urls.Users, new { userName = "luke.skywalker@EXAMPLE.com" });

        await response.AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
        Assert.Equal(1, await App.CountAsync("users"));
    }

    [Fact]
    public async Task Put_UserNameTakenByAnotherUser_Returns409Uniqueness()
    {
        using var client = App.CreateClient();
        await client.CreateUserAsync("leia@example.com");
        var han = await client.CreateUserAsync("han@example.com");
        var before = await App.SnapshotAsync();

        using var response = await client.PutScimAsync(Urls.User(han.Id()), new { userName = "LEIA@example.com" });

        await response.AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Fact]
    public Task Get_UnknownId_Returns404() =>
        AssertRejectedAsync(c => c.GetAsync(Urls.User(MissingId)), HttpStatusCode.NotFound, null);

    [Fact]
    public Task Put_UnknownId_Returns404AndCreatesNothing() =>
        AssertRejectedAsync(c => c.PutScimAsync(Urls.User(MissingId), new { userName = "ghost@example.com" }), HttpStatusCode.NotFound, null);

    [Fact]
    public Task Patch_UnknownId_Returns404() =>
        AssertRejectedAsync(c => c.PatchScimAsync(Urls.User(MissingId), HttpExtensions.PatchOp(new { op = "replace", path = "active", value = false })),
            HttpStatusCode.NotFound, null);

    [Fact]
    public Task Delete_UnknownId_Returns404() =>
        AssertRejectedAsync(c => c.DeleteAsync(Urls.User(MissingId)), HttpStatusCode.NotFound, null);

    [Theory]
    [InlineData("abc")]
    [InlineData("..%2F..%2Fetc")]
    [InlineData("1")]
    [InlineData("0b9a3c52-5f2e-4d7e-9a51-7c1f0e6d2a1")]
    [InlineData("%27%20OR%201%3D1--")]
    public async Task AnyMethod_NonUuidId_Returns404Not500(string id)
    {
        using var client = App.CreateClient();
        await client.CreateUserAsync("existing@example.com");
        var before = await App.SnapshotAsync();
        var url = Urls.User(id);

        foreach (var send in new Func<Task<HttpResponseMessage>>[]
        {
            () => client.GetAsync(url),
            () => client.PutScimAsync(url, new { userName = "x@example.com" }),
            () => client.PatchScimAsync(url, HttpExtensions.PatchOp(new { op = "replace", path = "active", value = false })),
            () => client.DeleteAsync(url),
        })
        {
            using var response = await send();
            await response.AssertScimErrorAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-the-token")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Token {token}")]
    public async Task Request_WithoutValidBearerToken_Returns401WithScimBodyAndChallenge(string? authorization)
    {
        using var client = App.CreateAnonymousClient();
        using (var authorized = App.CreateClient())
            await authorized.CreateUserAsync("existing@example.com");
        var before = await App.SnapshotAsync();
        if (authorization is not null)
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization.Replace("{token}", App.Token));

        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => client.GetAsync(Urls.Users),
            () => client.PostScimAsync(Urls.Users, new { userName = "intruder@example.com" }),
        })
        {
            using var response = await request();
            await response.AssertScimErrorAsync(HttpStatusCode.Unauthorized);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Fact]
    public async Task Request_WithTokenInBasicScheme_Returns401()
    {
        using var client = App.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"scim:{App.Token}")));

        using var response = await client.GetAsync(Urls.Users);

        await response.AssertScimErrorAsync(HttpStatusCode.Unauthorized);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Theory]
    [InlineData("userName regex \"x\"")]
    [InlineData("userName eq")]
    [InlineData("nosuchattribute eq \"x\"")]
    public Task List_UnsupportedFilter_Returns400InvalidFilter(string filter) =>
        AssertRejectedAsync(c => c.GetAsync($"{Urls.Users}?filter={Uri.EscapeDataString(filter)}"), HttpStatusCode.BadRequest, "invalidFilter");

    [Theory]
    [InlineData("""{"userName": "w@example.com", "active": 3}""")]
    [InlineData("""{"userName": "w@example.com", "active": "maybe"}""")]
    [InlineData("""{"userName": "w@example.com", "emails": {}}""")]
    [InlineData("""{"userName": "w@example.com", "emails": "w@example.com"}""")]
    [InlineData("""{"userName": "w@example.com", "emails": ["w@example.com"]}""")]
    [InlineData("""{"userName": "w@example.com", "name": "x"}""")]
    [InlineData("""{"userName": "w@example.com", "name": ["x"]}""")]
    [InlineData("""{"userName": {"value": "w@example.com"}}""")]
    [InlineData("""{"userName": "w@example.com", "displayName": true}""")]
    [InlineData("""{"userName": "w@example.com", "emails": [{"value": "w@example.com", "primary": "yes"}]}""")]
    [InlineData("""{"userName": "w@example.com", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "x"}""")]
    [InlineData("""{"userName": "w@example.com", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": true}}""")]
    public Task Post_WrongJsonType_Returns400InvalidValue(string body) =>
        AssertRejectedAsync(c => c.PostScimAsync(Urls.Users, body), HttpStatusCode.BadRequest, "invalidValue");

    [Fact]
    public Task Put_WrongJsonType_Returns400InvalidValue() =>
        AssertRejectedAsync(async c =>
        {
            var id = (await c.GetJsonAsync(Urls.Users)).GetProperty("Resources")[0].Id();
            return await c.PutScimAsync(Urls.User(id), """{"userName": "existing@example.com", "active": 3}""");
        }, HttpStatusCode.BadRequest, "invalidValue");

    [Fact]
    public Task Post_NestedTooDeep_Returns400InvalidSyntax() =>
        AssertRejectedAsync(c => c.PostScimAsync(Urls.Users,
            "{\"userName\": \"deep@example.com\", \"x\": " + new string('[', 200) + new string(']', 200) + "}"), HttpStatusCode.BadRequest, "invalidSyntax");

    [Fact]
    public Task Post_TextPlainBody_Returns415ScimBody() =>
        AssertRejectedAsync(c => c.PostAsync(Urls.Users, new StringContent("""{"userName": "plain@example.com"}""", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType, null);

    [Theory]
    [InlineData("count=abc")]
    [InlineData("startIndex=1.5")]
    public Task List_NonIntegerPaging_Returns400InvalidValue(string query) =>
        AssertRejectedAsync(c => c.GetAsync($"{Urls.Users}?{query}"), HttpStatusCode.BadRequest, "invalidValue");

    [Fact]
    public Task Patch_OnCollection_Returns405ScimBody() =>
        AssertRejectedAsync(c => c.PatchScimAsync(Urls.Users, HttpExtensions.PatchOp(new { op = "replace", path = "active", value = false })),
            HttpStatusCode.MethodNotAllowed, null);

    [Theory]
    [InlineData("/scim/v2/Widgets")]
    [InlineData($"{Urls.Users}/0b9a3c52-5f2e-4d7e-9a51-7c1f0e6d2a11/extra")]
    [InlineData("/scim/v2/users2")]
    public Task Get_UnknownRoute_Returns404ScimBody(string url) =>
        AssertRejectedAsync(c => c.GetAsync(url), HttpStatusCode.NotFound, null);
}
