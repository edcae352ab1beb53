using System.Net;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Users;

/// <summary>userName is unique and matched ignoring case for every letter, not only ASCII, and kept as sent.</summary>
public class UserNameCaseTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task Post_NonAsciiNameDifferingOnlyInCase_Returns409Uniqueness()
    {
        await (await Client.PostScimAsync(Urls.Users, new { userName = "ÄNNE.Øberg@example.org" })).AssertStatusAsync(HttpStatusCode.Created);

        var duplicate = await Client.PostScimAsync(Urls.Users, new { userName = "änne.øberg@example.org" });

        await duplicate.AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
    }

    [Fact]
    public async Task Filter_NonAsciiNameInOtherCase_FindsTheUserAsSent()
    {
        await (await Client.PostScimAsync(Urls.Users, new { userName = "ÄNNE.Øberg@example.org" })).AssertStatusAsync(HttpStatusCode.Created);

        var list = await (await Client.GetAsync($"{Urls.Users}?filter=" + Uri.EscapeDataString("userName eq \"änne.øberg@example.org\"")))
            .AssertStatusAsync(HttpStatusCode.OK);

        var body = await list.ReadJsonAsync();
        Assert.Equal(1, body.GetProperty("totalResults").GetInt32());
        Assert.Equal("ÄNNE.Øberg@example.org", body.GetProperty("Resources")[0].GetProperty("userName").GetString());
    }
}
