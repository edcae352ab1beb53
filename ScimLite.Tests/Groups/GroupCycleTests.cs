using System.Net;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.HttpExtensions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Groups;

/// <summary>
/// Nested groups never form a cycle: a membership that would make a group contain itself, directly or through other
/// groups, is 400 invalidValue on PATCH and PUT, and changes nothing. (A POST creates a group nothing contains yet, so
/// its members cannot close a cycle.)
/// </summary>
public sealed class GroupCycleTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task Patch_TwoGroupsInEachOther_IsRefused()
    {
        var g1 = (await Client.CreateGroupAsync("G1")).Id();
        var g2 = (await Client.CreateGroupAsync("G2", g1)).Id();

        using var response = await Client.PatchScimAsync(Urls.Group(g1), AddMember(g2));

        var error = await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("cycle", error.GetProperty("detail").GetString()!);
        Assert.Empty((await Client.GetJsonAsync(Urls.Group(g1))).MemberIds());
    }

    [Fact]
    public async Task Patch_ALongerCycle_IsRefused_AndTheOtherMembersOfTheRequestAreNotAdded()
    {
        var user = (await Client.CreateUserAsync("bjensen@example.com")).Id();
        var g1 = (await Client.CreateGroupAsync("G1")).Id();
        var g2 = (await Client.CreateGroupAsync("G2", g1)).Id();
        var g3 = (await Client.CreateGroupAsync("G3", g2)).Id();

        using var response = await Client.PatchScimAsync(Urls.Group(g1), AddMember(user, g3));

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        var after = await Client.GetJsonAsync(Urls.Group(g1));
        Assert.Empty(after.MemberIds());
        Assert.Equal("W/\"1\"", after.Version());
    }

    [Fact]
    public async Task Put_WithAMemberThatContainsTheGroup_IsRefused()
    {
        var g1 = (await Client.CreateGroupAsync("G1")).Id();
        var g2 = (await Client.CreateGroupAsync("G2", g1)).Id();
        var g3 = (await Client.CreateGroupAsync("G3", g2)).Id();

        using var response = await Client.PutScimAsync(Urls.Group(g1), new
        {
            schemas = new[] { GroupUrn },
            displayName = "G1",
            members = new[] { new { value = g3 } },
        });

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Empty((await Client.GetJsonAsync(Urls.Group(g1))).MemberIds());
    }

    [Fact]
    public async Task Nesting_WithoutACycle_IsAccepted()
    {
        // A diamond: G1 in G2 and G3, both in G4. Reaching G1 twice is not a cycle.
        var g1 = (await Client.CreateGroupAsync("G1")).Id();
        var g2 = (await Client.CreateGroupAsync("G2", g1)).Id();
        var g3 = (await Client.CreateGroupAsync("G3", g1)).Id();
        var g4 = (await Client.CreateGroupAsync("G4", g2)).Id();

        using var response = await Client.PatchScimAsync(Urls.Group(g4), AddMember(g3));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(new[] { g2, g3 }.Order(), (await Client.GetJsonAsync(Urls.Group(g4))).MemberIds());
    }

    [Fact]
    public async Task ConcurrentNesting_OfTwoGroupsInEachOther_LeavesNoCycle()
    {
        for (var round = 0; round < 5; round++)
        {
            await App.ResetAsync();
            var g1 = (await Client.CreateGroupAsync("G1")).Id();
            var g2 = (await Client.CreateGroupAsync("G2")).Id();

            var responses = await Task.WhenAll(
                Client.PatchScimAsync(Urls.Group(g1), AddMember(g2)),
                Client.PatchScimAsync(Urls.Group(g2), AddMember(g1)));

            var members = (await Client.GetJsonAsync(Urls.Group(g1))).MemberIds().Length
                + (await Client.GetJsonAsync(Urls.Group(g2))).MemberIds().Length;
            Assert.Equal(1, members);
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.NoContent));
            foreach (var response in responses)
                response.Dispose();
        }
    }

    static string AddMember(params string[] ids) =>
        PatchOp(new { op = "add", path = "members", value = ids.Select(id => new { value = id }).ToArray() });
}
