using System.Net;
using System.Text.Json;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.HttpExtensions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;
using static ScimLite.Tests.Patch.PatchKit;

namespace ScimLite.Tests.Patch;

/// <summary>RFC 7644 §3.5.2 semantics of PATCH on a User (SCIM-RULES.md §8), checked with a GET after each request.</summary>
[Collection("scim")]
public sealed class UserPatchSemanticsTests(ScimApp app) : IAsyncLifetime
{
    readonly HttpClient client = app.CreateClient();

    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

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
        """)).Id();

    Task<JsonElement> GetAsync(string id) => client.GetJsonAsync($"{UsersUrl}/{id}");

    static readonly string Work = Canonical("""{"value":"bjensen@example.com","type":"work","primary":true}""");
    static readonly string Home = Canonical("""{"value":"babs@jensen.org","type":"home"}""");

    [Fact]
    public async Task Patch_AddToMultiValuedAttribute_AppendsTheValues()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp("""{"op":"add","path":"emails","value":[{"value":"b@other.org","type":"other"}]}"""), HttpStatusCode.OK);

        Assert.Equal([Work, Home, Canonical("""{"value":"b@other.org","type":"other"}""")], (await GetAsync(id)).Items("emails"));
    }

    [Fact]
    public async Task Patch_ReplaceMultiValuedAttribute_ReplacesTheWholeSet()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp("""{"op":"replace","path":"emails","value":[{"value":"only@example.com","type":"work"}]}"""), HttpStatusCode.OK);

        Assert.Equal([Canonical("""{"value":"only@example.com","type":"work"}""")], (await GetAsync(id)).Items("emails"));
    }

    [Fact]
    public async Task Patch_RemoveByValuePath_RemovesOnlyMatchingItems()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp("""{"op":"remove","path":"emails[type eq \"home\"]"}"""), HttpStatusCode.OK);

        Assert.Equal([Work], (await GetAsync(id)).Items("emails"));
    }

    [Fact]
    public async Task Patch_RemoveByValuePathMatchingNothing_SucceedsWithoutChange()
    {
        var id = await CreateUserAsync();
        var before = await GetAsync(id);

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp("""{"op":"remove","path":"emails[type eq \"other\"]"}"""), HttpStatusCode.OK);

        var after = await GetAsync(id);
        Assert.Equal([Work, Home], after.Items("emails"));
        Assert.Equal(before.Version(), after.Version());
    }

    [Fact]
    public async Task Patch_RemoveSubAttributeByValuePath_RemovesItFromMatchesOnly()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp("""{"op":"remove","path":"emails[type eq \"work\"].primary"}"""), HttpStatusCode.OK);

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

        var patched = await client.PatchAsync($"{UsersUrl}/{id}", PatchOp($$"""{"op":"replace","path":"{{path}}","value":{{value}}}"""), HttpStatusCode.OK);

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

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp(operation), HttpStatusCode.OK);

        Assert.False((await GetAsync(id)).TryGetProperty("emails", out _));
    }

    [Fact]
    public async Task Patch_AddPrimaryEmail_ClearsPrimaryOnTheOthers()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp("""{"op":"add","path":"emails","value":[{"value":"new@example.com","type":"other","primary":true}]}"""), HttpStatusCode.OK);

        var emails = (await GetAsync(id)).GetProperty("emails").EnumerateArray().ToList();
        Assert.Equal(["new@example.com"], emails.Where(e => e.TryGetProperty("primary", out var p) && p.GetBoolean()).Select(e => e.Str("value")));
        Assert.Equal(3, emails.Count);
    }

    [Fact]
    public async Task Patch_SetPrimaryThroughValuePath_ClearsPrimaryOnTheOthers()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp("""{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}"""), HttpStatusCode.OK);

        var emails = (await GetAsync(id)).GetProperty("emails").EnumerateArray().ToList();
        Assert.Equal(["babs@jensen.org"], emails.Where(e => e.TryGetProperty("primary", out var p) && p.GetBoolean()).Select(e => e.Str("value")));
    }

    [Fact]
    public async Task Patch_ReplaceComplexAttribute_ChangesNamedSubAttributesOnly()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp("""{"op":"replace","path":"name","value":{"givenName":"Babs","middleName":"J"}}"""), HttpStatusCode.OK);

        var name = (await GetAsync(id)).GetProperty("name");
        Assert.Equal(("Babs", "J", "Jensen"), (name.Str("givenName"), name.Str("middleName"), name.Str("familyName")));
    }

    [Fact]
    public async Task Patch_RemoveComplexAttribute_UnassignsAllItsSubAttributes()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp("""{"op":"remove","path":"name"}"""), HttpStatusCode.OK);

        Assert.False((await GetAsync(id)).TryGetProperty("name", out _));
    }

    [Theory]
    [InlineData("add", 3)]
    [InlineData("replace", 1)]
    public async Task Patch_PathlessValueObject_AddAppendsAndReplaceReplacesMultiValued(string op, int expected)
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}",
            PatchOp($$"""{"op":"{{op}}","value":{"emails":[{"value":"b@other.org","type":"other"}],"nickName":"Babs"} }"""), HttpStatusCode.OK);

        var after = await GetAsync(id);
        Assert.Equal(expected, after.Items("emails").Length);
        Assert.Equal(Canonical("""{"value":"b@other.org","type":"other"}"""), after.Items("emails")[^1]);
        Assert.Equal("Babs", after.Str("nickName"));
    }

    [Fact]
    public async Task Patch_EnterpriseExtension_SetAsObjectThenRemovedByUrn()
    {
        var id = await CreateUserAsync();
        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp($$"""
            {"op":"add","path":"{{EnterpriseUrn}}","value":{"department":"Tours","costCenter":"4130"} }
            """), HttpStatusCode.OK);
        var set = (await GetAsync(id)).GetProperty(EnterpriseUrn);
        Assert.Equal(("Tours", "4130"), (set.Str("department"), set.Str("costCenter")));

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp($$"""{"op":"remove","path":"{{EnterpriseUrn}}"}"""), HttpStatusCode.OK);

        var after = await GetAsync(id);
        Assert.False(after.TryGetProperty(EnterpriseUrn, out _));
        Assert.Equal(["urn:ietf:params:scim:schemas:core:2.0:User"], after.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Patch_WithAttributesQuery_Returns200WithOnlyThoseAttributes()
    {
        var id = await CreateUserAsync();

        var body = await client.PatchAsync($"{UsersUrl}/{id}?attributes=title", PatchOp("""{"op":"replace","path":"title","value":"Pilot"}"""), HttpStatusCode.OK);

        Assert.Equal(["id", "schemas", "title"], body.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("Pilot", body.Str("title"));
    }

    [Fact]
    public async Task Patch_OperationsApplyInOrder_EachSeesThePreviousResult()
    {
        var id = await CreateUserAsync();

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp("""
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

    [Fact]
    public async Task Patch_HundredOperationsOnEmails_AllApplyInOrder()
    {
        var id = await CreateUserAsync();
        var operations = Enumerable.Range(1, ScimLite.Store.UpdatePlan.MaxStepsPerArray).Select(i => i % 10 == 0
            ? $$"""{"op":"add","path":"emails","value":[{"value":"n{{i}}@example.com","type":"other"}]}"""
            : $$"""{"op":"replace","path":"emails[type eq \"work\"].value","value":"w{{i}}@example.com"}""");

        await client.PatchAsync($"{UsersUrl}/{id}", PatchOp(string.Join(",", operations)), HttpStatusCode.OK);

        var emails = (await GetAsync(id)).GetProperty("emails").EnumerateArray().ToList();
        Assert.Equal("w99@example.com", emails.Single(e => e.Str("type") == "work").Str("value"));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"n{i * 10}@example.com"), emails.Where(e => e.Str("type") == "other").Select(e => e.Str("value")));
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

        using var response = await client.PatchScimAsync($"{UsersUrl}/{id}", PatchOp(operation));
        await response.AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(before.Version(), response.Headers.ETag?.ToString());
        var after = await GetAsync(id);
        Assert.Equal(before.Version(), after.Version());
        Assert.Equal(before.LastModified(), after.LastModified());
        Assert.Equal(before.Items("emails"), after.Items("emails"));
    }
}
