using System.Text.Json;
using ScimLite.Groups;
using ScimLite.Scim;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Telemetry;

/// <summary>
/// One endpoint filter on the SCIM routes that turns successful requests into <see cref="ScimMetrics"/> changes.
/// Created and deleted come from the route and method of a request that succeeded; deactivations, reactivations and
/// member changes from the operations of the request itself, which the PATCH and user-PUT handlers hand over with
/// <c>Requested</c> from the body they already parsed (a redundant add or a repeated deactivation still
/// counts). A failed request throws through this filter and counts nothing.
/// </summary>
public static class ProvisioningMetrics
{
    /// <summary>What a PATCH or PUT asked for, kept on the request until it has succeeded.</summary>
    sealed class RequestedChanges((ScimMetrics.Change Change, long Count)[] changes)
    {
        public (ScimMetrics.Change Change, long Count)[] Changes { get; } = changes;
    }

    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        var client = http.User.Identity?.Name;
        if (http.Features.Get<RequestedChanges>() is { } requested)
        {
            foreach (var (change, count) in requested.Changes)
                ScimMetrics.Record(change, client, count);
            return result;
        }
        var method = http.Request.Method;
        var hasId = http.Request.RouteValues.ContainsKey("id");
        if (HttpMethods.IsPost(method) && !hasId && !http.Request.Path.Value!.EndsWith("/.search", StringComparison.Ordinal)
            && TypeOf(http) is { } created)
            ScimMetrics.Record(created == ResourceTypeDef.User ? ScimMetrics.Change.UserCreated : ScimMetrics.Change.GroupCreated, client);
        else if (HttpMethods.IsDelete(method) && hasId && TypeOf(http) is { } deleted)
            ScimMetrics.Record(deleted == ResourceTypeDef.User ? ScimMetrics.Change.UserDeleted : ScimMetrics.Change.GroupDeleted, client);
        return result;
    }

    /// <summary>
    /// Called by the PATCH handlers with the steps they planned and accepted: the changes those ask for are recorded by
    /// <see cref="Filter"/> once the request has succeeded.
    /// </summary>
    public static void Requested(HttpContext http, ResourceTypeDef type, IEnumerable<PatchStep> steps) =>
        Keep(http, () => PatchChanges(type, steps));

    /// <summary>Called by the user PUT handler with the body it parsed and accepted.</summary>
    public static void Requested(HttpContext http, ResourceTypeDef type, JsonElement body) =>
        Keep(http, () => PutChanges(type, body));

    static void Keep(HttpContext http, Func<IEnumerable<(ScimMetrics.Change, long)>> changes)
    {
        try
        {
            http.Features.Set(new RequestedChanges([.. changes()]));
        }
        catch (ScimException)
        {
            // The handler accepted this request; a metric is never a reason to fail it.
        }
    }

    static ResourceTypeDef? TypeOf(HttpContext http)
    {
        var path = http.Request.Path;
        return ResourceTypeDef.All.FirstOrDefault(type => path.StartsWithSegments(ScimHttp.BasePath + type.Endpoint, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The changes a whole-resource PUT asks for (a pure function, table-tested).</summary>
    public static IEnumerable<(ScimMetrics.Change Change, long Count)> PutChanges(ResourceTypeDef type, JsonElement body)
    {
        // Okta's AIW PUTs the whole user on every update, active included: only false is a deactivation.
        if (type.Name == ResourceTypeDef.User.Name && body.TryGet("active", out var active) && !ScimValues.ToBoolean(active, "active"))
            yield return (ScimMetrics.Change.UserDeactivated, 1);
    }

    /// <summary>The changes the planned steps of a PATCH ask for (a pure function, table-tested).</summary>
    public static IEnumerable<(ScimMetrics.Change Change, long Count)> PatchChanges(ResourceTypeDef type, IEnumerable<PatchStep> steps)
    {
        foreach (var step in steps)
        {
            if (type.Name == ResourceTypeDef.User.Name && step.Attribute.Name == "active" && step.Op != PatchOpKind.Remove && step.HasValue)
                yield return (ScimValues.ToBoolean(step.Value, "active") ? ScimMetrics.Change.UserReactivated : ScimMetrics.Change.UserDeactivated, 1);
            else if (type.Name == ResourceTypeDef.Group.Name && step.Attribute.Storage == Storage.Link && step.ItemSub is null)
            {
                if (step.Op == PatchOpKind.Add && step.HasValue)
                    yield return (ScimMetrics.Change.MembersAdded, GroupMembers.Parse(step.Value, "members", int.MaxValue).Length);
                else if (step.Op == PatchOpKind.Remove && step.Filter is not null)
                    yield return (ScimMetrics.Change.MembersRemoved, 1);
                else if (step.Op == PatchOpKind.Remove && step.HasValue)
                    yield return (ScimMetrics.Change.MembersRemoved, GroupMembers.Parse(step.Value, "members", int.MaxValue).Length);
            }
        }
    }
}
