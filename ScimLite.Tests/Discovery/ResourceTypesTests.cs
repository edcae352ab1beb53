using System.Net;
using System.Text.Json;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Discovery;

/// <summary>
/// /ResourceTypes (RFC 7643 §6): User and Group as a ListResponse, each a bare resource with an absolute location,
/// naming only schemas that /Schemas serves. Discovery reads no rows, so the class does not reset the database.
/// </summary>
[Collection("scim")]
public sealed class ResourceTypesTests(ScimApp app)
{
    const string ResourceTypeUrn = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

    async Task<JsonElement> GetAsync(string url)
    {
        using var client = app.CreateClient();
        return await client.GetScimJsonAsync(url);
    }

    [Fact]
    public async Task ResourceTypes_ListsUserAndGroup_AsListResponse()
    {
        var list = await GetAsync("/scim/v2/ResourceTypes");

        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", Assert.Single(list.GetProperty("schemas").EnumerateArray()).GetString());
        Assert.Equal(2, list.GetProperty("totalResults").GetInt32());
        Assert.Equal(2, list.GetProperty("itemsPerPage").GetInt32());
        Assert.Equal(1, list.GetProperty("startIndex").GetInt32());
        var resources = list.GetProperty("Resources").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(new[] { "Group", "User" }, resources.Keys.Order());

        var user = resources["User"];
        Assert.Equal("/Users", user.GetProperty("endpoint").GetString());
        Assert.Equal(UserUrn, user.GetProperty("schema").GetString());
        var extension = Assert.Single(user.GetProperty("schemaExtensions").EnumerateArray());
        Assert.Equal(EnterpriseUrn, extension.GetProperty("schema").GetString());
        Assert.False(extension.GetProperty("required").GetBoolean());

        var group = resources["Group"];
        Assert.Equal("/Groups", group.GetProperty("endpoint").GetString());
        Assert.Equal(GroupUrn, group.GetProperty("schema").GetString());
        Assert.True(!group.TryGetProperty("schemaExtensions", out var none) || none.GetArrayLength() == 0);
    }

    [Fact]
    public async Task ResourceTypes_User_ReturnsBareResourceWithAbsoluteLocation()
    {
        var user = await GetAsync("/scim/v2/ResourceTypes/User");

        Assert.False(user.TryGetProperty("Resources", out _));
        Assert.Equal(ResourceTypeUrn, Assert.Single(user.GetProperty("schemas").EnumerateArray()).GetString());
        Assert.Equal("User", user.GetProperty("id").GetString());
        Assert.Equal("User", user.GetProperty("name").GetString());
        Assert.False(string.IsNullOrWhiteSpace(user.GetProperty("description").GetString()));
        Assert.Equal("/Users", user.GetProperty("endpoint").GetString());
        Assert.Equal(UserUrn, user.GetProperty("schema").GetString());
        var meta = user.GetProperty("meta");
        Assert.Equal("ResourceType", meta.GetProperty("resourceType").GetString());
        Assert.Equal("http://localhost/scim/v2/ResourceTypes/User", meta.GetProperty("location").GetString());
    }

    [Fact]
    public async Task ResourceTypes_Unknown_Returns404WithScimError()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/scim/v2/ResourceTypes/Nope");

        await response.AssertScimErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ResourceTypes_EverySchemaTheyName_IsServedBySchemas()
    {
        var list = await GetAsync("/scim/v2/ResourceTypes");
        var urns = new List<string>();
        foreach (var type in list.GetProperty("Resources").EnumerateArray())
        {
            urns.Add(type.GetProperty("schema").GetString()!);
            if (type.TryGetProperty("schemaExtensions", out var extensions))
                urns.AddRange(extensions.EnumerateArray().Select(e => e.GetProperty("schema").GetString()!));
        }

        Assert.Equal(3, urns.Count);
        foreach (var urn in urns)
        {
            var schema = await GetAsync($"/scim/v2/Schemas/{urn}");
            Assert.Equal(urn, schema.GetProperty("id").GetString());
        }
    }
}
