using Dapper;
using Microsoft.Extensions.Options;
using ScimLite.Scim;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;
using ScimLite.Telemetry;

namespace ScimLite.Groups;

/// <summary>
/// PATCH /Groups/{id}: membership operations become statements on link that touch only the named members; attribute
/// operations become one UPDATE of groups. All in one transaction, in order. Answers 204 (Entra discourages returning
/// members; Okta accepts it) unless the request asks for attributes, then 200 with the projected group.
/// </summary>
public static class GroupPatch
{
    public static async Task<IResult> Handle(string id, HttpRequest request, GroupStore store, IOptions<ScimOptions> options, CancellationToken ct)
    {
        var groupId = ScimHttp.ParseId(id, "Group");
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var operations = PatchRequest.Parse(body.RootElement, options.Value.MaxOperations);
        var patcher = new ColumnPatcher(store.Type, options.Value.MaxPatchArraySteps);
        var memberChanges = new List<MemberChange>();
        var steps = PatchStep.Plan(store.Type, operations, groupId).ToList();
        foreach (var step in steps)
        {
            step.Run(() =>
            {
                if (step.Attribute.Storage == Storage.Link)
                    memberChanges.Add(Members(store.Type, step, options.Value.MaxMembersPerRequest));
                else
                    patcher.Apply(step);
            });
        }
        ProvisioningMetrics.Requested(request.HttpContext, store.Type, steps);

        var prefer = ScimPrefer.WantsBody(request);
        var wantsBody = prefer ?? (request.Query.ContainsKey("attributes") || request.Query.ContainsKey("excludedAttributes"));
        if (prefer is { } preferred)
            ScimPrefer.Applied(request, preferred);
        var projection = GroupsApi.ProjectionOf(store, request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var (version, row) = await store.PatchAsync(groupId, memberChanges, patcher.ToUpdate(), ScimHttp.IfMatchVersion(request),
            wantsBody ? projection : null, baseUrl, ct);

        if (row is null)
        {
            request.HttpContext.Response.Headers.ETag = ScimValues.ETag(version);
            return Results.NoContent();
        }
        return ResourceWriter.Result(store.Type, 200, row, projection, baseUrl);
    }

    /// <summary>
    /// The membership change of one members operation. Okta: add with a list, remove by <c>members[value eq "id"]</c>,
    /// replace with the full list (<c>[]</c> empties the group). Entra: remove with a value list.
    /// </summary>
    static MemberChange Members(ResourceTypeDef type, PatchStep step, int maxMembers)
    {
        if (step.ItemSub is not null || (step.Filter is not null && step.Op != PatchOpKind.Remove))
            throw ScimException.Mutability($"{step.Where}: member sub-attributes are immutable; add or remove the member instead.");
        if (step.Filter is not null)
        {
            var parameters = new DynamicParameters();
            return new MemberChange.RemoveWhere(FilterCompiler.CompileItem(step.Filter, step.Attribute, type, parameters, "m"), parameters);
        }
        var ids = step.HasValue ? GroupMembers.Parse(step.Value, "members", maxMembers) : [];
        return step.Op switch
        {
            PatchOpKind.Add => new MemberChange.Add(ids),
            PatchOpKind.Replace => new MemberChange.ReplaceAll(ids),
            _ when step.HasValue && step.Value.ValueKind != System.Text.Json.JsonValueKind.Null => new MemberChange.Remove(ids),
            _ => new MemberChange.RemoveAll(),
        };
    }
}
