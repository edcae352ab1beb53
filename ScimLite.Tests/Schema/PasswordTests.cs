using System.Net;
using System.Text.Json;
using Dapper;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Schema;

/// <summary>password is writeOnly and returned never (RFC 7643 §4.1.1): no response ever carries it.</summary>
public class PasswordTests(ScimApp app) : ScimTest(app)
{
    const string Secret = "Pa55w0rd!Secret";

    static void AssertNoPassword(JsonElement body)
    {
        Assert.False(ScimAssert.HasMemberAnywhere(body, "password"), $"password returned: {body}");
        Assert.DoesNotContain(Secret, body.GetRawText());
        Assert.DoesNotContain("pbkdf2", body.GetRawText());
    }

    async Task<JsonElement> CreateAsync(HttpClient client)
    {
        using var response = await client.PostScimAsync(Urls.Users, new { userName = "secret@example.com", password = Secret });
        await response.AssertStatusAsync(HttpStatusCode.Created);
        var created = await response.ReadJsonAsync();
        AssertNoPassword(created);
        return created;
    }

    [Fact]
    public async Task Post_ResponseHasNoPassword()
    {
        await CreateAsync(Client);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?attributes=password")]
    [InlineData("?attributes=password,userName")]
    [InlineData("?attributes=urn:ietf:params:scim:schemas:core:2.0:User:password")]
    [InlineData("?excludedAttributes=userName")]
    public async Task Get_ByIdAndList_NeverReturnPassword(string query)
    {
        var created = await CreateAsync(Client);

        AssertNoPassword(await Client.GetJsonAsync($"{Urls.Users}/{created.Id()}{query}"));
        AssertNoPassword(await Client.GetJsonAsync($"{Urls.Users}{query}"));
    }

    [Fact]
    public async Task Search_WithAttributesPassword_DoesNotReturnIt()
    {
        await CreateAsync(Client);

        using var response = await Client.PostScimAsync($"{Urls.Users}/.search", new
        {
            schemas = new[] { "urn:ietf:params:scim:api:messages:2.0:SearchRequest" },
            attributes = new[] { "password", "userName" },
        });

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var list = await response.ReadJsonAsync();
        AssertNoPassword(list);
        Assert.Equal("secret@example.com", list.GetProperty("Resources")[0].GetProperty("userName").GetString());
    }

    [Fact]
    public async Task Put_ResponseHasNoPassword()
    {
        var created = await CreateAsync(Client);

        using var response = await Client.PutScimAsync(Urls.User(created.Id()), new { userName = "secret@example.com", password = Secret + "2" });

        await response.AssertStatusAsync(HttpStatusCode.OK);
        AssertNoPassword(await response.ReadJsonAsync());
    }

    [Fact]
    public async Task Patch_ResponseHasNoPassword()
    {
        var created = await CreateAsync(Client);

        using var response = await Client.PatchScimAsync($"{Urls.Users}/{created.Id()}?attributes=password,userName",
            HttpExtensions.PatchOp(new { op = "replace", path = "password", value = Secret + "3" }));

        await response.AssertStatusAsync(HttpStatusCode.OK);
        AssertNoPassword(await response.ReadJsonAsync());
    }

    [Fact]
    public async Task StoredPassword_IsASaltedHashNotTheCleartext()
    {
        await CreateAsync(Client);
        using (var second = await Client.PostScimAsync(Urls.Users, new { userName = "same@example.com", password = Secret }))
            await second.AssertStatusAsync(HttpStatusCode.Created);

        await using var connection = await App.OpenConnectionAsync();
        var hashes = (await connection.QueryAsync<string>("SELECT password_hash FROM users")).ToList();
        Assert.Equal(2, hashes.Count);
        Assert.All(hashes, h => Assert.StartsWith("pbkdf2-sha256$", h));
        Assert.All(hashes, h => Assert.DoesNotContain(Secret, h));
        Assert.All(hashes, h => Assert.True(ScimLite.Users.PasswordHasher.Verify(Secret, h)));
        Assert.NotEqual(hashes[0], hashes[1]);
    }
}
