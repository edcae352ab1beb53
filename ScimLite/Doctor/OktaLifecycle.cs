using System.Text.Json.Nodes;
using ScimLite.Scim.Schema;
using static ScimLite.Doctor.Scim;

namespace ScimLite.Doctor;

/// <summary>
/// What Okta sends when a user is assigned, deactivated, updated and pushed to a group: the catalogue app's PATCH
/// (<c>{"op":"replace","value":{"active":false}}</c>), the AIW app's GET-then-PUT of the whole user, and a group
/// push with Okta's rename-plus-members PATCH. Shapes from /work/shared/IDP-BEHAVIOUR.md.
/// </summary>
public static class OktaLifecycle
{
    public static Task RunAsync(DoctorHttp http, Expect expect, Checklist list) =>
        TestResources.RunLifecycleAsync(http, expect, list, "Okta",
            test => UserAsync(http, expect, list, test), test => GroupPushAsync(http, expect, list, test));

    static async Task UserAsync(DoctorHttp http, Expect expect, Checklist list, TestResources test)
    {
        var lookup = $"/Users?{Filter("userName", test.UserName)}&startIndex=1&count=100";
        var check = "lookup by userName before the create → 200 with an empty list";
        var empty = expect.Body(await http.GetAsync(lookup), check, 200);
        expect.That(TotalResults(empty) == 0, check, "an unknown userName must give totalResults 0 (not 404, not other users): Okta would link the wrong user.");
        list.Pass(check);

        check = "POST /Users as application/json, Okta's body → 201 with the user";
        var created = expect.Body(await test.CreateUserAsync(CreateBody(test), "application/json"), check, 201);
        expect.That(test.UserId is not null && Text(created, "userName") == test.UserName, check,
            "the 201 lacks the id or does not return userName exactly as sent (\"Create new user returned empty user\" in Okta).");
        expect.That(!created.TryGetProperty("password", out _), check, "the password is returned: it must be write-only.");
        list.Pass(check);
        var id = test.UserId!;

        check = "lookup by userName, upper-cased → finds the user (case-insensitive)";
        var found = expect.Body(await http.GetAsync($"/Users?{Filter("userName", test.UserName.ToUpperInvariant())}&startIndex=1&count=100"), check, 200);
        var item = Resources(found).FirstOrDefault();
        expect.That(TotalResults(found) == 1 && Text(item, "id") == id && Text(item, "userName") == test.UserName
            && item.TryGetProperty("meta", out var meta) && Text(meta, "location") is not null, check,
            "the filter does not find the user ignoring case, or the item lacks id, userName or meta.location.");
        list.Pass(check);

        check = "GET /Users/{id} → 200";
        var read = expect.Body(await http.GetAsync($"/Users/{id}"), check, 200);
        expect.That(Text(read, "id") == id, check, "the answer names another id.");
        list.Pass(check);

        check = "PATCH {\"op\":\"replace\",\"value\":{\"active\":false}} (catalogue app deactivation) → user inactive";
        var patch = PatchOp(Op("replace", null, new JsonObject { ["active"] = false }));
        await expect.ActiveAfterPatchAsync(http, check, id, patch, active: false);
        list.Pass(check);

        check = "GET then PUT of the whole user (AIW update and reactivation) → 200 with the change";
        var user = JsonNode.Parse(expect.Body(await http.GetAsync($"/Users/{id}"), check, 200).GetRawText())!.AsObject();
        user["displayName"] = "ScimLite Doctor (updated)";
        user["active"] = true;
        var put = expect.Body(await http.SendAsync(HttpMethod.Put, $"/Users/{id}", user), check, 200);
        expect.That(Text(put, "displayName") == "ScimLite Doctor (updated)" && Bool(put, "active") == true, check,
            "the PUT answer does not carry the new displayName and active: true.");
        list.Pass(check);
    }

    static JsonObject CreateBody(TestResources test) => new()
    {
        ["schemas"] = new JsonArray(ScimUrns.User),
        ["userName"] = test.UserName,
        ["name"] = new JsonObject { ["givenName"] = "ScimLite", ["familyName"] = "Doctor" },
        ["emails"] = new JsonArray(new JsonObject { ["primary"] = true, ["value"] = test.UserName, ["type"] = "work" }),
        ["displayName"] = "ScimLite Doctor",
        ["locale"] = "en-US",
        ["externalId"] = "00u" + Random(8),
        ["groups"] = new JsonArray(),
        // Okta sends a random password with every create.
        ["password"] = Random(16),
        ["active"] = true,
    };

    static async Task GroupPushAsync(DoctorHttp http, Expect expect, Checklist list, TestResources test)
    {
        var check = "group push: lookup by displayName → 200 with an empty list";
        var empty = expect.Body(await http.GetAsync($"/Groups?{Filter("displayName", test.GroupName)}&startIndex=1&count=100"), check, 200);
        expect.That(TotalResults(empty) == 0, check, "an unknown displayName must give totalResults 0: Okta would link the wrong group.");
        list.Pass(check);

        check = "group push: POST /Groups → 201";
        var created = expect.Body(await test.CreateGroupAsync(new JsonObject
        {
            ["schemas"] = new JsonArray(ScimUrns.Group),
            ["displayName"] = test.GroupName,
            ["members"] = new JsonArray(),
        }), check, 201);
        expect.That(test.GroupId is not null && Text(created, "displayName") == test.GroupName, check, "the 201 lacks the id or the displayName.");
        list.Pass(check);
        var (groupId, userId) = (test.GroupId!, test.UserId!);

        // Okta sends the rename, with the id inside the value, along with every membership update.
        check = "group push: PATCH rename + add member → the group lists the user";
        var add = PatchOp(
            Op("replace", null, new JsonObject { ["id"] = groupId, ["displayName"] = test.GroupName }),
            Op("add", "members", new JsonArray(new JsonObject { ["value"] = userId, ["display"] = test.UserName })));
        await expect.MembershipAfterPatchAsync(http, check, groupId, userId, add, member: true);
        list.Pass(check);

        check = "group push: PATCH remove members[value eq \"…\"] → the user has left";
        var remove = PatchOp(Op("remove", $"members[value eq \"{userId}\"]", null));
        await expect.MembershipAfterPatchAsync(http, check, groupId, userId, remove, member: false);
        list.Pass(check);
    }
}
