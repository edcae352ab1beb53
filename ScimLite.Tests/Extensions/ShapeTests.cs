using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.HttpExtensions;

namespace ScimLite.Tests.Extensions;

/// <summary>Managers as sent, empty multi-valued attributes left out, and Prefer: return=… (RFC 7240).</summary>
public class ShapeTests(ScimApp app) : ScimTest(app)
{
    const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Fact]
    public async Task ManagerThatNamesNobody_IsKeptAsSent()
    {
        var created = await (await Client.PostScimAsync(Urls.Users,
            $$"""{"userName":"m1@example.com","{{Enterprise}}":{"manager":{"value":"EMP-0042"} } }""")).AssertStatusAsync(HttpStatusCode.Created);
        var user = await created.ReadJsonAsync();
        var manager = user.GetProperty(Enterprise).GetProperty("manager");
        Assert.Equal("EMP-0042", manager.GetProperty("value").GetString());
        Assert.False(manager.TryGetProperty("$ref", out _));
        Assert.False(manager.TryGetProperty("displayName", out _));

        // A UUID that is no user's id is kept too.
        var nobody = Guid.NewGuid().ToString();
        var patched = await (await Client.PatchScimAsync(Urls.User(user.Id()), PatchOp(
            $$"""{"op":"Replace","path":"{{Enterprise}}:manager","value":"{{nobody}}"}"""))).ReadJsonAsync();
        Assert.Equal(nobody, patched.GetProperty(Enterprise).GetProperty("manager").GetProperty("value").GetString());
        var found = await Client.GetJsonAsync($"{Urls.Users}?filter={Uri.EscapeDataString($"{Enterprise}:manager.value eq \"{nobody}\"")}");
        Assert.Equal(user.Id(), Assert.Single(found.GetProperty("Resources").EnumerateArray()).Id());
    }

    [Fact]
    public async Task ManagerThatNamesAUser_GetsDisplayNameAndRef_AndTheForeignKey()
    {
        var boss = await Client.CreateUserAsync("boss@example.com", "The Boss");
        var user = await Client.CreateAsync(Urls.Users,
            $$"""{"userName":"m2@example.com","{{Enterprise}}":{"manager":{"value":"{{boss.Id()}}"} } }""");
        var manager = user.GetProperty(Enterprise).GetProperty("manager");
        Assert.Equal(boss.Id(), manager.GetProperty("value").GetString());
        Assert.Equal("The Boss", manager.GetProperty("displayName").GetString());
        Assert.EndsWith($"/Users/{boss.Id()}", manager.GetProperty("$ref").GetString(), StringComparison.Ordinal);
        await using var connection = await App.OpenConnectionAsync();
        Assert.Equal(Guid.Parse(boss.Id()), await connection.ExecuteScalarAsync<Guid>(
            "SELECT manager_id FROM users WHERE id = @id", new { id = Guid.Parse(user.Id()) }));
    }

    [Fact]
    public async Task EmptyMultiValuedAttributes_AreLeftOut()
    {
        var user = await Client.CreateAsync(Urls.Users, """{"userName":"e@example.com","emails":[{"value":"e@example.com"}]}""");
        Assert.False(user.TryGetProperty("groups", out _));
        var group = await Client.CreateGroupAsync("Team", user.Id());
        Assert.Single(group.GetProperty("members").EnumerateArray());

        await (await Client.PatchScimAsync(Urls.Group(group.Id()), PatchOp("""{"op":"replace","path":"members","value":[]}""")))
            .AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.False((await Client.GetJsonAsync(Urls.Group(group.Id()))).TryGetProperty("members", out _));
        var emptied = await (await Client.PatchScimAsync(Urls.User(user.Id()), PatchOp("""{"op":"replace","path":"emails","value":[]}""")))
            .ReadJsonAsync();
        Assert.False(emptied.TryGetProperty("emails", out _));
        Assert.False(emptied.TryGetProperty("groups", out _));
    }

    [Fact]
    public async Task PreferReturnMinimal_OnUserWrites()
    {
        var post = new HttpRequestMessage(HttpMethod.Post, Urls.Users) { Content = ScimContent("""{"userName":"p@example.com"}""") };
        post.Headers.Add("Prefer", "return=minimal");
        var created = await (await Client.SendAsync(post)).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal("", await created.Content.ReadAsStringAsync());
        Assert.Equal("return=minimal", Assert.Single(created.Headers.GetValues("Preference-Applied")));
        Assert.NotNull(created.Headers.ETag);
        var location = created.Headers.Location!.ToString();

        var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = ScimContent(PatchOp("""{"op":"replace","path":"displayName","value":"P"}""")) };
        patch.Headers.Add("Prefer", "return=minimal");
        var patched = await (await Client.SendAsync(patch)).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal("W/\"2\"", patched.Headers.ETag!.ToString());
        Assert.Equal("P", (await Client.GetJsonAsync(location)).GetProperty("displayName").GetString());

        // Without Prefer the defaults stay: 200 with the user.
        var plain = await (await Client.PatchScimAsync(location, PatchOp("""{"op":"replace","path":"displayName","value":"Q"}"""))).AssertStatusAsync(HttpStatusCode.OK);
        Assert.False(plain.Headers.Contains("Preference-Applied"));
    }

    [Fact]
    public async Task PreferReturnRepresentation_OnGroupPatch()
    {
        var group = await Client.CreateGroupAsync("Reps");
        var patch = new HttpRequestMessage(HttpMethod.Patch, Urls.Group(group.Id()))
        {
            Content = ScimContent(PatchOp("""{"op":"replace","path":"displayName","value":"Reps 2"}""")),
        };
        patch.Headers.Add("Prefer", "return=representation");
        var response = await (await Client.SendAsync(patch)).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("return=representation", Assert.Single(response.Headers.GetValues("Preference-Applied")));
        Assert.Equal("Reps 2", (await response.ReadJsonAsync()).GetProperty("displayName").GetString());

        var put = new HttpRequestMessage(HttpMethod.Put, Urls.Group(group.Id())) { Content = ScimContent("""{"displayName":"Reps 3"}""") };
        put.Headers.Add("Prefer", "return=minimal");
        await (await Client.SendAsync(put)).AssertStatusAsync(HttpStatusCode.NoContent);
    }
}
