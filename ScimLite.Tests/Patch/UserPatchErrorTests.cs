using System.Net;
using System.Text.Json;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.HttpExtensions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Patch;

/// <summary>
/// PATCH on a User that must fail (SCIM-RULES.md §2, §8): the right status and scimType, the operation named in the
/// detail, and the user left exactly as it was.
/// </summary>
[Collection("scim")]
public sealed class UserPatchErrorTests(ScimApp app) : IAsyncLifetime
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
          "emails": [{ "value": "bjensen@example.com", "type": "work", "primary": true }]
        }
        """)).Id();

    Task<JsonElement> GetAsync(string id) => client.GetJsonAsync($"{UsersUrl}/{id}");

    [Fact]
    public async Task Patch_MoreOperationsOnOneMultiValuedAttributeThanAllowed_Returns413()
    {
        var id = await CreateUserAsync();
        var operations = Enumerable.Range(1, ScimLite.Store.UpdatePlan.MaxStepsPerArray + 1)
            .Select(i => $$"""{"op":"replace","path":"emails[type eq \"work\"].value","value":"w{{i}}@example.com"}""");

        var detail = await client.PatchErrorAsync($"{UsersUrl}/{id}", PatchOp(string.Join(",", operations)), HttpStatusCode.RequestEntityTooLarge, null);

        Assert.Contains($"operation {ScimLite.Store.UpdatePlan.MaxStepsPerArray + 1}", detail);
        Assert.Equal("W/\"1\"", (await GetAsync(id)).Version());
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

        await client.PatchErrorAsync($"{UsersUrl}/{id}", PatchOp(operation), HttpStatusCode.BadRequest, "mutability");

        Assert.Equal("W/\"1\"", (await GetAsync(id)).Version());
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"favouriteColour","value":"blue"}""")]
    [InlineData("""{"op":"replace","path":"name.nickname","value":"x"}""")]
    [InlineData("""{"op":"replace","path":"emails[type eq \"work\"].colour","value":"x"}""")]
    [InlineData("""{"op":"remove","path":"emails[type eq \"work\""}""")]
    public async Task Patch_UnknownOrMalformedPath_Returns400InvalidPath(string operation)
    {
        var id = await CreateUserAsync();

        await client.PatchErrorAsync($"{UsersUrl}/{id}", PatchOp(operation), HttpStatusCode.BadRequest, "invalidPath");
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"active","value":3}""")]
    [InlineData("""{"op":"replace","path":"active","value":"yes"}""")]
    [InlineData("""{"op":"replace","path":"displayName","value":{"x":1}}""")]
    [InlineData("""{"op":"replace","path":"emails","value":"a@b.c"}""")]
    [InlineData("""{"op":"add","path":"emails","value":[{"value":"a@b.c","primary":true},{"value":"d@e.f","primary":true}]}""")]
    [InlineData("""{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":true}""")]
    [InlineData("""{"op":"add","path":"title"}""")]
    [InlineData("""{"op":"replace","value":"active"}""")]
    public async Task Patch_WrongValue_Returns400InvalidValue(string operation)
    {
        var id = await CreateUserAsync();

        await client.PatchErrorAsync($"{UsersUrl}/{id}", PatchOp(operation), HttpStatusCode.BadRequest, "invalidValue");

        Assert.Equal("W/\"1\"", (await GetAsync(id)).Version());
    }

    [Fact]
    public async Task Patch_RemoveWithoutPath_Returns400NoTarget()
    {
        var id = await CreateUserAsync();

        await client.PatchErrorAsync($"{UsersUrl}/{id}", PatchOp("""{"op":"remove","value":{"title":"Tour Guide"}}"""), HttpStatusCode.BadRequest, "noTarget");
    }

    [Fact]
    public async Task Patch_Error_NamesTheOperationIndexAndPath()
    {
        var id = await CreateUserAsync();

        var detail = await client.PatchErrorAsync($"{UsersUrl}/{id}", PatchOp("""
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
    public async Task Patch_ThirdOperationInvalid_LeavesTheUserUnchanged(string third, string scimType)
    {
        var id = await CreateUserAsync();
        var before = await GetAsync(id);

        await client.PatchErrorAsync($"{UsersUrl}/{id}", PatchOp($$"""
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
        await client.PatchErrorAsync($"{UsersUrl}/{Guid.NewGuid()}", PatchOp("""{"op":"replace","path":"active","value":false}"""), HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Patch_StaleIfMatch_Returns412AndChangesNothing()
    {
        var id = await CreateUserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{UsersUrl}/{id}") { Content = HttpExtensions.ScimContent(PatchOp("""{"op":"replace","path":"title","value":"Pilot"}""")) };
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"7\"");

        using var response = await client.SendAsync(request);

        await response.AssertScimErrorAsync(HttpStatusCode.PreconditionFailed, null);
        Assert.Equal("Tour Guide", (await GetAsync(id)).Str("title"));
    }
}
