using System.Text.Json;
using ScimLite.Groups;
using ScimLite.Scim;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Telemetry;

/// <summary>
/// Turns successful writes into <see cref="ScimMetrics"/> changes, through an endpoint filter on each write route
/// (<see cref="Counting"/>), so no handler or store records a metric itself. A create or delete is known from its
/// route; deactivations, reactivations and member changes come from the operations of the request, which the PATCH and
/// user-PUT handlers note with <c>Requested</c> from what they already parsed (a redundant add or a repeated
/// deactivation still counts). A failed request throws through the filter and counts nothing.
/// </summary>
public static class ProvisioningMetrics
{
    /// <summary>What a PATCH or PUT asked for, kept on the request until it has succeeded.</summary>
    sealed class RequestedChanges((ScimMetrics.Change Change, long Count)[] changes)
    {
        public (ScimMetrics.Change Change, long Count)[] Changes { get; } = changes;
    }

    /// <summary>
    /// The endpoint filter of a write route: once the request has succeeded, records <paramref name="change"/> (the
    /// route's create or delete) and whatever the handler noted with <c>Requested</c>.
    /// </summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Counting(ScimMetrics.Change? change = null) =>
        async (context, next) =>
        {
            var result = await next(context);
            var http = context.HttpContext;
            var client = http.User.Identity?.Name;
            if (change is { } routeChange)
                ScimMetrics.Record(routeChange, client);
            foreach (var (noted, count) in http.Features.Get<RequestedChanges>()?.Changes ?? [])
                ScimMetrics.Record(noted, client, count);
            return result;
        };

    /// <summary>
    /// Called by the PATCH handlers with the steps they planned and accepted: the changes those ask for are recorded by
    /// <see cref="Counting"/> once the request has succeeded.
    /// </summary>
    public static void Requested(HttpContext http, ResourceTypeDef type, IEnumerable<PatchStep> steps) =>
        Keep(http, PatchChanges(type, steps));

    /// <summary>Called by the user PUT handler with the body it parsed and accepted.</summary>
    public static void Requested(HttpContext http, ResourceTypeDef type, JsonElement body) =>
        Keep(http, PutChanges(type, body));

    /// <param name="changes">Lazy: evaluated here, where a failure is caught.</param>
    static void Keep(HttpContext http, IEnumerable<(ScimMetrics.Change, long)> changes)
    {
        try
        {
            http.Features.Set(new RequestedChanges([.. changes]));
        }
        catch (ScimException)
        {
            // The handler accepted this request; a metric is never a reason to fail it.
        }
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
