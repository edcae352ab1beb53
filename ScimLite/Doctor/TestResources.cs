using System.Text.Json;
using static ScimLite.Doctor.Scim;

namespace ScimLite.Doctor;

/// <summary>
/// The test user and group of one lifecycle, clearly named (<c>scimlite-doctor-&lt;random&gt;@example.invalid</c>,
/// <c>scimlite-doctor-&lt;random&gt;</c>) and always removed: by the lifecycle's own DELETE checks when it gets
/// that far, otherwise by <see cref="CleanUpAsync"/>, which also finds them by name when a create's answer was lost.
/// </summary>
public sealed class TestResources(DoctorHttp http, Checklist list)
{
    readonly string suffix = Random();
    bool userMayExist, groupMayExist;

    /// <summary>
    /// One identity provider's lifecycle on a fresh test user and group: its user steps, its group steps, both
    /// deletes checked, and the clean-up whatever happened. A failed check stops the lifecycle, not the run.
    /// </summary>
    public static async Task RunLifecycleAsync(DoctorHttp http, Expect expect, Checklist list, string provider,
        Func<TestResources, Task> userSteps, Func<TestResources, Task> groupSteps)
    {
        var test = new TestResources(http, list);
        list.Section($"{provider} lifecycle (test user {test.UserName})");
        try
        {
            await userSteps(test);
            await groupSteps(test);
            await test.DeleteGroupAsync(expect);
            await test.DeleteUserAsync(expect);
        }
        catch (CheckStopped)
        {
        }
        finally
        {
            await test.CleanUpAsync();
        }
    }

    public string UserName => $"scimlite-doctor-{suffix}@example.invalid";
    public string GroupName => $"scimlite-doctor-{suffix}";
    public string? UserId { get; private set; }
    public string? GroupId { get; private set; }

    public async Task<Reply> CreateUserAsync(System.Text.Json.Nodes.JsonObject body, string mediaType)
    {
        userMayExist = true;
        var reply = await http.SendAsync(HttpMethod.Post, "/Users", body, mediaType: mediaType);
        if (reply.Status == 201)
            UserId = reply.Json is { } json ? Text(json, "id") : null;
        return reply;
    }

    public async Task<Reply> CreateGroupAsync(System.Text.Json.Nodes.JsonObject body)
    {
        groupMayExist = true;
        var reply = await http.SendAsync(HttpMethod.Post, "/Groups", body);
        if (reply.Status == 201)
            GroupId = reply.Json is { } json ? Text(json, "id") : null;
        return reply;
    }

    /// <summary>DELETE → 204, then GET → 404: Okta's "delete the group in the app", Entra's hard delete.</summary>
    public async Task DeleteGroupAsync(Expect expect)
    {
        await DeleteAsync(expect, "/Groups", GroupId!, "group");
        groupMayExist = false;
    }

    public async Task DeleteUserAsync(Expect expect)
    {
        await DeleteAsync(expect, "/Users", UserId!, "user");
        userMayExist = false;
    }

    async Task DeleteAsync(Expect expect, string endpoint, string id, string what)
    {
        var check = $"DELETE {endpoint}/{{id}} → 204, then GET → 404: the test {what} is gone";
        expect.Status(await http.SendAsync(HttpMethod.Delete, $"{endpoint}/{id}"), check, 204);
        expect.Status(await http.GetAsync($"{endpoint}/{id}"), check, 404);
        list.Pass(check);
    }

    /// <summary>After a failure: removes whatever the lifecycle created and did not delete, or says what to remove by hand.</summary>
    public async Task CleanUpAsync()
    {
        if (groupMayExist)
            await RemoveAsync("/Groups", "displayName", GroupName, GroupId, "group");
        if (userMayExist)
            await RemoveAsync("/Users", "userName", UserName, UserId, "user");
    }

    async Task RemoveAsync(string endpoint, string attribute, string name, string? knownId, string what)
    {
        var check = $"test {what} {name} removed after the failure";
        if (http.Unreachable)
        {
            list.Fail(check, $"the server cannot be reached any more; delete the {what} by hand ({endpoint}?filter={attribute} eq \"{name}\").");
            return;
        }
        try
        {
            var ids = new HashSet<string>();
            if (knownId is not null)
                ids.Add(knownId);
            var found = await http.GetAsync($"{endpoint}?{Filter(attribute, name)}");
            if (found is { Status: 200, Json: { ValueKind: JsonValueKind.Object } json })
                ids.UnionWith(Resources(json).Select(r => Text(r, "id")).OfType<string>());
            var failures = new List<string>();
            var held = false;
            foreach (var id in ids)
            {
                var reply = await http.SendAsync(HttpMethod.Delete, $"{endpoint}/{id}");
                held |= reply.IsBrakeRefusal;
                if (reply.IsBrakeRefusal)
                    failures.Add($"not deleted: the deprovisioning brake held DELETE {endpoint}/{id}, so the test {what} {name} ({id}) is left behind");
                else if (reply.Status is not (204 or 404))
                    failures.Add($"not deleted: DELETE {endpoint}/{id} answered {reply.Said}, so the test {what} {name} ({id}) is left behind");
            }
            if (failures.Count > 0)
                list.Fail(check, string.Join("; ", failures) + (held
                    ? $". The brake is engaged — see `ScimLite brake status`; delete the {what} by hand once it is released."
                    : ". Delete it by hand."));
            else if (found.Status != 200 && knownId is null)
                list.Fail(check, $"looking it up answered {found.Said}; check by hand that no {what} named {name} is left.");
            else
                list.Pass(check);
        }
        catch (CheckStopped)
        {
            // DoctorHttp has printed the network failure; the operator knows the name from the line below.
            list.Note($"Delete the test {what} {name} by hand.");
        }
    }
}
