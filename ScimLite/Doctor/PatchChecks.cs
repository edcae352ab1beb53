using System.Text.Json.Nodes;
using static ScimLite.Doctor.Scim;

namespace ScimLite.Doctor;

/// <summary>
/// A PATCH is only as good as what a later GET shows: servers have shipped PATCHes that answer 200 and change
/// nothing (a filtered member removal silently ignored), so each one is read back.
/// </summary>
static class PatchChecks
{
    public static async Task ActiveAfterPatchAsync(this Expect expect, DoctorHttp http, string check, string id, JsonObject patch, bool active)
    {
        expect.Status(await http.SendAsync(HttpMethod.Patch, $"/Users/{id}", patch), check, 200, 204);
        var user = expect.Body(await http.GetAsync($"/Users/{id}"), check, 200);
        expect.That(Bool(user, "active") == active, check,
            $"the PATCH answered success but the user is {(active ? "still inactive" : "still active")}: the operation was ignored.");
    }

    public static async Task MembershipAfterPatchAsync(this Expect expect, DoctorHttp http, string check, string groupId,
        string userId, JsonObject patch, bool member)
    {
        expect.Status(await http.SendAsync(HttpMethod.Patch, $"/Groups/{groupId}", patch), check, 200, 204);
        var group = expect.Body(await http.GetAsync($"/Groups/{groupId}"), check, 200);
        expect.That(HasMember(group, userId) == member, check,
            $"the PATCH answered success but the user is {(member ? "not a member" : "still a member")}: the operation was ignored.");
    }
}
