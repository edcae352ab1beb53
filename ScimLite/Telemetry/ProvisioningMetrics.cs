using System.Text.Json;
using ScimLite.Groups;
using ScimLite.Scim;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Telemetry;

/// <summary>
/// One endpoint filter on the SCIM routes that turns successful requests into <see cref="ScimMetrics"/> changes, so no
/// handler or store carries a metric call. Created and deleted come from the route and method of a request that
/// succeeded; deactivations, reactivations and member changes from the operations of the request itself (re-read
/// from a buffered body after the handler committed): a redundant add or a repeated deactivation still counts.
/// A failed request throws through this filter and counts nothing.
/// </summary>
public static class ProvisioningMetrics
{
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var type = TypeOf(http);
        var method = http.Request.Method;
        var readsBody = type is not null && (HttpMethods.IsPatch(method) || (HttpMethods.IsPut(method) && type == ResourceTypeDef.User));
        if (readsBody)
            http.Request.EnableBuffering(bufferThreshold: 1024 * 1024); // a big group PATCH stays in memory, off the disk
        var result = await next(context);
        if (type is null)
            return result;
        var client = http.User.Identity?.Name;
        var hasId = http.Request.RouteValues.ContainsKey("id");
        var isUser = type == ResourceTypeDef.User;
        if (HttpMethods.IsPost(method) && !hasId && !http.Request.Path.Value!.EndsWith("/.search", StringComparison.Ordinal))
            ScimMetrics.Record(isUser ? ScimMetrics.Change.UserCreated : ScimMetrics.Change.GroupCreated, client);
        else if (HttpMethods.IsDelete(method) && hasId)
            ScimMetrics.Record(isUser ? ScimMetrics.Change.UserDeleted : ScimMetrics.Change.GroupDeleted, client);
        else if (readsBody && hasId)
            await CountOperationsAsync(http, type, client);
        return result;
    }

    static ResourceTypeDef? TypeOf(HttpContext http)
    {
        var path = http.Request.Path;
        return ResourceTypeDef.All.FirstOrDefault(type => path.StartsWithSegments(ScimHttp.BasePath + type.Endpoint, StringComparison.OrdinalIgnoreCase));
    }

    static async Task CountOperationsAsync(HttpContext http, ResourceTypeDef type, string? client)
    {
        try
        {
            http.Request.Body.Position = 0;
            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            foreach (var (change, count) in Changes(type, http.Request.Method, body.RootElement))
                ScimMetrics.Record(change, client, count);
        }
        catch (Exception ex) when (ex is JsonException or ScimException or InvalidOperationException or IOException)
        {
            // The handler accepted this body; a metric is never a reason to fail a committed request.
        }
    }

    /// <summary>The changes a successful PATCH or PUT body asks for (a pure function, table-tested).</summary>
    public static IEnumerable<(ScimMetrics.Change Change, long Count)> Changes(ResourceTypeDef type, string method, JsonElement body)
    {
        if (HttpMethods.IsPut(method))
        {
            // Okta's AIW PUTs the whole user on every update, active included: only false is a deactivation.
            if (type == ResourceTypeDef.User && body.TryGet("active", out var active) && !ScimValues.ToBoolean(active, "active"))
                yield return (ScimMetrics.Change.UserDeactivated, 1);
            yield break;
        }
        var operations = PatchRequest.Parse(body, int.MaxValue);
        foreach (var step in PatchStep.Plan(type, operations, Guid.Empty))
        {
            if (type == ResourceTypeDef.User && step.Attribute.Name == "active" && step.Op != PatchOpKind.Remove && step.HasValue)
                yield return (ScimValues.ToBoolean(step.Value, "active") ? ScimMetrics.Change.UserReactivated : ScimMetrics.Change.UserDeactivated, 1);
            else if (type == ResourceTypeDef.Group && step.Attribute.Storage == Storage.Link && step.ItemSub is null)
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
