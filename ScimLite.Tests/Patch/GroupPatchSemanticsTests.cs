using System.Net;
using System.Text.Json;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.HttpExtensions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;
using static ScimLite.Tests.Patch.PatchKit;

namespace ScimLite.Tests.Patch;

/// <summary>RFC 7644 §3.5.2 semantics of PATCH on a Group: membership statements, 204 vs 200, atomicity.</summary>
public sealed class GroupPatchSemanticsTests(ScimApp app) : ScimTest(app)
{
    async Task<(string A, string B, string C, string Group)> ArrangeAsync()
    {
        var a = await Client.CreateOktaUserAsync("a@example.com");
        var b = await Client.CreateOktaUserAsync("b@example.com");
        var c = await Client.CreateOktaUserAsync("c@example.com");
        return (a, b, c, (await Client.CreateGroupAsync("Crew", a, b)).Id());
    }

    Task<JsonElement> GetAsync(string id) => Client.GetJsonAsync(Urls.Group(id));

    [Theory]
    [InlineData("""{"op":"remove","path":"members[value eq \"{0}\"]"}""")]
    [InlineData("""{"op":"remove","path":"members","value":[{"value":"{0}"}]}""")]
    public async Task Patch_RemoveMemberThatIsNotInTheGroup_SucceedsWithoutChange(string operation)
    {
        var (_, _, c, group) = await ArrangeAsync();
        var before = await GetAsync(group);

        await Client.PatchAsync(Urls.Group(group), PatchOp(operation.Replace("{0}", c)), HttpStatusCode.NoContent);

        var after = await GetAsync(group);
        Assert.Equal(before.MemberIds(), after.MemberIds());
        Assert.Equal(before.Version(), after.Version());
        Assert.Equal(before.LastModified(), after.LastModified());
    }

    [Theory]
    [InlineData("""{"op":"remove","path":"members"}""")]
    [InlineData("""{"op":"remove","path":"members","value":null}""")]
    [InlineData("""{"op":"replace","path":"members","value":null}""")]
    public async Task Patch_RemoveAllMembers_EmptiesTheGroup(string operation)
    {
        var (_, _, _, group) = await ArrangeAsync();

        await Client.PatchAsync(Urls.Group(group), PatchOp(operation), HttpStatusCode.NoContent);

        var after = await GetAsync(group);
        Assert.Empty(after.MemberIds());
        Assert.Equal("W/\"2\"", after.Version());
    }

    [Fact]
    public async Task Patch_AddMembers_IgnoresExistingMembersAndAddsNewOnes()
    {
        var (a, b, c, group) = await ArrangeAsync();
        var rowsBefore = await App.LinkRowsAsync(group);

        await Client.PatchAsync(Urls.Group(group), PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{a}}"},{"value":"{{c}}"}]}"""), HttpStatusCode.NoContent);

        var after = await GetAsync(group);
        Assert.Equal(Sorted(a, b, c), after.MemberIds());
        Assert.Equal("W/\"2\"", after.Version());
        Assert.Equal(rowsBefore[Guid.Parse(a)], (await App.LinkRowsAsync(group))[Guid.Parse(a)]);
    }

    [Fact]
    public async Task Patch_NestedGroupMember_IsAddedAndRemovedByFilter()
    {
        var (a, _, _, group) = await ArrangeAsync();
        var inner = (await Client.CreateGroupAsync("Inner", a)).Id();

        await Client.PatchAsync(Urls.Group(group), PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{inner}}","type":"Group"}]}"""), HttpStatusCode.NoContent);
        var added = (await GetAsync(group)).GetProperty("members").EnumerateArray().Single(m => m.Str("value") == inner);
        Assert.Equal("Group", added.Str("type"));

        await Client.PatchAsync(Urls.Group(group), PatchOp($$"""{"op":"remove","path":"members[value eq \"{{inner}}\"]"}"""), HttpStatusCode.NoContent);
        Assert.DoesNotContain(inner, (await GetAsync(group)).MemberIds());
        Assert.Equal([a], (await GetAsync(inner)).MemberIds());
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"displayName","value":"Crew"}""")]
    [InlineData("""{"op":"replace","value":{"displayName":"Crew"}}""")]
    [InlineData("""{"op":"add","path":"members","value":[]}""")]
    public async Task Patch_ThatChangesNothing_KeepsVersionAndLastModified(string operation)
    {
        var (_, _, _, group) = await ArrangeAsync();
        var before = await GetAsync(group);

        await Client.PatchAsync(Urls.Group(group), PatchOp(operation), HttpStatusCode.NoContent);

        var after = await GetAsync(group);
        Assert.Equal(before.Version(), after.Version());
        Assert.Equal(before.LastModified(), after.LastModified());
    }

    [Fact]
    public async Task Patch_WithAttributesQuery_Returns200WithOnlyThoseAttributes()
    {
        var (_, _, c, group) = await ArrangeAsync();

        var body = await Client.PatchAsync($"{Urls.Groups}/{group}?attributes=displayName",
            PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{c}}"}]}"""), HttpStatusCode.OK);

        Assert.Equal(["displayName", "id", "schemas"], body.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("Crew", body.Str("displayName"));
        Assert.Equal(3, (await GetAsync(group)).MemberIds().Length);
    }

    [Fact]
    public async Task Patch_WithExcludedMembers_Returns200WithoutMembers()
    {
        var (_, _, _, group) = await ArrangeAsync();

        var body = await Client.PatchAsync($"{Urls.Groups}/{group}?excludedAttributes=members",
            PatchOp("""{"op":"replace","path":"displayName","value":"Crew 2"}"""), HttpStatusCode.OK);

        Assert.False(body.TryGetProperty("members", out _));
        Assert.Equal("Crew 2", body.Str("displayName"));
        Assert.Equal("W/\"2\"", body.Version());
    }

    [Fact]
    public async Task Patch_Without_AttributesQuery_Returns204WithETag()
    {
        var (_, _, c, group) = await ArrangeAsync();

        using var response = await Client.PatchScimAsync(Urls.Group(group), PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{c}}"}]}"""));

        await response.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal("W/\"2\"", response.Headers.ETag?.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"members[value eq \"{0}\"].display","value":"x"}""")]
    [InlineData("""{"op":"replace","path":"members[value eq \"{0}\"]","value":{"value":"{0}"}}""")]
    [InlineData("""{"op":"replace","path":"members.display","value":"x"}""")]
    [InlineData("""{"op":"remove","path":"displayName"}""")]
    [InlineData("""{"op":"replace","path":"id","value":"{0}"}""")]
    [InlineData("""{"op":"replace","path":"meta.version","value":"W/\"9\""}""")]
    public async Task Patch_ImmutableReadOnlyOrRequired_Returns400Mutability(string operation)
    {
        var (a, _, _, group) = await ArrangeAsync();

        await Client.PatchErrorAsync(Urls.Group(group), PatchOp(operation.Replace("{0}", a)), HttpStatusCode.BadRequest, "mutability");

        Assert.Equal("W/\"1\"", (await GetAsync(group)).Version());
    }

    [Theory]
    [InlineData("""{"op":"add","path":"members","value":[{"value":"2819c223-7f76-453a-919d-413861904646"}]}""")]
    [InlineData("""{"op":"add","path":"members","value":[{"value":"not-an-id"}]}""")]
    [InlineData("""{"op":"add","path":"members","value":[{"display":"no value"}]}""")]
    [InlineData("""{"op":"add","path":"members","value":["{0}"]}""")]
    [InlineData("""{"op":"add","path":"members","value":"{0}"}""")]
    [InlineData("""{"op":"replace","path":"displayName","value":["x"]}""")]
    public async Task Patch_BadMemberValue_Returns400InvalidValueAndChangesNothing(string operation)
    {
        var (_, _, c, group) = await ArrangeAsync();

        await Client.PatchErrorAsync(Urls.Group(group), PatchOp(operation.Replace("{0}", c)), HttpStatusCode.BadRequest, "invalidValue");

        Assert.Equal(2, (await GetAsync(group)).MemberIds().Length);
    }

    [Fact]
    public async Task Patch_BadMemberValue_ErrorNamesTheOperation()
    {
        var (_, _, c, group) = await ArrangeAsync();

        var detail = await Client.PatchErrorAsync(Urls.Group(group), PatchOp($$"""
            {"op":"add","path":"members","value":[{"value":"{{c}}"}]},
            {"op":"remove","path":"members","value":[{"display":"no value"}]}
            """), HttpStatusCode.BadRequest, "invalidValue");

        Assert.Contains("operation 2 (remove members)", detail);
    }

    [Fact]
    public async Task Patch_GroupAsMemberOfItself_Returns400InvalidValue()
    {
        var (_, _, _, group) = await ArrangeAsync();

        await Client.PatchErrorAsync(Urls.Group(group), PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{group}}"}]}"""), HttpStatusCode.BadRequest, "invalidValue");
    }

    [Fact]
    public async Task Patch_ThirdOperationAddsUnknownMember_LeavesTheGroupUnchanged()
    {
        var (a, b, c, group) = await ArrangeAsync();
        var before = await GetAsync(group);

        var detail = await Client.PatchErrorAsync(Urls.Group(group), PatchOp($$"""
            {"op":"add","path":"members","value":[{"value":"{{c}}"}]},
            {"op":"replace","path":"displayName","value":"Renamed"},
            {"op":"add","path":"members","value":[{"value":"2819c223-7f76-453a-919d-413861904646"}]}
            """), HttpStatusCode.BadRequest, "invalidValue");

        Assert.Contains("2819c223-7f76-453a-919d-413861904646", detail);
        var after = await GetAsync(group);
        Assert.Equal(before.GetRawText(), after.GetRawText());
        Assert.Equal(Sorted(a, b), after.MemberIds());
        Assert.Equal(2, (await App.LinkRowsAsync(group)).Count);
    }

    [Fact]
    public async Task Patch_RenameToTakenName_Returns409AndRollsBackMemberChanges()
    {
        var (a, b, c, group) = await ArrangeAsync();
        await Client.CreateGroupAsync("Taken");

        await Client.PatchErrorAsync(Urls.Group(group), PatchOp($$"""
            {"op":"add","path":"members","value":[{"value":"{{c}}"}]},
            {"op":"remove","path":"members[value eq \"{{a}}\"]"},
            {"op":"replace","path":"displayName","value":"TAKEN"}
            """), HttpStatusCode.Conflict, "uniqueness");

        var after = await GetAsync(group);
        Assert.Equal("Crew", after.Str("displayName"));
        Assert.Equal(Sorted(a, b), after.MemberIds());
        Assert.Equal("W/\"1\"", after.Version());
    }

    [Fact]
    public async Task Patch_UnknownGroup_Returns404()
    {
        await Client.PatchErrorAsync(Urls.Group(Guid.NewGuid()), PatchOp("""{"op":"replace","path":"displayName","value":"x"}"""), HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Patch_RemoveWithoutPath_Returns400NoTarget()
    {
        var (_, _, _, group) = await ArrangeAsync();

        await Client.PatchErrorAsync(Urls.Group(group), PatchOp("""{"op":"remove"}"""), HttpStatusCode.BadRequest, "noTarget");
    }
}
