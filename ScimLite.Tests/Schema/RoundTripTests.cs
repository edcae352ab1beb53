using System.Net;
using System.Text.Json;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Schema;

/// <summary>The full RFC 7643 schema survives POST → GET → PUT → GET exactly as sent.</summary>
public class RoundTripTests(ScimApp app) : ScimTest(app)
{
    const string BaseUrl = "http://localhost/scim/v2";

    async Task<JsonElement> CreateManagerAsync(HttpClient client) =>
        await client.CreateUserAsync("jsmith@example.com", "John Smith");

    [Fact]
    public async Task FullUser_PostThenGet_ReturnsEveryAttributeAsSent()
    {
        var manager = await CreateManagerAsync(Client);

        var created = await Client.PostUserAsync(FullUser.Json(manager.Id()));
        var fetched = await Client.GetJsonAsync(Urls.User(created.Id()));

        var expected = FullUser.Expected(manager.Id(), "John Smith", BaseUrl);
        ScimAssert.JsonEqual(expected, created.Without("id", "meta"));
        ScimAssert.JsonEqual(expected, fetched.Without("id", "meta"));
        ScimAssert.JsonEqual(created, fetched);
    }

    [Fact]
    public async Task FullUser_PutSameBody_ChangesNothingAndKeepsVersion()
    {
        var manager = await CreateManagerAsync(Client);
        var created = await Client.PostUserAsync(FullUser.Json(manager.Id()));

        using var put = await Client.PutScimAsync(Urls.User(created.Id()), FullUser.Json(manager.Id()));
        await put.AssertStatusAsync(HttpStatusCode.OK);
        var replaced = await put.ReadJsonAsync();
        var fetched = await Client.GetJsonAsync(Urls.User(created.Id()));

        ScimAssert.JsonEqual(created, replaced);
        ScimAssert.JsonEqual(created, fetched);
        Assert.Equal(created.Version(), put.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task FullUser_PutSameBodyWithoutPassword_KeepsVersion()
    {
        var manager = await CreateManagerAsync(Client);
        var created = await Client.PostUserAsync(FullUser.Json(manager.Id()));
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(FullUser.Json(manager.Id()))!;
        body.Remove("password");

        using var put = await Client.PutScimAsync(Urls.User(created.Id()), body);

        await put.AssertStatusAsync(HttpStatusCode.OK);
        ScimAssert.JsonEqual(created, await put.ReadJsonAsync());
    }

    [Fact]
    public async Task Enterprise_ManagerDisplayName_ComesFromTheManagerUser()
    {
        var manager = await CreateManagerAsync(Client);

        var created = await Client.PostUserAsync(new Dictionary<string, object>
        {
            ["userName"] = "report@example.com",
            // manager.displayName is readOnly: what the client sends is ignored.
            [ResourceRequests.EnterpriseUrn] = new { manager = new { value = manager.Id(), displayName = "Someone Else" } },
        });

        var managerJson = created.GetProperty(ResourceRequests.EnterpriseUrn).GetProperty("manager");
        Assert.Equal(manager.Id(), managerJson.GetProperty("value").GetString());
        Assert.Equal("John Smith", managerJson.GetProperty("displayName").GetString());
        Assert.Equal($"{BaseUrl}/Users/{manager.Id()}", managerJson.GetProperty("$ref").GetString());

        (await Client.PatchScimAsync(Urls.User(manager.Id()),
            HttpExtensions.PatchOp(new { op = "replace", path = "displayName", value = "Johnny Smith" }))).Dispose();
        var fetched = await Client.GetJsonAsync(Urls.User(created.Id()));
        Assert.Equal("Johnny Smith", fetched.GetProperty(ResourceRequests.EnterpriseUrn).GetProperty("manager").GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Enterprise_DeletingTheManager_ClearsManagerAndMovesTheReportsVersion()
    {
        var manager = await CreateManagerAsync(Client);
        var report = await Client.PostUserAsync(new Dictionary<string, object>
        {
            ["userName"] = "report@example.com",
            [ResourceRequests.EnterpriseUrn] = new { manager = new { value = manager.Id() } },
        });

        (await Client.DeleteAsync(Urls.User(manager.Id()))).Dispose();

        var fetched = await Client.GetJsonAsync(Urls.User(report.Id()));
        Assert.False(fetched.TryGetProperty(ResourceRequests.EnterpriseUrn, out _), fetched.ToString());
        Assert.Equal([ResourceRequests.UserUrn], fetched.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()));
        // The representation changed, so a cached copy must not be revalidated by its old ETag.
        Assert.NotEqual(report.Version(), fetched.Version());
    }

    [Fact]
    public async Task Enterprise_SelfManagedUser_CanBeDeleted()
    {
        var user = await Client.CreateUserAsync("self@example.com");
        using (var put = await Client.PutScimAsync(Urls.User(user.Id()), new Dictionary<string, object>
        {
            ["userName"] = "self@example.com", [ResourceRequests.EnterpriseUrn] = new { manager = new { value = user.Id() } },
        }))
            await put.AssertStatusAsync(HttpStatusCode.OK);

        using var deleted = await Client.DeleteAsync(Urls.User(user.Id()));

        await deleted.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(0, await App.CountAsync("users"));
    }

    [Fact]
    public async Task Enterprise_UrnInSchemasOnlyWhenTheUserHasEnterpriseData()
    {
        var plain = await Client.PostUserAsync(new Dictionary<string, object>
        {
            ["schemas"] = new[] { ResourceRequests.UserUrn, ResourceRequests.EnterpriseUrn },
            ["userName"] = "plain@example.com",
            [ResourceRequests.EnterpriseUrn] = new { },
        });
        var enterprise = await Client.PostUserAsync(new Dictionary<string, object>
        {
            ["userName"] = "enterprise@example.com",
            [ResourceRequests.EnterpriseUrn] = new { costCenter = "4130" },
        });

        Assert.Equal([ResourceRequests.UserUrn], plain.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()));
        Assert.False(plain.TryGetProperty(ResourceRequests.EnterpriseUrn, out _));
        Assert.Equal([ResourceRequests.UserUrn, ResourceRequests.EnterpriseUrn], enterprise.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("4130", enterprise.GetProperty(ResourceRequests.EnterpriseUrn).GetProperty("costCenter").GetString());

        // Clearing the last enterprise value drops the URN again.
        using var put = await Client.PutScimAsync(Urls.User(enterprise.Id()), new { userName = "enterprise@example.com" });
        var cleared = await put.ReadJsonAsync();
        Assert.Equal([ResourceRequests.UserUrn], cleared.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task FullGroup_PostGetPut_RoundTripsEveryAttribute()
    {
        var user = await Client.CreateUserAsync("member@example.com", "Member One");
        var nested = await Client.CreateGroupAsync("Nested");
        var body = $$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
              "externalId": "okta-00g1",
              "displayName": "Tour Guides",
              "members": [
                {"value": "{{user.Id()}}", "type": "User", "display": "ignored", "$ref": "https://elsewhere.example/Users/x"},
                {"value": "{{nested.Id()}}", "type": "Group"}
              ]
            }
            """;

        using var post = await Client.PostScimAsync(Urls.Groups, body);
        await post.AssertStatusAsync(HttpStatusCode.Created);
        var created = await post.ReadJsonAsync();
        var fetched = await Client.GetJsonAsync(Urls.Group(created.Id()));
        using var put = await Client.PutScimAsync(Urls.Group(created.Id()), body);
        await put.AssertStatusAsync(HttpStatusCode.OK);
        var replaced = await put.ReadJsonAsync();

        Assert.Equal([ResourceRequests.GroupUrn], created.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("okta-00g1", created.GetProperty("externalId").GetString());
        Assert.Equal("Tour Guides", created.GetProperty("displayName").GetString());
        var members = created.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("value").GetString()!);
        ScimAssert.JsonEqual(JsonSerializer.SerializeToElement(new Dictionary<string, string>
        {
            ["value"] = user.Id(), ["$ref"] = $"{BaseUrl}/Users/{user.Id()}", ["display"] = "Member One", ["type"] = "User",
        }), members[user.Id()]);
        ScimAssert.JsonEqual(JsonSerializer.SerializeToElement(new Dictionary<string, string>
        {
            ["value"] = nested.Id(), ["$ref"] = $"{BaseUrl}/Groups/{nested.Id()}", ["display"] = "Nested", ["type"] = "Group",
        }), members[nested.Id()]);
        ScimAssert.JsonEqual(created, fetched);
        ScimAssert.JsonEqual(created, replaced);
    }
}
