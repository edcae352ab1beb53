using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;
using static ScimLite.Tests.Patch.PatchKit;

namespace ScimLite.Tests.Patch;

/// <summary>
/// The PATCH bodies of Okta's catalogue template app ("SCIM 2.0 Test App (Header Auth)"), as IDP-BEHAVIOUR.md and the
/// seed session show them, replayed body for body; each result is checked with a GET.
/// </summary>
public sealed class OktaPatchTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task Patch_OktaDeactivate_ReplaceValueObjectActiveFalse_DeactivatesAndKeepsTheRest()
    {
        var id = await Client.CreateOktaUserAsync("obi-wan.kenobi@iamciam.dev");
        var before = await Client.GetJsonAsync(Urls.User(id));

        var patched = await Client.PatchAsync(Urls.User(id), """
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "replace",
                        "value": {
                            "active": false
                        }
                    }
                ]
            }
            """, HttpStatusCode.OK);

        Assert.False(patched.GetProperty("active").GetBoolean());
        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.False(after.GetProperty("active").GetBoolean());
        Assert.Equal("W/\"2\"", after.Version());
        Assert.Equal(before.GetProperty("name").GetRawText(), after.GetProperty("name").GetRawText());
        Assert.Equal(before.Items("emails"), after.Items("emails"));
        Assert.Equal("Obi-Wan Kenobi", after.Str("displayName"));
        // A deactivated user is still found the way Okta looks users up.
        var found = await Client.GetJsonAsync($"{Urls.Users}?filter=userName%20eq%20%22obi-wan.kenobi%40iamciam.dev%22&startIndex=1&count=100");
        Assert.Equal(1, found.GetProperty("totalResults").GetInt32());
        Assert.False(found.GetProperty("Resources")[0].GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Patch_OktaDeactivate_WithoutSchemas_IsAccepted()
    {
        var id = await Client.CreateOktaUserAsync("leia@iamciam.dev");

        await Client.PatchAsync(Urls.User(id), """{"Operations":[{"op":"replace","value":{"active":false}}]}""", HttpStatusCode.OK);

        Assert.False((await Client.GetJsonAsync(Urls.User(id))).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Patch_OktaReactivate_ReplaceValueObjectActiveTrue_Reactivates()
    {
        var id = await Client.CreateOktaUserAsync("han@iamciam.dev");
        await Client.PatchAsync(Urls.User(id), """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}""", HttpStatusCode.OK);

        await Client.PatchAsync(Urls.User(id), """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]}""", HttpStatusCode.OK);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.True(after.GetProperty("active").GetBoolean());
        Assert.Equal("W/\"3\"", after.Version());
    }

    [Fact]
    public async Task Patch_OktaPasswordSync_ReplaceValueObject_StoresOnlyANewHash()
    {
        var id = await Client.CreateOktaUserAsync("luke@iamciam.dev");
        var hashBefore = await PasswordHashAsync(id);

        var patched = await Client.PatchAsync(Urls.User(id), """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"password":"t1meMa$heen"}}]}
            """, HttpStatusCode.OK);

        Assert.False(patched.TryGetProperty("password", out _));
        var hashAfter = await PasswordHashAsync(id);
        Assert.NotNull(hashAfter);
        Assert.NotEqual(hashBefore, hashAfter);
        Assert.True(ScimLite.Users.PasswordHasher.Verify("t1meMa$heen", hashAfter));
    }

    [Fact]
    public async Task Patch_OktaPushGroup_AddMembersList_AddsEveryListedUser()
    {
        var (bb8, c3po, r2d2) = (await Client.CreateOktaUserAsync("bb-8@iamciam.dev"), await Client.CreateOktaUserAsync("c-3po@iamciam.dev"),
            await Client.CreateOktaUserAsync("r2-d2@iamciam.dev"));
        var group = await Client.CreateAsync(Urls.Groups, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Droids","members":[]}""");
        var groupId = group.Id();

        await Client.PatchAsync(Urls.Group(groupId), $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "add",
                        "path": "members",
                        "value": [
                            { "value": "{{bb8}}", "display": "bb-8@iamciam.dev" },
                            { "value": "{{c3po}}", "display": "c-3po@iamciam.dev" },
                            { "value": "{{r2d2}}", "display": "r2-d2@iamciam.dev" }
                        ]
                    }
                ]
            }
            """, HttpStatusCode.NoContent);

        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Equal(Sorted(bb8, c3po, r2d2), after.MemberIds());
        Assert.Equal("Droids", after.Str("displayName"));
        Assert.Equal("W/\"2\"", after.Version());
        Assert.Equal(3, (await App.LinkRowsAsync(groupId)).Count);
        var member = after.GetProperty("members").EnumerateArray().Single(m => m.Str("value") == bb8);
        Assert.Equal("User", member.Str("type"));
        Assert.EndsWith($"/Users/{bb8}", member.Str("$ref"));
    }

    [Fact]
    public async Task Patch_OktaRemoveMember_ByValueFilterPath_RemovesOnlyThatMember()
    {
        var (a, b) = (await Client.CreateOktaUserAsync("a@iamciam.dev"), await Client.CreateOktaUserAsync("b@iamciam.dev"));
        var groupId = (await Client.CreateGroupAsync("Droids", a, b)).Id();

        await Client.PatchAsync(Urls.Group(groupId), $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "remove",
                    "path": "members[value eq \"{{a}}\"]"
                }]
            }
            """, HttpStatusCode.NoContent);

        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Equal([b], after.MemberIds());
        Assert.Equal("W/\"2\"", after.Version());
        // The user only left the group; the user itself is still there.
        await Client.GetJsonAsync(Urls.User(a));
    }

    [Fact]
    public async Task Patch_OktaReplaceMembers_MakesMembershipExactlyTheListAndKeepsUnchangedRows()
    {
        var (a, b, c) = (await Client.CreateOktaUserAsync("a@iamciam.dev"), await Client.CreateOktaUserAsync("b@iamciam.dev"),
            await Client.CreateOktaUserAsync("c@iamciam.dev"));
        var groupId = (await Client.CreateGroupAsync("Droids", a, b)).Id();
        var rowsBefore = await App.LinkRowsAsync(groupId);

        await Client.PatchAsync(Urls.Group(groupId), $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"members","value":[
              {"value":"{{b}}","display":"b@iamciam.dev"},{"value":"{{c}}","display":"c@iamciam.dev"}]}]}
            """, HttpStatusCode.NoContent);

        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Equal(Sorted(b, c), after.MemberIds());
        Assert.Equal("W/\"2\"", after.Version());
        var rowsAfter = await App.LinkRowsAsync(groupId);
        Assert.Equal(rowsBefore[Guid.Parse(b)], rowsAfter[Guid.Parse(b)]);
    }

    [Fact]
    public async Task Patch_OktaReplaceMembersWithEmptyList_EmptiesTheGroup()
    {
        var (a, b) = (await Client.CreateOktaUserAsync("a@iamciam.dev"), await Client.CreateOktaUserAsync("b@iamciam.dev"));
        var groupId = (await Client.CreateGroupAsync("Droids", a, b)).Id();

        await Client.PatchAsync(Urls.Group(groupId),
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"members","value":[]}]}""",
            HttpStatusCode.NoContent);

        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Empty(after.MemberIds());
        Assert.Equal("Droids", after.Str("displayName"));
        Assert.Empty(await App.LinkRowsAsync(groupId));
    }

    [Fact]
    public async Task Patch_OktaRename_ValueObjectWithTheGroupsOwnId_RenamesAndKeepsMembers()
    {
        var a = await Client.CreateOktaUserAsync("a@iamciam.dev");
        var groupId = (await Client.CreateGroupAsync("Droids", a)).Id();

        await Client.PatchAsync(Urls.Group(groupId), $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "replace",
                    "value": {
                        "id": "{{groupId}}",
                        "displayName": "Rebel Droids"
                    }
                }]
            }
            """, HttpStatusCode.NoContent);

        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Equal("Rebel Droids", after.Str("displayName"));
        Assert.Equal([a], after.MemberIds());
        Assert.Equal("W/\"2\"", after.Version());
        var found = await Client.GetJsonAsync($"{Urls.Groups}?filter=displayName%20eq%20%22Rebel%20Droids%22&startIndex=1&count=100");
        Assert.Equal(1, found.GetProperty("totalResults").GetInt32());
    }

    [Fact]
    public async Task Patch_OktaRenameSentWithMembershipUpdate_SameName_ChangesOnlyMembers()
    {
        var (a, b) = (await Client.CreateOktaUserAsync("a@iamciam.dev"), await Client.CreateOktaUserAsync("b@iamciam.dev"));
        var groupId = (await Client.CreateGroupAsync("Droids", a)).Id();

        await Client.PatchAsync(Urls.Group(groupId), $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
              {"op":"replace","value":{"id":"{{groupId}}","displayName":"Droids"} },
              {"op":"add","path":"members","value":[{"value":"{{b}}","display":"b@iamciam.dev"}]}]}
            """, HttpStatusCode.NoContent);

        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Equal("Droids", after.Str("displayName"));
        Assert.Equal(Sorted(a, b), after.MemberIds());
        Assert.Equal("W/\"2\"", after.Version());
    }

    [Fact]
    public async Task Patch_OktaValueObjectWithMembers_ReplacesMembershipAndName()
    {
        var (a, b, c) = (await Client.CreateOktaUserAsync("a@iamciam.dev"), await Client.CreateOktaUserAsync("b@iamciam.dev"),
            await Client.CreateOktaUserAsync("c@iamciam.dev"));
        var groupId = (await Client.CreateGroupAsync("Droids", a, b)).Id();

        await Client.PatchAsync(Urls.Group(groupId), $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
              {"op":"replace","value":{"id":"{{groupId}}","displayName":"Astromechs","members":[
                {"value":"{{b}}","display":"b@iamciam.dev"},{"value":"{{c}}","display":"c@iamciam.dev"}]} }]}
            """, HttpStatusCode.NoContent);

        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Equal("Astromechs", after.Str("displayName"));
        Assert.Equal(Sorted(b, c), after.MemberIds());
    }

    [Fact]
    public async Task Patch_OktaRename_WithAnotherGroupsId_Returns400MutabilityAndChangesNothing()
    {
        var groupId = (await Client.CreateGroupAsync("Droids")).Id();
        var otherId = (await Client.CreateGroupAsync("Jedi")).Id();

        var detail = await Client.PatchErrorAsync(Urls.Group(groupId), $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"{{otherId}}","displayName":"New"} }]}
            """, HttpStatusCode.BadRequest, "mutability");

        Assert.Contains("operation 1", detail);
        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Equal("Droids", after.Str("displayName"));
        Assert.Equal("W/\"1\"", after.Version());
    }

    async Task<string?> PasswordHashAsync(string id)
    {
        await using var connection = await App.OpenConnectionAsync();
        return await connection.QuerySingleAsync<string?>("SELECT password_hash FROM users WHERE id = @id", new { id = Guid.Parse(id) });
    }
}
