using System.Net;
using System.Text.Json;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Schema;

/// <summary>How attribute values are taken: exactly as sent, null clears, unknown ignored, at most one primary.</summary>
public class ValueTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task Values_AreStoredExactlyAsSent()
    {
        var sent = new Dictionary<string, object>
        {
            ["userName"] = "BJensen@Example.COM",
            ["displayName"] = "  Babs   Jensen ",
            ["nickName"] = "bAbS",
            ["name"] = new { givenName = "Bárbara", familyName = "Jensen\tIII" },
            ["emails"] = new[] { new { value = "BJensen@Example.COM", type = "Work" } },
            ["title"] = "<b>Tour & \"Guide\"</b> 🎢",
        };

        var created = await Client.PostUserAsync(sent);
        var fetched = await Client.GetJsonAsync(Urls.User(created.Id()));

        foreach (var resource in new[] { created, fetched })
        {
            Assert.Equal("BJensen@Example.COM", resource.GetProperty("userName").GetString());
            Assert.Equal("  Babs   Jensen ", resource.GetProperty("displayName").GetString());
            Assert.Equal("bAbS", resource.GetProperty("nickName").GetString());
            Assert.Equal("Bárbara", resource.GetProperty("name").GetProperty("givenName").GetString());
            Assert.Equal("Jensen\tIII", resource.GetProperty("name").GetProperty("familyName").GetString());
            Assert.Equal("BJensen@Example.COM", resource.GetProperty("emails")[0].GetProperty("value").GetString());
            Assert.Equal("Work", resource.GetProperty("emails")[0].GetProperty("type").GetString());
            Assert.Equal("<b>Tour & \"Guide\"</b> 🎢", resource.GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task Put_ExplicitNull_ClearsTheAttribute()
    {
        var manager = await Client.CreateUserAsync("jsmith@example.com", "John Smith");
        var created = await Client.PostUserAsync(FullUser.Json(manager.Id()));
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(FullUser.Json(manager.Id()))!;
        foreach (var name in new[] { "nickName", "name", "emails", "addresses", "externalId" })
            body[name] = JsonSerializer.SerializeToElement<object?>(null);
        body[ResourceRequests.EnterpriseUrn] = JsonSerializer.SerializeToElement(new { department = (string?)null, manager = (object?)null, employeeNumber = "701984" });

        using var put = await Client.PutScimAsync(Urls.User(created.Id()), body);

        await put.AssertStatusAsync(HttpStatusCode.OK);
        var fetched = await Client.GetJsonAsync(Urls.User(created.Id()));
        foreach (var name in new[] { "nickName", "name", "emails", "addresses", "externalId" })
            Assert.False(fetched.TryGetProperty(name, out _), $"{name} not cleared: {fetched}");
        var enterprise = fetched.GetProperty(ResourceRequests.EnterpriseUrn);
        Assert.Equal("701984", enterprise.GetProperty("employeeNumber").GetString());
        Assert.False(enterprise.TryGetProperty("department", out _));
        Assert.False(enterprise.TryGetProperty("manager", out _));
        Assert.Equal("Babs Jensen", fetched.GetProperty("displayName").GetString());
        Assert.NotEqual(created.Version(), fetched.Version());
    }

    [Fact]
    public async Task Post_ExplicitNullAndEmptyArrays_LeaveAttributesUnassigned()
    {
        var created = await Client.PostUserAsync("""
            {"userName": "nulls@example.com", "nickName": null, "emails": [], "name": null, "phoneNumbers": null, "title": ""}
            """);

        foreach (var name in new[] { "nickName", "emails", "name", "phoneNumbers", "title" })
            Assert.False(created.TryGetProperty(name, out _), $"{name} should be unassigned: {created}");
    }

    [Fact]
    public async Task Post_UnknownAttributesAndExtensions_AreIgnored()
    {
        var created = await Client.PostUserAsync("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:example:custom:1.0:User"],
              "userName": "extra@example.com",
              "favouriteColour": "blue",
              "name": {"givenName": "Ex", "nickname2": "x"},
              "emails": [{"value": "extra@example.com", "verified": true}],
              "urn:example:custom:1.0:User": {"badge": 7, "nested": {"a": [1, 2]}}
            }
            """);
        var fetched = await Client.GetJsonAsync(Urls.User(created.Id()));

        foreach (var resource in new[] { created, fetched })
        {
            Assert.Equal([ResourceRequests.UserUrn], resource.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()));
            Assert.False(resource.TryGetProperty("favouriteColour", out _));
            Assert.False(resource.TryGetProperty("urn:example:custom:1.0:User", out _));
            ScimAssert.JsonEqual(JsonSerializer.SerializeToElement(new { givenName = "Ex" }), resource.GetProperty("name"));
            ScimAssert.JsonEqual(JsonSerializer.SerializeToElement(new[] { new { value = "extra@example.com" } }), resource.GetProperty("emails"));
        }
    }

    [Theory]
    [InlineData("emails")]
    [InlineData("phoneNumbers")]
    [InlineData("addresses")]
    [InlineData("roles")]
    public async Task Post_TwoPrimaryValues_Returns400InvalidValueAndWritesNothing(string attribute)
    {
        var values = attribute == "addresses"
            ? new object[] { new { locality = "A", primary = true }, new { locality = "B", primary = true } }
            : new object[] { new { value = "a@example.com", primary = true }, new { value = "b@example.com", primary = true } };

        using var response = await Client.PostScimAsync(Urls.Users, new Dictionary<string, object>
        {
            ["userName"] = "twoprimary@example.com", [attribute] = values,
        });

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal(0, await App.CountAsync("users"));
    }

    [Fact]
    public async Task Put_TwoPrimaryEmails_Returns400AndChangesNothing()
    {
        var user = await Client.CreateUserAsync("one@example.com");
        var before = await App.SnapshotAsync();

        using var response = await Client.PutScimAsync(Urls.User(user.Id()), new
        {
            userName = "one@example.com",
            emails = new[] { new { value = "a@example.com", primary = true }, new { value = "b@example.com", primary = true } },
        });

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Fact]
    public async Task Put_ChangingOnlyTheCaseOfUserName_StoresTheNewCase()
    {
        var user = await Client.CreateUserAsync("bjensen@example.com");

        using var put = await Client.PutScimAsync(Urls.User(user.Id()), new { userName = "BJensen@Example.com" });

        await put.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("BJensen@Example.com", (await Client.GetJsonAsync(Urls.User(user.Id()))).GetProperty("userName").GetString());
    }
}
