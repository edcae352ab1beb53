using Dapper;
using Microsoft.Extensions.Options;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;

namespace ScimLite.Groups;

/// <summary>
/// PATCH /Groups/{id}: membership operations become statements on link that touch only the named members; attribute
/// operations become one UPDATE of groups. All in one transaction, in order. Answers 204 (Entra discourages returning
/// members; Okta accepts it) unless the request asks for attributes, then 200 with the projected group.
/// </summary>
public static class GroupPatch
{
    static readonly ResourceTypeDef Type = ResourceTypeDef.Group;

    public static async Task<IResult> Handle(string id, HttpRequest request, GroupStore store, IOptions<ScimOptions> options, CancellationToken ct)
    {
        var groupId = ScimHttp.ParseId(id, "Group");
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var operations = PatchRequest.Parse(body.RootElement, options.Value.MaxOperations);
        var parameters = new DynamicParameters();
        var patcher = new ColumnPatcher(Type, parameters);
        var memberChanges = new List<GroupMembers.Change>();
        foreach (var step in PatchStep.Plan(Type, operations, groupId))
        {
            step.Run(() =>
            {
                if (step.Attribute.Storage == Storage.Link)
                    memberChanges.Add(Members(step, groupId, options.Value.MaxMembersPerRequest));
                else
                    patcher.Apply(step);
            });
        }

        var wantsBody = request.Query.ContainsKey("attributes") || request.Query.ContainsKey("excludedAttributes");
        var projection = GroupsApi.ProjectionOf(request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.PatchAsync(groupId, memberChanges, patcher, parameters, ScimHttp.IfMatchVersion(request),
            wantsBody ? GroupsApi.WithMembers(projection) : null, baseUrl, ct);

        if (!wantsBody)
        {
            request.HttpContext.Response.Headers.ETag = ScimValues.ETag((long)row["version"]!);
            return Results.NoContent();
        }
        return GroupsApi.Resource(200, row, projection, baseUrl);
    }

    /// <summary>
    /// The statement for one members operation. Okta: add with a list, remove by <c>members[value eq "id"]</c>,
    /// replace with the full list (<c>[]</c> empties the group). Entra: remove with a value list.
    /// </summary>
    static GroupMembers.Change Members(PatchStep step, Guid groupId, int maxMembers)
    {
        if (step.ItemSub is not null || (step.Filter is not null && step.Op != PatchOpKind.Remove))
            throw ScimException.Mutability($"{step.Where}: member sub-attributes are immutable; add or remove the member instead.");
        if (step.Filter is not null)
        {
            var parameters = new DynamicParameters();
            var predicate = FilterCompiler.CompileItem(step.Filter, step.Attribute, Type, parameters, "m");
            return (connection, tx, ct) => GroupMembers.RemoveWhereAsync(connection, tx, groupId, predicate, parameters, ct);
        }
        var ids = step.HasValue ? GroupMembers.Parse(step.Value, "members", maxMembers) : [];
        return step.Op switch
        {
            PatchOpKind.Add => (connection, tx, ct) => GroupMembers.AddAsync(connection, tx, groupId, ids, ct),
            PatchOpKind.Replace => (connection, tx, ct) => GroupMembers.ReplaceAsync(connection, tx, groupId, ids, ct),
            _ when step.HasValue && step.Value.ValueKind != System.Text.Json.JsonValueKind.Null =>
                async (connection, tx, ct) => await GroupMembers.RemoveAsync(connection, tx, groupId, ids, ct),
            _ => async (connection, tx, ct) => await GroupMembers.RemoveAllAsync(connection, tx, groupId, ct),
        };
    }
}
