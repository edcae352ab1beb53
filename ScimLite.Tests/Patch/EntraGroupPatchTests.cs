using System.Net;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.HttpExtensions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Patch;

/// <summary>
/// Microsoft Entra ID's membership PATCHes (IDP-BEHAVIOUR.md): adds with <c>"$ref": null</c>, redundant re-adds,
/// removal with a value list (default dialect) or a value filter (aadOptscim062020); each checked with a GET.
/// </summary>
public sealed class EntraGroupPatchTests(ScimApp app) : ScimTest(app)
{
    async Task<string> CreateEntraUserAsync(string userName = "Test_User_ab6490ee@contoso.com") => (await Client.CreateAsync(Urls.Users, $$"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"externalId":"{{userName}}","userName":"{{userName}}","active":true,
         "displayName":"{{userName}}","meta":{"resourceType":"User"},"roles":[]}
        """)).Id();

    [Fact]
    public async Task Patch_EntraAddMembersWithNullRef_AddsTheMember()
    {
        var userId = await CreateEntraUserAsync();
        var groupId = (await Client.CreateGroupAsync("Contoso Sales")).Id();

        await Client.PatchAsync(Urls.Group(groupId),
            PatchOp($$"""{"op":"Add","path":"members","value":[{"$ref":null,"value":"{{userId}}"}]}"""), HttpStatusCode.NoContent);

        var after = await Client.GetJsonAsync($"{Urls.Groups}/{groupId}?excludedAttributes=members");
        Assert.False(after.TryGetProperty("members", out _));
        Assert.Equal("W/\"2\"", after.Version());
        Assert.Equal([userId], (await Client.GetJsonAsync(Urls.Group(groupId))).MemberIds());
    }

    [Fact]
    public async Task Patch_EntraRedundantAddOfExistingMember_Succeeds_WithoutChangingVersionOrRow()
    {
        var (a, b) = (await CreateEntraUserAsync(), await CreateEntraUserAsync("b@contoso.com"));
        var groupId = (await Client.CreateGroupAsync("Contoso Sales", a, b)).Id();
        var before = await Client.GetJsonAsync(Urls.Group(groupId));
        var rowsBefore = await App.LinkRowsAsync(groupId);

        using var response = await Client.PatchScimAsync(Urls.Group(groupId),
            PatchOp($$"""{"op":"Add","path":"members","value":[{"$ref":null,"value":"{{a}}"},{"$ref":null,"value":"{{b}}"}]}"""));
        await response.AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Equal(before.Version(), after.Version());
        Assert.Equal(before.LastModified(), after.LastModified());
        Assert.Equal(rowsBefore, await App.LinkRowsAsync(groupId));
    }

    [Fact]
    public async Task Patch_EntraRemoveMembersWithValueList_RemovesOnlyThoseMembers()
    {
        var (a, b, c) = (await CreateEntraUserAsync(), await CreateEntraUserAsync("b@contoso.com"), await CreateEntraUserAsync("c@contoso.com"));
        var groupId = (await Client.CreateGroupAsync("Contoso Sales", a, b, c)).Id();

        await Client.PatchAsync(Urls.Group(groupId),
            PatchOp($$"""{"op":"Remove","path":"members","value":[{"value":"{{a}}"},{"value":"{{c}}"}]}"""), HttpStatusCode.NoContent);

        Assert.Equal([b], (await Client.GetJsonAsync(Urls.Group(groupId))).MemberIds());
    }

    [Fact]
    public async Task Patch_Aad062020_RemoveMemberByValueFilter_RemovesOnlyThatMember()
    {
        var (a, b) = (await CreateEntraUserAsync(), await CreateEntraUserAsync("b@contoso.com"));
        var groupId = (await Client.CreateGroupAsync("Contoso Sales", a, b)).Id();

        await Client.PatchAsync(Urls.Group(groupId), PatchOp($$"""{"op":"remove","path":"members[value eq \"{{a}}\"]"}"""), HttpStatusCode.NoContent);

        Assert.Equal([b], (await Client.GetJsonAsync(Urls.Group(groupId))).MemberIds());
    }
}
