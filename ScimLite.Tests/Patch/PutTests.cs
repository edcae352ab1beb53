using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;
using static ScimLite.Tests.Patch.PatchKit;

namespace ScimLite.Tests.Patch;

/// <summary>
/// Okta App Integration Wizard apps update only with PUT (IDP-BEHAVIOUR.md): they GET the user and PUT the whole
/// resource back with the change, deactivate with <c>"active": false</c>, and push group membership as a PUT with
/// <c>displayName</c> and the complete <c>members</c> list.
/// </summary>
public sealed class PutTests(ScimApp app) : ScimTest(app)
{
    async Task<JsonElement> PutAsync(string url, string body)
    {
        using var response = await Client.PutScimAsync(url, body);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    /// <summary>What an AIW app does: GET the user, change it, PUT all of it back (id, meta, groups included).</summary>
    async Task<JsonElement> GetEditPutAsync(string id, Action<JsonObject> edit)
    {
        var current = JsonNode.Parse((await Client.GetJsonAsync(Urls.User(id))).GetRawText())!.AsObject();
        edit(current);
        return await PutAsync(Urls.User(id), current.ToJsonString());
    }

    [Fact]
    public async Task Put_OktaAiw_GetEditPut_ChangesOnlyTheEditedAttribute()
    {
        var id = await Client.CreateOktaUserAsync("test.user@okta.local", "Test", "User");
        var before = await Client.GetJsonAsync(Urls.User(id));

        var put = await GetEditPutAsync(id, user => user["name"]!["givenName"] = "Another");

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.Equal(put.GetRawText(), after.GetRawText());
        Assert.Equal("Another", after.GetProperty("name").Str("givenName"));
        Assert.Equal("User", after.GetProperty("name").Str("familyName"));
        Assert.Equal(before.Items("emails"), after.Items("emails"));
        foreach (var attribute in new[] { "userName", "displayName", "locale", "externalId" })
            Assert.Equal(before.Str(attribute), after.Str(attribute));
        Assert.True(after.GetProperty("active").GetBoolean());
        Assert.Equal("W/\"2\"", after.Version());
        Assert.Equal(before.GetProperty("meta").Str("created"), after.GetProperty("meta").Str("created"));
    }

    [Fact]
    public async Task Put_OktaAiw_DocumentedBody_ReplacesTheUser()
    {
        var id = await Client.CreateOktaUserAsync("test.user@okta.local", "Test", "User");

        // Okta's "Update a specific User (PUT)" body: middleName "" and no password.
        await PutAsync(Urls.User(id), $$"""
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "id": "{{id}}",
                "userName": "test.user@okta.local",
                "name": {
                    "givenName": "Another",
                    "middleName": "",
                    "familyName": "User"
                },
                "emails": [{
                    "primary": true,
                    "value": "test.user@okta.local",
                    "type": "work"
                }],
                "active": true,
                "groups": [],
                "meta": {
                    "resourceType": "User"
                }
            }
            """);

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.Equal("Another", after.GetProperty("name").Str("givenName"));
        Assert.False(after.GetProperty("name").TryGetProperty("middleName", out _));
        // PUT replaces: what the body leaves out is gone.
        Assert.Null(after.Str("displayName"));
        Assert.Null(after.Str("locale"));
    }

    [Fact]
    public async Task Put_OktaAiw_DeactivateWithActiveFalse_DeactivatesAndKeepsTheUserFindable()
    {
        var id = await Client.CreateOktaUserAsync("test.user@okta.local", "Test", "User");

        var put = await GetEditPutAsync(id, user => user["active"] = false);

        Assert.False(put.GetProperty("active").GetBoolean());
        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.False(after.GetProperty("active").GetBoolean());
        Assert.Equal("Test", after.GetProperty("name").Str("givenName"));
        var found = await Client.GetJsonAsync($"{Urls.Users}?filter=userName%20eq%20%22TEST.USER%40okta.local%22&startIndex=1&count=100");
        Assert.Equal(id, found.GetProperty("Resources")[0].Str("id"));
    }

    [Fact]
    public async Task Put_OktaAiw_UnchangedUser_KeepsVersionAndLastModified()
    {
        var id = await Client.CreateOktaUserAsync("test.user@okta.local", "Test", "User");
        var before = await Client.GetJsonAsync(Urls.User(id));

        await GetEditPutAsync(id, _ => { });

        var after = await Client.GetJsonAsync(Urls.User(id));
        Assert.Equal(before.Version(), after.Version());
        Assert.Equal(before.LastModified(), after.LastModified());
    }

    [Fact]
    public async Task Put_OktaAiwGroup_CompleteMembersList_AddsAndRemovesAndKeepsUnchangedMembers()
    {
        var (a, b, c, d) = (await Client.CreateOktaUserAsync("a@okta.local"), await Client.CreateOktaUserAsync("b@okta.local"),
            await Client.CreateOktaUserAsync("c@okta.local"), await Client.CreateOktaUserAsync("d@okta.local"));
        var groupId = (await Client.CreateGroupAsync("Test SCIMv2", a, b, c)).Id();
        var rowsBefore = await App.LinkRowsAsync(groupId);

        // Okta's documented PUT shows member ids without hyphens; d's is sent that way.
        var put = await PutAsync(Urls.Group(groupId), $$"""
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "id": "{{groupId}}",
                "displayName": "Test SCIMv2",
                "members": [
                    { "value": "{{b}}", "display": "b@okta.local" },
                    { "value": "{{c}}", "display": "c@okta.local" },
                    { "value": "{{Guid.Parse(d):N}}", "display": "d@okta.local" }
                ]
            }
            """);

        Assert.Equal(Sorted(b, c, d), put.MemberIds());
        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Equal(Sorted(b, c, d), after.MemberIds());
        Assert.Equal("Test SCIMv2", after.Str("displayName"));
        Assert.Equal("W/\"2\"", after.Version());
        var rowsAfter = await App.LinkRowsAsync(groupId);
        Assert.False(rowsAfter.ContainsKey(Guid.Parse(a)));
        // Unchanged members keep their rows: only the difference is written.
        Assert.Equal(rowsBefore[Guid.Parse(b)], rowsAfter[Guid.Parse(b)]);
        Assert.Equal(rowsBefore[Guid.Parse(c)], rowsAfter[Guid.Parse(c)]);
        Assert.True(rowsAfter.ContainsKey(Guid.Parse(d)));
        // The removed user's groups no longer list the group; the added one's do.
        Assert.Empty((await Client.GetJsonAsync(Urls.User(a))).Items("groups"));
        Assert.Single((await Client.GetJsonAsync(Urls.User(d))).Items("groups"));
    }

    [Fact]
    public async Task Put_OktaAiwGroup_SameNameAndMembers_KeepsVersion()
    {
        var (a, b) = (await Client.CreateOktaUserAsync("a@okta.local"), await Client.CreateOktaUserAsync("b@okta.local"));
        var groupId = (await Client.CreateGroupAsync("Test SCIMv2", a, b)).Id();
        var before = await Client.GetJsonAsync(Urls.Group(groupId));

        await PutAsync(Urls.Group(groupId), $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"{{groupId}}","displayName":"Test SCIMv2",
             "members":[{"value":"{{b}}","display":"b@okta.local"},{"value":"{{a}}","display":"a@okta.local"}]}
            """);

        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Equal(before.Version(), after.Version());
        Assert.Equal(before.LastModified(), after.LastModified());
        Assert.Equal(Sorted(a, b), after.MemberIds());
    }

    [Fact]
    public async Task Put_OktaAiwGroup_RenameWithEmptyMembers_RenamesAndEmpties()
    {
        var a = await Client.CreateOktaUserAsync("a@okta.local");
        var groupId = (await Client.CreateGroupAsync("Test SCIMv2", a)).Id();

        await PutAsync(Urls.Group(groupId), $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"{{groupId}}","displayName":"Renamed","members":[]}
            """);

        var after = await Client.GetJsonAsync(Urls.Group(groupId));
        Assert.Equal("Renamed", after.Str("displayName"));
        Assert.Empty(after.MemberIds());
        Assert.Equal("W/\"2\"", after.Version());
    }
}
