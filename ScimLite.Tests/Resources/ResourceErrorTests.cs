using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.HttpExtensions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Resources;

/// <summary>
/// Bad requests on /Users and on /Groups alike: the right status and SCIM error body, and nothing written. Each theory
/// runs once per resource type; what only one type has stays in UserErrorTests or GroupErrorTests.
/// </summary>
public class ResourceErrorTests(ScimApp app) : ScimTest(app)
{
    const string MissingId = "6f1d8a0e-3b4c-4e5f-8a9b-0c1d2e3f4a5b";

    public static TheoryData<string> Kinds => ResourceKind.Both;

    public static TheoryData<string, string> Methods => ResourceKind.BothWith("GET", "PUT", "PATCH", "DELETE");

    /// <summary>
    /// Arranges a user in a group, sends a bad request about the resource of this type (given its id) and asserts the
    /// error and that no row changed.
    /// </summary>
    async Task AssertRejectedAsync(string type, Func<ResourceKind, string, Task<HttpResponseMessage>> send, HttpStatusCode status, string? scimType = null)
    {
        var kind = ResourceKind.Of(type);
        var user = await Client.CreateUserAsync("existing@example.com", "Existing");
        var group = await Client.CreateGroupAsync("Existing", user.Id());
        var before = await App.SnapshotAsync();

        using var response = await send(kind, kind == ResourceKind.User ? user.Id() : group.Id());

        await response.AssertScimErrorAsync(status, scimType);
        Assert.Equal(before, await App.SnapshotAsync());
    }

    /// <summary>A request of this method that an existing resource of the type would accept.</summary>
    Task<HttpResponseMessage> SendAsync(string method, ResourceKind kind, string url) => method switch
    {
        "GET" => Client.GetAsync(url),
        "PUT" => Client.PutScimAsync(url, kind.Body(kind.NameFor("ghost"))),
        "PATCH" => Client.PatchScimAsync(url, kind.RenamePatch("ghost")),
        "DELETE" => Client.DeleteAsync(url),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    [Theory]
    [InlineData("User", """{"userName": "a@example.com",""")]
    [InlineData("Group", "{\"displayName\": \"Jedi\"")]
    public Task Post_MalformedJson_Returns400InvalidSyntax(string type, string body) =>
        AssertRejectedAsync(type, (k, _) => Client.PostScimAsync(k.Url, body), HttpStatusCode.BadRequest, "invalidSyntax");

    public static TheoryData<string, string> NotObjects =>
        ResourceKind.BothWith("[]", "[{\"userName\": \"a@example.com\"}]", "\"Jedi\"", "\"a@example.com\"", "true", "42", "null");

    [Theory]
    [MemberData(nameof(NotObjects))]
    public Task Post_BodyNotAnObject_Returns400InvalidSyntax(string type, string body) =>
        AssertRejectedAsync(type, (k, _) => Client.PostScimAsync(k.Url, body), HttpStatusCode.BadRequest, "invalidSyntax");

    [Theory]
    [MemberData(nameof(Kinds))]
    public Task Put_MalformedJson_Returns400InvalidSyntax(string type) =>
        AssertRejectedAsync(type, (k, id) => Client.PutScimAsync(k.UrlOf(id), $"{{\"{k.NameAttribute}\": "), HttpStatusCode.BadRequest, "invalidSyntax");

    [Theory]
    [MemberData(nameof(Kinds))]
    public Task Patch_MalformedJson_Returns400InvalidSyntax(string type) =>
        AssertRejectedAsync(type, (k, id) => Client.PatchScimAsync(k.UrlOf(id), "{\"Operations\": [}"), HttpStatusCode.BadRequest, "invalidSyntax");

    [Theory]
    [MemberData(nameof(Kinds))]
    public Task Post_NestedTooDeep_Returns400InvalidSyntax(string type) =>
        AssertRejectedAsync(type, (k, _) => Client.PostScimAsync(k.Url,
            $"{{\"{k.NameAttribute}\": \"{k.NameFor("deep")}\", \"x\": " + new string('[', 200) + new string(']', 200) + "}"),
            HttpStatusCode.BadRequest, "invalidSyntax");

    [Theory]
    [MemberData(nameof(Kinds))]
    public Task Post_MissingName_Returns400InvalidValue(string type) =>
        AssertRejectedAsync(type, (k, _) => Client.PostScimAsync(k.Url, new { schemas = new[] { k.Schema }, externalId = "no-name" }),
            HttpStatusCode.BadRequest, "invalidValue");

    public static TheoryData<string, string?> EmptyNames => ResourceKind.BothWith("", null);

    [Theory]
    [MemberData(nameof(EmptyNames))]
    public Task Post_EmptyOrNullName_Returns400InvalidValue(string type, string? name) =>
        AssertRejectedAsync(type, (k, _) => Client.PostScimAsync(k.Url, k.Body(name)), HttpStatusCode.BadRequest, "invalidValue");

    [Theory]
    [MemberData(nameof(Kinds))]
    public Task Put_MissingName_Returns400InvalidValue(string type) =>
        AssertRejectedAsync(type, (k, id) => Client.PutScimAsync(k.UrlOf(id), new { schemas = new[] { k.Schema }, externalId = "renamed" }),
            HttpStatusCode.BadRequest, "invalidValue");

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Post_NameDifferingOnlyInCase_Returns409UniquenessAndKeepsOneRow(string type)
    {
        var kind = ResourceKind.Of(type);
        await kind.CreateAsync(Client, kind.NameFor("Luke.Skywalker"));

        using var response = await Client.PostScimAsync(kind.Url, kind.Body(kind.NameFor("luke.SKYWALKER").Replace("example", "EXAMPLE")));

        await response.AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
        Assert.Equal(1, await App.CountAsync(kind.Table));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Put_NameTakenByAnother_Returns409Uniqueness(string type)
    {
        var kind = ResourceKind.Of(type);
        await kind.CreateAsync(Client, kind.NameFor("leia"));
        var han = await kind.CreateAsync(Client, kind.NameFor("han"));
        var before = await App.SnapshotAsync();

        using var response = await Client.PutScimAsync(kind.UrlOf(han.Id()), kind.Body(kind.NameFor("LEIA")));

        await response.AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public Task AnyMethod_UnknownId_Returns404AndCreatesNothing(string type, string method) =>
        AssertRejectedAsync(type, (k, _) => SendAsync(method, k, k.UrlOf(MissingId)), HttpStatusCode.NotFound);

    public static TheoryData<string, string> NonUuids => ResourceKind.BothWith(
        "abc", "..%2F..%2Fetc", "1", "6f1d8a0e3b4c4e5f8a9b0c1d2e3f4a5b00", "0b9a3c52-5f2e-4d7e-9a51-7c1f0e6d2a1", "%27%20OR%201%3D1--");

    [Theory]
    [MemberData(nameof(NonUuids))]
    public Task AnyMethod_NonUuidId_Returns404Not500(string type, string id) =>
        AssertRejectedAsync(type, async (k, _) =>
        {
            foreach (var method in new[] { "GET", "PUT", "PATCH" })
            {
                using var response = await SendAsync(method, k, k.UrlOf(id));
                await response.AssertScimErrorAsync(HttpStatusCode.NotFound);
            }
            return await SendAsync("DELETE", k, k.UrlOf(id));
        }, HttpStatusCode.NotFound);

    public static TheoryData<string, string?> BadAuthorizations => ResourceKind.BothWith<string?>(
        null, "Bearer wrong", "Bearer ", "Basic dXNlcjpwYXNz", "Token {token}");

    /// <summary>Listing, creating and deleting without a valid token: 401 with a Bearer challenge, and nothing written.</summary>
    [Theory]
    [MemberData(nameof(BadAuthorizations))]
    public Task AnyMethod_WithoutValidBearerToken_Returns401WithScimBodyAndChallenge(string type, string? authorization) =>
        AssertRejectedAsync(type, async (k, id) =>
        {
            using var anonymous = App.CreateAnonymousClient();
            if (authorization is not null)
                anonymous.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization.Replace("{token}", App.Token));
            foreach (var send in new Func<Task<HttpResponseMessage>>[]
            {
                () => anonymous.GetAsync(k.Url),
                () => anonymous.PostScimAsync(k.Url, k.Body(k.NameFor("intruder"))),
            })
            {
                using var response = await send();
                await response.AssertScimErrorAsync(HttpStatusCode.Unauthorized);
                Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
            }
            var delete = await anonymous.DeleteAsync(k.UrlOf(id));
            Assert.Contains(delete.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
            return delete;
        }, HttpStatusCode.Unauthorized);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Request_WithTokenInBasicScheme_Returns401(string type)
    {
        using var client = App.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"scim:{App.Token}")));

        using var response = await client.GetAsync(ResourceKind.Of(type).Url);

        await response.AssertScimErrorAsync(HttpStatusCode.Unauthorized);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    public static TheoryData<string, string> BadFilters => ResourceKind.BothWith("{0} regex \"x\"", "{0} eq", "nosuchattribute eq \"x\"");

    [Theory]
    [MemberData(nameof(BadFilters))]
    public Task List_UnsupportedFilter_Returns400InvalidFilter(string type, string filter) =>
        AssertRejectedAsync(type, (k, _) => Client.GetAsync($"{k.Url}?filter={Uri.EscapeDataString(string.Format(filter, k.NameAttribute))}"),
            HttpStatusCode.BadRequest, "invalidFilter");

    [Theory]
    [InlineData("User", """{"userName": "w@example.com", "active": 3}""")]
    [InlineData("User", """{"userName": "w@example.com", "active": "maybe"}""")]
    [InlineData("User", """{"userName": "w@example.com", "emails": {}}""")]
    [InlineData("User", """{"userName": "w@example.com", "emails": "w@example.com"}""")]
    [InlineData("User", """{"userName": "w@example.com", "emails": ["w@example.com"]}""")]
    [InlineData("User", """{"userName": "w@example.com", "name": "x"}""")]
    [InlineData("User", """{"userName": "w@example.com", "name": ["x"]}""")]
    [InlineData("User", """{"userName": {"value": "w@example.com"}}""")]
    [InlineData("User", """{"userName": "w@example.com", "displayName": true}""")]
    [InlineData("User", """{"userName": "w@example.com", "emails": [{"value": "w@example.com", "primary": "yes"}]}""")]
    [InlineData("User", """{"userName": "w@example.com", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "x"}""")]
    [InlineData("User", """{"userName": "w@example.com", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": true}}""")]
    [InlineData("Group", """{"displayName": ["Jedi"]}""")]
    [InlineData("Group", """{"displayName": "Jedi", "members": "abc"}""")]
    [InlineData("Group", """{"displayName": "Jedi", "members": [{"display": "no value"}]}""")]
    [InlineData("Group", """{"displayName": "Jedi", "members": [{"value": "not-a-uuid"}]}""")]
    [InlineData("Group", """{"displayName": "Jedi", "members": [{"value": 42}]}""")]
    [InlineData("Group", """{"displayName": "Jedi", "members": ["6f1d8a0e-3b4c-4e5f-8a9b-0c1d2e3f4a5b"]}""")]
    public Task Post_WrongJsonType_Returns400InvalidValue(string type, string body) =>
        AssertRejectedAsync(type, (k, _) => Client.PostScimAsync(k.Url, body), HttpStatusCode.BadRequest, "invalidValue");

    [Theory]
    [InlineData("User", """{"userName": "existing@example.com", "active": 3}""")]
    [InlineData("Group", """{"displayName": "Existing", "members": "abc"}""")]
    public Task Put_WrongJsonType_Returns400InvalidValue(string type, string body) =>
        AssertRejectedAsync(type, (k, id) => Client.PutScimAsync(k.UrlOf(id), body), HttpStatusCode.BadRequest, "invalidValue");

    [Theory]
    [MemberData(nameof(Kinds))]
    public Task Post_TextPlainBody_Returns415ScimBody(string type) =>
        AssertRejectedAsync(type, (k, _) => Client.PostAsync(k.Url,
            new StringContent($"{{\"{k.NameAttribute}\": \"{k.NameFor("plain")}\"}}", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType);

    public static TheoryData<string, string> NonIntegerPaging => ResourceKind.BothWith("count=abc", "startIndex=1.5");

    [Theory]
    [MemberData(nameof(NonIntegerPaging))]
    public Task List_NonIntegerPaging_Returns400InvalidValue(string type, string query) =>
        AssertRejectedAsync(type, (k, _) => Client.GetAsync($"{k.Url}?{query}"), HttpStatusCode.BadRequest, "invalidValue");

    [Theory]
    [MemberData(nameof(Kinds))]
    public Task Patch_OnCollection_Returns405ScimBody(string type) =>
        AssertRejectedAsync(type, (k, _) => Client.PatchScimAsync(k.Url, k.RenamePatch("ghost")), HttpStatusCode.MethodNotAllowed);

    public static TheoryData<string, string> SubPaths => ResourceKind.BothWith("{id}/members", "{id}/extra", $"{MissingId}/extra");

    [Theory]
    [MemberData(nameof(SubPaths))]
    public Task Get_UnknownRouteUnderResource_Returns404ScimBody(string type, string path) =>
        AssertRejectedAsync(type, (k, id) => Client.GetAsync(k.UrlOf(path.Replace("{id}", id))), HttpStatusCode.NotFound);

    [Theory]
    [InlineData("/scim/v2/Widgets")]
    [InlineData("/scim/v2/users2")]
    [InlineData("/scim/v2/groups2")]
    public Task Get_UnknownRoute_Returns404ScimBody(string url) =>
        AssertRejectedAsync("User", (_, _) => Client.GetAsync(url), HttpStatusCode.NotFound);
}
