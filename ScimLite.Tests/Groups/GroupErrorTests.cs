using System.Net;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Groups;

/// <summary>Bad requests on /Groups: the right status and SCIM error body, and nothing written.</summary>
public class GroupErrorTests(ScimApp app) : ScimTest(app)
{
    const string MissingId = "6f1d8a0e-3b4c-4e5f-8a9b-0c1d2e3f4a5b";

    /// <summary>Sends a bad request after a user in a group exists and asserts the error and that no row changed.</summary>
    async Task AssertRejectedAsync(Func<HttpClient, string, Task<HttpResponseMessage>> send, HttpStatusCode status, string? scimType)
    {
        using var client = App.CreateClient();
        var user = await client.CreateUserAsync("member@example.com");
        var group = await client.CreateGroupAsync("Existing", user.Id());
        var before = await App.SnapshotAsync();

        using var response = await send(client, group.Id());

        await response.AssertScimErrorAsync(status, scimType);
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Fact]
    public Task Post_MalformedJson_Returns400InvalidSyntax() =>
        AssertRejectedAsync((c, _) => c.PostScimAsync(Urls.Groups, "{\"displayName\": \"Jedi\""), HttpStatusCode.BadRequest, "invalidSyntax");

    [Theory]
    [InlineData("[]")]
    [InlineData("\"Jedi\"")]
    [InlineData("true")]
    public Task Post_BodyNotAnObject_Returns400InvalidSyntax(string body) =>
        AssertRejectedAsync((c, _) => c.PostScimAsync(Urls.Groups, body), HttpStatusCode.BadRequest, "invalidSyntax");

    [Fact]
    public Task Patch_MalformedJson_Returns400InvalidSyntax() =>
        AssertRejectedAsync((c, id) => c.PatchScimAsync(Urls.Group(id), "{\"Operations\": [}"), HttpStatusCode.BadRequest, "invalidSyntax");

    [Fact]
    public Task Post_MissingDisplayName_Returns400InvalidValue() =>
        AssertRejectedAsync((c, _) => c.PostScimAsync(Urls.Groups, new { schemas = new[] { ResourceRequests.GroupUrn }, members = Array.Empty<object>() }),
            HttpStatusCode.BadRequest, "invalidValue");

    [Fact]
    public Task Post_EmptyDisplayName_Returns400InvalidValue() =>
        AssertRejectedAsync((c, _) => c.PostScimAsync(Urls.Groups, new { displayName = "" }), HttpStatusCode.BadRequest, "invalidValue");

    [Fact]
    public Task Put_MissingDisplayName_Returns400InvalidValue() =>
        AssertRejectedAsync((c, id) => c.PutScimAsync(Urls.Group(id), new { members = Array.Empty<object>() }), HttpStatusCode.BadRequest, "invalidValue");

    [Fact]
    public async Task Post_DuplicateDisplayNameIgnoringCase_Returns409UniquenessAndKeepsOneRow()
    {
        using var client = App.CreateClient();
        await client.CreateGroupAsync("Droids");

        using var response = await client.PostScimAsync(Urls.Groups, new { displayName = "DROIDS" });

        await response.AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
        Assert.Equal(1, await App.CountAsync("groups"));
    }

    [Fact]
    public async Task Put_DisplayNameOfAnotherGroup_Returns409Uniqueness()
    {
        using var client = App.CreateClient();
        await client.CreateGroupAsync("Jedi");
        var sith = await client.CreateGroupAsync("Sith");
        var before = await App.SnapshotAsync();

        using var response = await client.PutScimAsync(Urls.Group(sith.Id()), new { displayName = "jedi" });

        await response.AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Fact]
    public Task Get_UnknownId_Returns404() =>
        AssertRejectedAsync((c, _) => c.GetAsync(Urls.Group(MissingId)), HttpStatusCode.NotFound, null);

    [Fact]
    public Task Put_UnknownId_Returns404AndCreatesNothing() =>
        AssertRejectedAsync((c, _) => c.PutScimAsync(Urls.Group(MissingId), new { displayName = "Ghosts" }), HttpStatusCode.NotFound, null);

    [Fact]
    public Task Patch_UnknownId_Returns404() =>
        AssertRejectedAsync((c, _) => c.PatchScimAsync(Urls.Group(MissingId),
            HttpExtensions.PatchOp(new { op = "replace", path = "displayName", value = "Ghosts" })), HttpStatusCode.NotFound, null);

    [Fact]
    public Task Delete_UnknownId_Returns404() =>
        AssertRejectedAsync((c, _) => c.DeleteAsync(Urls.Group(MissingId)), HttpStatusCode.NotFound, null);

    [Theory]
    [InlineData("abc")]
    [InlineData("..%2F..%2Fetc")]
    [InlineData("6f1d8a0e3b4c4e5f8a9b0c1d2e3f4a5b00")]
    public async Task AnyMethod_NonUuidId_Returns404Not500(string id)
    {
        using var client = App.CreateClient();
        await client.CreateGroupAsync("Existing");
        var before = await App.SnapshotAsync();
        var url = Urls.Group(id);

        foreach (var send in new Func<Task<HttpResponseMessage>>[]
        {
            () => client.GetAsync(url),
            () => client.PutScimAsync(url, new { displayName = "X" }),
            () => client.PatchScimAsync(url, HttpExtensions.PatchOp(new { op = "remove", path = "members" })),
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
    [InlineData("Bearer wrong")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public Task AnyMethod_WithoutValidBearerToken_Returns401(string? authorization) =>
        AssertRejectedAsync(async (_, id) =>
        {
            using var anonymous = App.CreateAnonymousClient();
            if (authorization is not null)
                anonymous.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
            var response = await anonymous.DeleteAsync(Urls.Group(id));
            Assert.NotEmpty(response.Headers.WwwAuthenticate);
            return response;
        }, HttpStatusCode.Unauthorized, null);

    [Fact]
    public Task List_UnsupportedFilter_Returns400InvalidFilter() =>
        AssertRejectedAsync((c, _) => c.GetAsync($"{Urls.Groups}?filter={Uri.EscapeDataString("displayName regex \"x\"")}"),
            HttpStatusCode.BadRequest, "invalidFilter");

    [Theory]
    [InlineData("""{"displayName": ["Jedi"]}""")]
    [InlineData("""{"displayName": "Jedi", "members": "abc"}""")]
    [InlineData("""{"displayName": "Jedi", "members": [{"display": "no value"}]}""")]
    [InlineData("""{"displayName": "Jedi", "members": [{"value": "not-a-uuid"}]}""")]
    [InlineData("""{"displayName": "Jedi", "members": [{"value": 42}]}""")]
    [InlineData("""{"displayName": "Jedi", "members": ["6f1d8a0e-3b4c-4e5f-8a9b-0c1d2e3f4a5b"]}""")]
    public Task Post_WrongJsonType_Returns400InvalidValue(string body) =>
        AssertRejectedAsync((c, _) => c.PostScimAsync(Urls.Groups, body), HttpStatusCode.BadRequest, "invalidValue");

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    public Task Patch_AddMemberWithNonUuidValue_Returns400InvalidValue(string value) =>
        AssertRejectedAsync((c, id) => c.PatchScimAsync(Urls.Group(id),
            HttpExtensions.PatchOp(new { op = "add", path = "members", value = new[] { new { value } } })), HttpStatusCode.BadRequest, "invalidValue");

    [Fact]
    public Task Get_UnknownRouteUnderGroups_Returns404ScimBody() =>
        AssertRejectedAsync((c, id) => c.GetAsync($"{Urls.Groups}/{id}/members"), HttpStatusCode.NotFound, null);
}
