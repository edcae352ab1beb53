using System.Net;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.HttpExtensions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;
using static ScimLite.Tests.Patch.PatchKit;

namespace ScimLite.Tests.Patch;

/// <summary>
/// Microsoft Entra ID's PATCH dialects (IDP-BEHAVIOUR.md): the default one (capitalised ops, string booleans, one
/// operation per attribute, member removal with a value list) and aadOptscim062020 (lowercase ops, real booleans,
/// filtered member removal, path-less replace with dotted keys), replayed body for body and checked with a GET.
/// </summary>
public sealed class EntraPatchTests(ScimApp app) : ScimTest(app)
{
    /// <summary>A user as Entra creates one: a work and a home email, a home address.</summary>
    async Task<string> CreateEntraUserAsync(string userName = "Test_User_ab6490ee@contoso.com")
    {
        var user = await Client.CreateAsync(Urls.Users, $$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "{{EnterpriseUrn}}"],
              "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
              "userName": "{{userName}}",
              "active": true,
              "displayName": "Test User",
              "emails": [
                { "primary": true, "type": "work", "value": "{{userName}}" },
                { "type": "home", "value": "home@example.com" }
              ],
              "addresses": [{ "type": "home", "streetAddress": "1 Home Lane", "locality": "Redmond", "country": "US" }],
              "meta": { "resourceType": "User" },
              "name": { "familyName": "User", "givenName": "Test" },
              "roles": []
            }
            """);
        return user.Id();
    }

    [Fact]
    public async Task Patch_EntraReplaceActiveWithStringFalse_Deactivates()
    {
        var id = await CreateEntraUserAsync();

        await Client.PatchAsync(Urls.User(id), PatchOp("""{"op":"Replace","path":"active","value":"False"}"""), HttpStatusCode.OK);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.False(after.GetProperty("active").GetBoolean());
        Assert.Equal("W/\"2\"", after.Version());
    }

    [Fact]
    public async Task Patch_EntraAddActiveWithStringTrue_Reactivates()
    {
        var id = await CreateEntraUserAsync();
        await Client.PatchAsync(Urls.User(id), PatchOp("""{"op":"Replace","path":"active","value":"False"}"""), HttpStatusCode.OK);

        await Client.PatchAsync(Urls.User(id), PatchOp("""{"op":"Add","path":"active","value":"True"}"""), HttpStatusCode.OK);

        Assert.True((await Client.GetJsonAsync(Urls.User(id))).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Patch_EntraReplaceWorkEmailValue_ChangesOnlyTheWorkEmail()
    {
        var id = await CreateEntraUserAsync();

        await Client.PatchAsync(Urls.User(id),
            PatchOp("""{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"}"""), HttpStatusCode.OK);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.Equal(
            [Canonical("""{"primary":true,"type":"work","value":"updatedEmail@microsoft.com"}"""), Canonical("""{"type":"home","value":"home@example.com"}""")],
            after.Items("emails"));
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Replace")]
    public async Task Patch_EntraWorkEmailValue_WhenNoWorkEmailExists_CreatesItAndLeavesOthers(string op)
    {
        var user = await Client.CreateAsync(Urls.Users, """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"kim@contoso.com","emails":[{"type":"home","value":"kim@home.example"}]}
            """);
        var id = user.Id();

        await Client.PatchAsync(Urls.User(id),
            PatchOp($$"""{"op":"{{op}}","path":"emails[type eq \"work\"].value","value":"kim@contoso.com"}"""), HttpStatusCode.OK);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.Equal(
            [Canonical("""{"type":"home","value":"kim@home.example"}"""), Canonical("""{"type":"work","value":"kim@contoso.com"}""")],
            after.Items("emails"));
        // The created email is found the way Entra and Okta look users up.
        var found = await Client.GetJsonAsync($"{Urls.Users}?filter=emails.value%20eq%20%22kim%40contoso.com%22");
        Assert.Equal(1, found.GetProperty("totalResults").GetInt32());
    }

    [Fact]
    public async Task Patch_EntraWorkStreetAddress_WhenNoWorkAddressExists_CreatesItAndLeavesOthers()
    {
        var id = await CreateEntraUserAsync();

        await Client.PatchAsync(Urls.User(id),
            PatchOp("""{"op":"Add","path":"addresses[type eq \"work\"].streetAddress","value":"1 Microsoft Way"}"""), HttpStatusCode.OK);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.Equal(
            [
                Canonical("""{"type":"home","streetAddress":"1 Home Lane","locality":"Redmond","country":"US"}"""),
                Canonical("""{"type":"work","streetAddress":"1 Microsoft Way"}"""),
            ],
            after.Items("addresses"));
    }

    [Fact]
    public async Task Patch_EntraWorkStreetAddress_WhenWorkAddressExists_ChangesOnlyThatSubAttribute()
    {
        var id = await CreateEntraUserAsync();
        await Client.PatchAsync(Urls.User(id),
            PatchOp("""{"op":"Add","path":"addresses[type eq \"work\"].locality","value":"Seattle"}"""), HttpStatusCode.OK);

        await Client.PatchAsync(Urls.User(id),
            PatchOp("""{"op":"Replace","path":"addresses[type eq \"work\"].streetAddress","value":"2 Microsoft Way"}"""), HttpStatusCode.OK);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.Equal(
            [
                Canonical("""{"type":"home","streetAddress":"1 Home Lane","locality":"Redmond","country":"US"}"""),
                Canonical("""{"type":"work","locality":"Seattle","streetAddress":"2 Microsoft Way"}"""),
            ],
            after.Items("addresses"));
    }

    [Fact]
    public async Task Patch_EntraReplaceGivenName_KeepsFamilyName()
    {
        var id = await CreateEntraUserAsync();

        await Client.PatchAsync(Urls.User(id), PatchOp("""{"op":"Replace","path":"name.givenName","value":"Kim"}"""), HttpStatusCode.OK);

        var name = (await Client.GetJsonAsync(Urls.User(id))).GetProperty("name");
        Assert.Equal("Kim", name.Str("givenName"));
        Assert.Equal("User", name.Str("familyName"));
    }

    [Fact]
    public async Task Patch_EntraEmployeeNumber_UrnQualifiedPath_SetsItAndListsTheExtension()
    {
        var id = await CreateEntraUserAsync();

        await Client.PatchAsync(Urls.User(id),
            PatchOp($$"""{"op":"Add","path":"{{EnterpriseUrn}}:employeeNumber","value":"701984"}"""), HttpStatusCode.OK);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.Equal("701984", after.GetProperty(EnterpriseUrn).Str("employeeNumber"));
        Assert.Contains(EnterpriseUrn, after.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()));
    }

    [Theory]
    [InlineData("Add", true)]
    [InlineData("Replace", true)]
    [InlineData("Add", false)]
    [InlineData("Replace", false)]
    public async Task Patch_EntraManager_AsObjectOrBareId_SetsTheManager(string op, bool asObject)
    {
        var id = await CreateEntraUserAsync();
        var managerId = await CreateEntraUserAsync("boss@contoso.com");
        var value = asObject ? $$"""{"value":"{{managerId}}"}""" : $"\"{managerId}\"";

        await Client.PatchAsync(Urls.User(id), PatchOp($$"""{"op":"{{op}}","path":"{{EnterpriseUrn}}:manager","value":{{value}}}"""), HttpStatusCode.OK);

        var manager = (await Client.GetJsonAsync(Urls.User(id))).GetProperty(EnterpriseUrn).GetProperty("manager");
        Assert.Equal(managerId, manager.Str("value"));
        Assert.EndsWith($"/Users/{managerId}", manager.Str("$ref"));
        Assert.Equal("Test User", manager.Str("displayName"));
    }

    [Fact]
    public async Task Patch_EntraRemoveManager_UnassignsIt()
    {
        var id = await CreateEntraUserAsync();
        var managerId = await CreateEntraUserAsync("boss@contoso.com");
        await Client.PatchAsync(Urls.User(id), PatchOp($$"""{"op":"Add","path":"{{EnterpriseUrn}}:manager","value":"{{managerId}}"}"""), HttpStatusCode.OK);

        await Client.PatchAsync(Urls.User(id), PatchOp($$"""{"op":"Remove","path":"{{EnterpriseUrn}}:manager"}"""), HttpStatusCode.OK);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.False(after.TryGetProperty(EnterpriseUrn, out _));
        Assert.DoesNotContain(EnterpriseUrn, after.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()));
        await Client.GetJsonAsync(Urls.User(managerId));
    }

    [Fact]
    public async Task Patch_EntraOneOperationPerAttribute_AppliesEveryOperation()
    {
        var id = await CreateEntraUserAsync();

        var patched = await Client.PatchAsync(Urls.User(id), PatchOp($$"""
            {"op":"Replace","path":"displayName","value":"Kim Berg"},
            {"op":"Replace","path":"emails[type eq \"work\"].value","value":"kim.berg@contoso.com"},
            {"op":"Replace","path":"name.givenName","value":"Kim"},
            {"op":"Replace","path":"name.familyName","value":"Berg"},
            {"op":"Add","path":"addresses[type eq \"work\"].streetAddress","value":"1 Microsoft Way"},
            {"op":"Add","path":"{{EnterpriseUrn}}:employeeNumber","value":"2"},
            {"op":"Add","path":"externalId","value":"kim-berg"},
            {"op":"Replace","path":"active","value":"True"}
            """), HttpStatusCode.OK);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.Equal(patched.GetRawText(), after.GetRawText());
        Assert.Equal("Kim Berg", after.Str("displayName"));
        Assert.Equal("kim.berg@contoso.com", after.GetProperty("emails").EnumerateArray().Single(e => e.Str("type") == "work").Str("value"));
        Assert.Equal("Kim", after.GetProperty("name").Str("givenName"));
        Assert.Equal("Berg", after.GetProperty("name").Str("familyName"));
        Assert.Equal("1 Microsoft Way", after.GetProperty("addresses").EnumerateArray().Single(a => a.Str("type") == "work").Str("streetAddress"));
        Assert.Equal("2", after.GetProperty(EnterpriseUrn).Str("employeeNumber"));
        Assert.Equal("kim-berg", after.Str("externalId"));
        Assert.True(after.GetProperty("active").GetBoolean());
        Assert.Equal("W/\"2\"", after.Version());
    }

    [Fact]
    public async Task Patch_Aad062020_LowercaseOpsAndRealBooleans_Apply()
    {
        var id = await CreateEntraUserAsync();

        await Client.PatchAsync(Urls.User(id), PatchOp("""
            {"op":"replace","path":"active","value":false},
            {"op":"replace","path":"emails[type eq \"home\"].primary","value":false},
            {"op":"add","path":"title","value":"Engineer"}
            """), HttpStatusCode.OK);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.False(after.GetProperty("active").GetBoolean());
        Assert.Equal("Engineer", after.Str("title"));
        Assert.False(after.GetProperty("emails").EnumerateArray().Single(e => e.Str("type") == "home").GetProperty("primary").GetBoolean());
    }

    [Fact]
    public async Task Patch_Aad062020_PathlessReplaceWithDottedAndUrnKeys_SetsEachAttribute()
    {
        var id = await CreateEntraUserAsync();

        await Client.PatchAsync(Urls.User(id), PatchOp($$"""
            {
              "op": "replace",
              "value": {
                "displayName": "Kim Berg",
                "name.givenName": "A",
                "name.familyName": "Berg",
                "{{EnterpriseUrn}}:employeeNumber": "7",
                "active": false
              }
            }
            """), HttpStatusCode.OK);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.Equal("Kim Berg", after.Str("displayName"));
        Assert.Equal("A", after.GetProperty("name").Str("givenName"));
        Assert.Equal("Berg", after.GetProperty("name").Str("familyName"));
        Assert.Equal("7", after.GetProperty(EnterpriseUrn).Str("employeeNumber"));
        Assert.False(after.GetProperty("active").GetBoolean());
        // Attributes the value object does not name are untouched.
        Assert.Equal(2, after.Items("emails").Length);
        Assert.Equal("Test_User_ab6490ee@contoso.com", after.Str("userName"));
    }
}
