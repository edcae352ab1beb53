using System.Text.Json.Nodes;
using ScimLite.Scim.Schema;
using static ScimLite.Doctor.Scim;

namespace ScimLite.Doctor;

/// <summary>
/// What Microsoft Entra ID sends: lookups by userName, a create with the Enterprise extension, the default PATCH
/// dialect (<c>"Replace"</c>, string booleans <c>"False"</c>, member removal with a value list), groups read with
/// <c>excludedAttributes=members</c>, redundant member adds, and the hard delete. Shapes from
/// /work/shared/IDP-BEHAVIOUR.md.
/// </summary>
public static class EntraLifecycle
{
    public static Task RunAsync(DoctorHttp http, Expect expect, Checklist list) =>
        TestResources.RunLifecycleAsync(http, expect, list, "Entra",
            test => UserAsync(http, expect, list, test), test => GroupAsync(http, expect, list, test));

    static async Task UserAsync(DoctorHttp http, Expect expect, Checklist list, TestResources test)
    {
        var check = "lookup by userName before the create → 200 with an empty list";
        var empty = expect.Body(await http.GetAsync($"/Users?{Filter("userName", test.UserName)}"), check, 200);
        expect.That(TotalResults(empty) == 0, check, "an unknown userName must give totalResults 0, not 404: Entra quarantines the app otherwise.");
        list.Pass(check);

        check = "POST /Users with the Enterprise extension, nulls and empty arrays → 201";
        var created = expect.Body(await test.CreateUserAsync(CreateBody(test), Reply.ScimMediaType), check, 201);
        expect.That(test.UserId is not null && Text(created, "userName") == test.UserName, check,
            "the 201 lacks the id or does not return userName exactly as sent.");
        list.Pass(check);
        var id = test.UserId!;

        check = "PATCH {\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"} → user inactive";
        await expect.ActiveAfterPatchAsync(http, check, id, PatchOp(Op("Replace", "active", "False")), active: false);
        list.Pass(check);
    }

    static JsonObject CreateBody(TestResources test) => new()
    {
        ["schemas"] = new JsonArray(ScimUrns.User, ScimUrns.EnterpriseUser),
        ["externalId"] = Guid.NewGuid().ToString(),
        ["userName"] = test.UserName,
        ["active"] = true,
        ["displayName"] = "ScimLite Doctor",
        ["emails"] = new JsonArray(new JsonObject { ["primary"] = true, ["type"] = "work", ["value"] = test.UserName }),
        // Entra sends meta, explicit nulls and empty arrays; a server must ignore them.
        ["meta"] = new JsonObject { ["resourceType"] = "User" },
        ["name"] = new JsonObject { ["formatted"] = "ScimLite Doctor", ["familyName"] = "Doctor", ["givenName"] = "ScimLite" },
        ["title"] = null,
        ["roles"] = new JsonArray(),
        [ScimUrns.EnterpriseUser] = new JsonObject { ["department"] = "ScimLite doctor" },
    };

    static async Task GroupAsync(DoctorHttp http, Expect expect, Checklist list, TestResources test)
    {
        var lookup = $"/Groups?excludedAttributes=members&{Filter("displayName", test.GroupName)}";
        var check = "group lookup by displayName with excludedAttributes=members → 200 with an empty list";
        var empty = expect.Body(await http.GetAsync(lookup), check, 200);
        expect.That(TotalResults(empty) == 0, check, "an unknown displayName must give totalResults 0: a filter ignored links the wrong group.");
        list.Pass(check);

        check = "POST /Groups → 201";
        expect.Body(await test.CreateGroupAsync(new JsonObject
        {
            ["schemas"] = new JsonArray(ScimUrns.Group),
            ["externalId"] = Guid.NewGuid().ToString(),
            ["displayName"] = test.GroupName,
            ["members"] = new JsonArray(),
        }), check, 201);
        expect.That(test.GroupId is not null, check, "the 201 lacks the group's id.");
        list.Pass(check);
        var (groupId, userId) = (test.GroupId!, test.UserId!);

        check = "group lookup by displayName with excludedAttributes=members → the group, without members";
        var found = expect.Body(await http.GetAsync(lookup), check, 200);
        var item = Resources(found).FirstOrDefault();
        expect.That(TotalResults(found) == 1 && Text(item, "id") == groupId && !item.TryGetProperty("members", out _), check,
            "the filter does not find exactly this group, or members are returned although excluded.");
        list.Pass(check);

        // Entra sends adds for members already present; the second one must be harmless.
        var add = PatchOp(Op("Add", "members", new JsonArray(new JsonObject { ["$ref"] = null, ["value"] = userId })));
        check = "PATCH {\"op\":\"Add\",\"path\":\"members\"} → the group lists the user";
        await expect.MembershipAfterPatchAsync(http, check, groupId, userId, add, member: true);
        list.Pass(check);
        check = "the same Add again (Entra repeats adds) → harmless";
        await expect.MembershipAfterPatchAsync(http, check, groupId, userId, add, member: true);
        list.Pass(check);

        check = "PATCH {\"op\":\"Remove\",\"path\":\"members\",\"value\":[…]} → the user has left";
        var remove = PatchOp(Op("Remove", "members", new JsonArray(new JsonObject { ["value"] = userId })));
        await expect.MembershipAfterPatchAsync(http, check, groupId, userId, remove, member: false);
        list.Pass(check);
    }
}
