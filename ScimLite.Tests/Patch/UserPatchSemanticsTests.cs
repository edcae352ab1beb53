using System.Net;
using System.Text.Json;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Patch.PatchKit;

namespace ScimLite.Tests.Patch;

/// <summary>RFC 7644 §3.5.2 semantics of PATCH on a User (SCIM-RULES.md §8), checked with a GET after each request.</summary>
[Collection("scim")]
public sealed class UserPatchSemanticsTests(ScimApp app) : IAsyncLifetime
{
    const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    readonly HttpClient client = app.CreateClient();

    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

    static string Ops(string operations) => $$"""{"schemas":["{{PatchOp}}"],"Operations":[{{operations}}]}""";

    async Task<string> CreateUserAsync() => (await client.CreateAsync(UsersUrl, """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
          "userName": "bjensen@example.com",
          "displayName": "Babs Jensen",
          "title": "Tour Guide",
          "name": { "givenName": "Barbara", "familyName": "Jensen" },
          "emails": [
            { "value": "bjensen@example.com", "type": "work", "primary": true },
            { "value": "babs@jensen.org", "type": "home" }
          ]
        }
        """)).GetProperty("id").GetString()!;

    Task<JsonElement> GetAsync(string id) => client.GetJsonAsync($"{UsersUrl}/{id}");

    static readonly string Work = Canonical("""{"value":"bjensen@example.com","type":"work","primary":true}""");
    static readonly string Home = Canonical("""{"value":"babs@jensen.org","type":"home"}""");

    [Fact]
    public async Task Patch_AddToMultiValuedAttribute_AppendsTheValues()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", Ops("""{"op":"add","path":"emails","value":[{"value":"b@other.org","type":"other"}]}"""), HttpStatusCode.OK);

        Assert.Equal([Work, Home, Canonical("""{"value":"b@other.org","type":"other"}""")], (await GetAsync(id)).Items("emails"));
    }

    [Fact]
    public async Task Patch_ReplaceMultiValuedAttribute_ReplacesTheWholeSet()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", Ops("""{"op":"replace","path":"emails","value":[{"value":"only@example.com","type":"work"}]}"""), HttpStatusCode.OK);

        Assert.Equal([Canonical("""{"value":"only@example.com","type":"work"}""")], (await GetAsync(id)).Items("emails"));
    }

    [Fact]
    public async Task Patch_RemoveByValuePath_RemovesOnlyMatchingItems()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", Ops("""{"op":"remove","path":"emails[type eq \"home\"]"}"""), HttpStatusCode.OK);

        Assert.Equal([Work], (await GetAsync(id)).Items("emails"));
    }

    [Fact]
    public async Task Patch_RemoveByValuePathMatchingNothing_SucceedsWithoutChange()
    {
        var id = await CreateUserAsync();
        var before = await GetAsync(id);

        await client.PatchAsync($"{UsersUrl}/{id}", Ops("""{"op":"remove","path":"emails[type eq \"other\"]"}"""), HttpStatusCode.OK);

        var after = await GetAsync(id);
        Assert.Equal([Work, Home], after.Items("emails"));
        Assert.Equal(before.Version(), after.Version());
    }

    [Fact]
    public async Task Patch_RemoveSubAttributeByValuePath_RemovesItFromMatchesOnly()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", Ops("""{"op":"remove","path":"emails[type eq \"work\"].primary"}"""), HttpStatusCode.OK);

        Assert.Equal([Canonical("""{"value":"bjensen@example.com","type":"work"}"""), Home], (await GetAsync(id)).Items("emails"));
    }

    [Theory]
    [InlineData("displayName", "null")]
    [InlineData("displayName", "\"\"")]
    [InlineData("title", "null")]
    [InlineData("title", "\"\"")]
    [InlineData("name.givenName", "null")]
    [InlineData("name.givenName", "\"\"")]
    public async Task Patch_ReplaceWithNullOrEmptyString_ClearsTheAttribute(string path, string value)
    {
        var id = await CreateUserAsync();

        var patched = await client.PatchAsync($"{UsersUrl}/{id}", Ops($$"""{"op":"replace","path":"{{path}}","value":{{value}}}"""), HttpStatusCode.OK);

        var after = await GetAsync(id);
        Assert.Equal(patched.GetRawText(), after.GetRawText());
        var (container, name) = path.Contains('.') ? (after.GetProperty("name"), "givenName") : (after, path);
        Assert.False(container.TryGetProperty(name, out _), $"{path} should be unassigned: {after}");
        Assert.Equal("W/\"2\"", after.Version());
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"emails","value":null}""")]
    [InlineData("""{"op":"replace","path":"emails","value":[]}""")]
    [InlineData("""{"op":"remove","path":"emails"}""")]
    public async Task Patch_EmptyingMultiValuedAttribute_UnassignsIt(string operation)
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", Ops(operation), HttpStatusCode.OK);

        Assert.False((await GetAsync(id)).TryGetProperty("emails", out _));
    }

    [Fact]
    public async Task Patch_AddPrimaryEmail_ClearsPrimaryOnTheOthers()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", Ops("""{"op":"add","path":"emails","value":[{"value":"new@example.com","type":"other","primary":true}]}"""), HttpStatusCode.OK);

        var emails = (await GetAsync(id)).GetProperty("emails").EnumerateArray().ToList();
        Assert.Equal(["new@example.com"], emails.Where(e => e.TryGetProperty("primary", out var p) && p.GetBoolean()).Select(e => e.Str("value")));
        Assert.Equal(3, emails.Count);
    }

    [Fact]
    public async Task Patch_SetPrimaryThroughValuePath_ClearsPrimaryOnTheOthers()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", Ops("""{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}"""), HttpStatusCode.OK);

        var emails = (await GetAsync(id)).GetProperty("emails").EnumerateArray().ToList();
        Assert.Equal(["babs@jensen.org"], emails.Where(e => e.TryGetProperty("primary", out var p) && p.GetBoolean()).Select(e => e.Str("value")));
    }

    [Fact]
    public async Task Patch_OperationsApplyInOrder_EachSeesThePreviousResult()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", Ops("""
            {"op":"replace","path":"displayName","value":"First"},
            {"op":"add","path":"emails","value":[{"value":"tmp@example.com","type":"other"}]},
            {"op":"replace","path":"displayName","value":"Second"},
            {"op":"replace","path":"emails[type eq \"other\"].value","value":"kept@example.com"},
            {"op":"remove","path":"emails[type eq \"home\"]"},
            {"op":"remove","path":"title"},
            {"op":"add","path":"title","value":"Pilot"}
            """), HttpStatusCode.OK);

        var after = await GetAsync(id);
        Assert.Equal("Second", after.Str("displayName"));
        Assert.Equal("Pilot", after.Str("title"));
        Assert.Equal([Work, Canonical("""{"value":"kept@example.com","type":"other"}""")], after.Items("emails"));
        Assert.Equal("W/\"2\"", after.Version());
    }

    [Theory]
    [InlineData(100)]
    [InlineData(200)]
    [InlineData(300)]
    [InlineData(500)]
    public async Task Patch_FiftyOperationsOnEmails_AllApplyInOrder(int n)
    {
        var id = await CreateUserAsync();
        var operations = Enumerable.Range(1, n).Select(i => i % 5 == 0
            ? $$"""{"op":"add","path":"emails","value":[{"value":"n{{i}}@example.com","type":"other"}]}"""
            : $$"""{"op":"replace","path":"emails[type eq \"work\"].value","value":"w{{i}}@example.com"}""");

        await client.PatchAsync($"{UsersUrl}/{id}", Ops(string.Join(",", operations)), HttpStatusCode.OK);

        var emails = (await GetAsync(id)).GetProperty("emails").EnumerateArray().ToList();
        Assert.Equal("w49@example.com", emails.Single(e => e.Str("type") == "work").Str("value"));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"n{i * 5}@example.com"), emails.Where(e => e.Str("type") == "other").Select(e => e.Str("value")));
        Assert.Equal(12, emails.Count);
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"active","value":true}""")]
    [InlineData("""{"op":"replace","path":"active","value":"True"}""")]
    [InlineData("""{"op":"replace","value":{"active":true,"displayName":"Babs Jensen"}}""")]
    [InlineData("""{"op":"replace","path":"name.givenName","value":"Barbara"}""")]
    [InlineData("""{"op":"add","path":"emails","value":[{"value":"bjensen@example.com","type":"work","primary":true}]}""")]
    [InlineData("""{"op":"add","path":"emails","value":[{"value":"babs@jensen.org","type":"home"}]}""")]
    [InlineData("""{"op":"replace","path":"emails[type eq \"work\"].value","value":"bjensen@example.com"}""")]
    [InlineData("""{"op":"remove","path":"nickName"}""")]
    public async Task Patch_ThatChangesNothing_KeepsVersionAndLastModified(string operation)
    {
        var id = await CreateUserAsync();
        var before = await GetAsync(id);

        using var response = await client.PatchScimAsync($"{UsersUrl}/{id}", Ops(operation));
        await response.AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(before.Version(), response.Headers.ETag?.ToString());
        var after = await GetAsync(id);
        Assert.Equal(before.Version(), after.Version());
        Assert.Equal(before.LastModified(), after.LastModified());
        Assert.Equal(before.Items("emails"), after.Items("emails"));
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"id","value":"2819c223-7f76-453a-919d-413861904646"}""")]
    [InlineData("""{"op":"replace","path":"meta","value":{"resourceType":"Group"}}""")]
    [InlineData("""{"op":"replace","path":"meta.lastModified","value":"2011-05-13T04:42:34Z"}""")]
    [InlineData("""{"op":"add","path":"groups","value":[{"value":"2819c223-7f76-453a-919d-413861904646"}]}""")]
    [InlineData("""{"op":"remove","path":"groups"}""")]
    [InlineData("""{"op":"replace","value":{"id":"2819c223-7f76-453a-919d-413861904646"}}""")]
    [InlineData("""{"op":"remove","path":"userName"}""")]
    [InlineData("""{"op":"replace","path":"userName","value":""}""")]
    [InlineData("""{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName","value":"Boss"}""")]
    public async Task Patch_ReadOnlyOrRequiredAttribute_Returns400Mutability(string operation)
    {
        var id = await CreateUserAsync();

        await client.PatchErrorAsync($"{UsersUrl}/{id}", Ops(operation), HttpStatusCode.BadRequest, "mutability");

        Assert.Equal("W/\"1\"", (await GetAsync(id)).Version());
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"favouriteColour","value":"blue"}""")]
    [InlineData("""{"op":"replace","path":"name.nickname","value":"x"}""")]
    [InlineData("""{"op":"replace","path":"emails[type eq \"work\"].colour","value":"x"}""")]
    [InlineData("""{"op":"replace","path":"urn:example:custom:2.0:User:x","value":"x"}""")]
    [InlineData("""{"op":"remove","path":"emails[type eq \"work\""}""")]
    public async Task Patch_UnknownOrMalformedPath_Returns400InvalidPath(string operation)
    {
        var id = await CreateUserAsync();

        await client.PatchErrorAsync($"{UsersUrl}/{id}", Ops(operation), HttpStatusCode.BadRequest, "invalidPath");
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"active","value":3}""")]
    [InlineData("""{"op":"replace","path":"active","value":"yes"}""")]
    [InlineData("""{"op":"replace","path":"displayName","value":{"x":1}}""")]
    [InlineData("""{"op":"replace","path":"emails","value":"a@b.c"}""")]
    [InlineData("""{"op":"add","path":"emails","value":[{"value":"a@b.c","primary":true},{"value":"d@e.f","primary":true}]}""")]
    [InlineData("""{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"not-an-id"}""")]
    [InlineData("""{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"2819c223-7f76-453a-919d-413861904646"}""")]
    [InlineData("""{"op":"add","path":"title"}""")]
    [InlineData("""{"op":"replace","value":"active"}""")]
    public async Task Patch_WrongValue_Returns400InvalidValue(string operation)
    {
        var id = await CreateUserAsync();

        await client.PatchErrorAsync($"{UsersUrl}/{id}", Ops(operation), HttpStatusCode.BadRequest, "invalidValue");

        Assert.Equal("W/\"1\"", (await GetAsync(id)).Version());
    }

    [Fact]
    public async Task Patch_RemoveWithoutPath_Returns400NoTarget()
    {
        var id = await CreateUserAsync();

        await client.PatchErrorAsync($"{UsersUrl}/{id}", Ops("""{"op":"remove","value":{"title":"Tour Guide"}}"""), HttpStatusCode.BadRequest, "noTarget");
    }

    [Fact]
    public async Task Patch_Error_NamesTheOperationIndexAndPath()
    {
        var id = await CreateUserAsync();

        var detail = await client.PatchErrorAsync($"{UsersUrl}/{id}", Ops("""
            {"op":"replace","path":"title","value":"Pilot"},
            {"op":"replace","path":"active","value":3}
            """), HttpStatusCode.BadRequest, "invalidValue");

        Assert.Contains("operation 2", detail);
        Assert.Contains("active", detail);
    }

    [Theory]
    // Fails while the operations are read, before any SQL.
    [InlineData("""{"op":"replace","path":"active","value":3}""", "invalidValue")]
    [InlineData("""{"op":"replace","path":"groups","value":[]}""", "mutability")]
    // Fails only when PostgreSQL runs the UPDATE: the manager does not exist (foreign key).
    [InlineData("""{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"2819c223-7f76-453a-919d-413861904646"}""", "invalidValue")]
    public async Task Patch_ThirdOperationInvalid_LeavesTheUserUnchanged(string third, string scimType)
    {
        var id = await CreateUserAsync();
        var before = await GetAsync(id);

        await client.PatchErrorAsync($"{UsersUrl}/{id}", Ops($$"""
            {"op":"replace","path":"displayName","value":"Changed"},
            {"op":"add","path":"emails","value":[{"value":"x@example.com","type":"other"}]},
            {{third}}
            """), HttpStatusCode.BadRequest, scimType);

        var after = await GetAsync(id);
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task Patch_UnknownUser_Returns404()
    {
        await client.PatchErrorAsync($"{UsersUrl}/{Guid.NewGuid()}", Ops("""{"op":"replace","path":"active","value":false}"""), HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Patch_StaleIfMatch_Returns412AndChangesNothing()
    {
        var id = await CreateUserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{UsersUrl}/{id}") { Content = HttpExtensions.ScimContent(Ops("""{"op":"replace","path":"title","value":"Pilot"}""")) };
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"7\"");

        using var response = await client.SendAsync(request);

        await response.AssertScimErrorAsync(HttpStatusCode.PreconditionFailed, null);
        Assert.Equal("Tour Guide", (await GetAsync(id)).Str("title"));
    }
}
