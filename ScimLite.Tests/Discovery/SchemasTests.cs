using System.Net;
using System.Text.Json;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Discovery;

/// <summary>
/// /Schemas (RFC 7643 §7): exactly the User, enterprise User and Group schemas, with the characteristics identity
/// providers map their fields by. Discovery reads no rows, so the class does not reset the database.
/// </summary>
[Collection("scim")]
public sealed class SchemasTests(ScimApp app)
{
    async Task<JsonElement> GetAsync(string url)
    {
        using var client = app.CreateClient();
        return await client.GetScimJsonAsync(url);
    }

    static JsonElement Attribute(JsonElement schemaOrAttribute, string name)
    {
        var list = schemaOrAttribute.TryGetProperty("attributes", out var attributes) ? attributes : schemaOrAttribute.GetProperty("subAttributes");
        return Assert.Single(list.EnumerateArray(), a => a.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Schemas_ListsExactlyUserEnterpriseUserAndGroup_NoMessageSchemas()
    {
        var list = await GetAsync("/scim/v2/Schemas");

        Assert.Equal(3, list.GetProperty("totalResults").GetInt32());
        Assert.Equal(3, list.GetProperty("itemsPerPage").GetInt32());
        Assert.Equal(1, list.GetProperty("startIndex").GetInt32());
        var ids = list.GetProperty("Resources").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
        Assert.Equal(new HashSet<string> { UserUrn, EnterpriseUrn, GroupUrn }, ids.ToHashSet());
        Assert.Equal(3, ids.Count);
        Assert.DoesNotContain(ids, id => id.StartsWith("urn:ietf:params:scim:api:messages", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Schemas_User_ReturnsBareResourceWithAbsoluteLocation()
    {
        var user = await GetAsync($"/scim/v2/Schemas/{UserUrn}");

        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:Schema", Assert.Single(user.GetProperty("schemas").EnumerateArray()).GetString());
        Assert.Equal(UserUrn, user.GetProperty("id").GetString());
        Assert.Equal("User", user.GetProperty("name").GetString());
        Assert.Equal("Schema", user.GetProperty("meta").GetProperty("resourceType").GetString());
        Assert.Equal($"http://localhost/scim/v2/Schemas/{UserUrn}", user.GetProperty("meta").GetProperty("location").GetString());
    }

    [Fact]
    public async Task Schemas_User_OmitsCommonAttributes_AsRfc7643Section8_7_1Does()
    {
        var user = await GetAsync($"/scim/v2/Schemas/{UserUrn}");

        var names = user.GetProperty("attributes").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain("id", names);
        Assert.DoesNotContain("externalId", names);
        Assert.DoesNotContain("meta", names);
    }

    [Fact]
    public async Task Schemas_User_UserNameIsRequiredAndUniqueIgnoringCase()
    {
        var userName = Attribute(await GetAsync($"/scim/v2/Schemas/{UserUrn}"), "userName");

        Assert.True(userName.GetProperty("required").GetBoolean());
        Assert.Equal("server", userName.GetProperty("uniqueness").GetString());
        Assert.False(userName.GetProperty("caseExact").GetBoolean());
        Assert.Equal("string", userName.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Schemas_User_PasswordIsWriteOnlyAndNeverReturned()
    {
        var password = Attribute(await GetAsync($"/scim/v2/Schemas/{UserUrn}"), "password");

        Assert.Equal("writeOnly", password.GetProperty("mutability").GetString());
        Assert.Equal("never", password.GetProperty("returned").GetString());
    }

    [Fact]
    public async Task Schemas_User_GroupsIsReadOnly()
    {
        var groups = Attribute(await GetAsync($"/scim/v2/Schemas/{UserUrn}"), "groups");

        Assert.Equal("readOnly", groups.GetProperty("mutability").GetString());
        Assert.True(groups.GetProperty("multiValued").GetBoolean());
    }

    [Fact]
    public async Task Schemas_User_EmailsIsMultiValuedComplexWithValueTypePrimary()
    {
        var emails = Attribute(await GetAsync($"/scim/v2/Schemas/{UserUrn}"), "emails");

        Assert.True(emails.GetProperty("multiValued").GetBoolean());
        Assert.Equal("complex", emails.GetProperty("type").GetString());
        Assert.Equal("string", Attribute(emails, "value").GetProperty("type").GetString());
        Assert.Equal(new[] { "work", "home", "other" },
            Attribute(emails, "type").GetProperty("canonicalValues").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("boolean", Attribute(emails, "primary").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Schemas_Group_MemberSubAttributesAreImmutable()
    {
        var group = await GetAsync($"/scim/v2/Schemas/{GroupUrn}");
        var members = Attribute(group, "members");

        Assert.True(Attribute(group, "displayName").GetProperty("required").GetBoolean());
        Assert.True(members.GetProperty("multiValued").GetBoolean());
        foreach (var name in new[] { "value", "$ref", "type" })
            Assert.Equal("immutable", Attribute(members, name).GetProperty("mutability").GetString());
        Assert.Equal(new[] { "User", "Group" },
            Attribute(members, "$ref").GetProperty("referenceTypes").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task Schemas_EnterpriseUser_ManagerDisplayNameIsReadOnly()
    {
        var manager = Attribute(await GetAsync($"/scim/v2/Schemas/{EnterpriseUrn}"), "manager");

        Assert.Equal("readOnly", Attribute(manager, "displayName").GetProperty("mutability").GetString());
    }

    [Fact]
    public async Task Schemas_EveryAttribute_CarriesEveryCharacteristic()
    {
        var list = await GetAsync("/scim/v2/Schemas");

        foreach (var schema in list.GetProperty("Resources").EnumerateArray())
        {
            Assert.Equal("Schema", schema.GetProperty("meta").GetProperty("resourceType").GetString());
            Assert.NotEmpty(schema.GetProperty("attributes").EnumerateArray());
            foreach (var attribute in schema.GetProperty("attributes").EnumerateArray())
                AssertWellFormed(attribute, isSub: false);
        }
    }

    static void AssertWellFormed(JsonElement attribute, bool isSub)
    {
        var name = attribute.GetProperty("name").GetString();
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(JsonValueKind.String, attribute.GetProperty("description").ValueKind);
        Assert.Contains(attribute.GetProperty("type").GetString(),
            new[] { "string", "boolean", "decimal", "integer", "dateTime", "reference", "complex", "binary" });
        foreach (var flag in new[] { "multiValued", "required", "caseExact" })
            Assert.True(attribute.GetProperty(flag).ValueKind is JsonValueKind.True or JsonValueKind.False, $"{name}.{flag}");
        Assert.Contains(attribute.GetProperty("mutability").GetString(), new[] { "readOnly", "readWrite", "immutable", "writeOnly" });
        Assert.Contains(attribute.GetProperty("returned").GetString(), new[] { "always", "never", "default", "request" });
        Assert.Contains(attribute.GetProperty("uniqueness").GetString(), new[] { "none", "server", "global" });

        var isComplex = attribute.GetProperty("type").GetString() == "complex";
        Assert.False(isSub && isComplex, $"{name}: sub-attributes are never complex (RFC 7643 §2.3.8)");
        Assert.Equal(isComplex, attribute.TryGetProperty("subAttributes", out var subAttributes));
        if (isComplex)
        {
            Assert.NotEmpty(subAttributes.EnumerateArray());
            foreach (var sub in subAttributes.EnumerateArray())
                AssertWellFormed(sub, isSub: true);
        }
        if (attribute.GetProperty("type").GetString() == "reference")
            Assert.NotEmpty(attribute.GetProperty("referenceTypes").EnumerateArray());
    }

    [Theory]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:Nope")]
    [InlineData("urn:ietf:params:scim:api:messages:2.0:ListResponse")]
    public async Task Schemas_UnknownOrMessageUrn_Returns404WithScimError(string urn)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync($"/scim/v2/Schemas/{urn}");

        await response.AssertScimErrorAsync(HttpStatusCode.NotFound);
    }
}
