using System.Text.Json;
using ScimLite.Scim.Patch;
using ScimLite.Groups;
using ScimLite.Store;
using ScimLite.Tests.Infrastructure;
using ScimLite.Users;
using ScimLite.Telemetry;

namespace ScimLite.Tests.Telemetry;

/// <summary>Which provisioning counters a successful PATCH or PUT body moves, from real Okta and Entra bodies.</summary>
public class ProvisioningChangesTests
{
    const string Op = "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]";
    const string A = "2819c223-7f76-453a-919d-413861904646";
    const string B = "902c246b-6245-4190-8e05-00816be7344a";

    [Theory]
    // Okta catalogue app: deactivate with a value object, reactivate likewise.
    [InlineData("User", "PATCH", "{" + Op + ",\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false}}]}", "UserDeactivated:1")]
    [InlineData("User", "PATCH", "{" + Op + ",\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":true}}]}", "UserReactivated:1")]
    // Entra: capitalised op and a string boolean.
    [InlineData("User", "PATCH", "{" + Op + ",\"Operations\":[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}]}", "UserDeactivated:1")]
    [InlineData("User", "PATCH", "{" + Op + ",\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"x\"}]}", "")]
    // Okta AIW: the whole user on every update; only active=false is a deactivation.
    [InlineData("User", "PUT", "{\"userName\":\"a\",\"active\":false}", "UserDeactivated:1")]
    [InlineData("User", "PUT", "{\"userName\":\"a\",\"active\":true}", "")]
    [InlineData("Group", "PATCH", "{" + Op + ",\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"" + A + "\"},{\"value\":\"" + B + "\"}]}]}", "MembersAdded:2")]
    [InlineData("Group", "PATCH", "{" + Op + ",\"Operations\":[{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + A + "\\\"]\"}]}", "MembersRemoved:1")]
    [InlineData("Group", "PATCH", "{" + Op + ",\"Operations\":[{\"op\":\"Remove\",\"path\":\"members\",\"value\":[{\"value\":\"" + A + "\"}]}]}", "MembersRemoved:1")]
    [InlineData("Group", "PATCH", "{" + Op + ",\"Operations\":[{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"x\"}]}", "")]
    public void Changes_OfASuccessfulBody(string type, string method, string body, string expected)
    {
        using var document = JsonDocument.Parse(body);
        var map = Maps.Of(type);

        var changes = (method == "PUT" ? UsersApi.PutChanges(map, ResourceReader.Read(map, document.RootElement)) : PatchChanges(map, document.RootElement))
            .Select(c => $"{c.Change}:{c.Count}");

        Assert.Equal(expected, string.Join(",", changes));
    }

    /// <summary>The changes of a PATCH body as the handler of its type reports them, from the typed plan.</summary>
    static IEnumerable<(ScimMetrics.Change Change, long Count)> PatchChanges(ResourceMap map, JsonElement body)
    {
        var plan = new UpdatePlan(map);
        foreach (var step in PatchStep.Plan(map.Type, PatchRequest.Parse(body, 100), Guid.NewGuid()))
            plan.Apply(step);
        return map.Type.Name == "User" ? UsersApi.PatchChanges(plan) : GroupsApi.PatchChanges(plan);
    }
}
