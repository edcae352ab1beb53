using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Groups;

/// <summary>
/// PATCH /Groups/{id}: membership operations become statements on link that touch only the named members; attribute
/// operations become one UPDATE of groups. All in one transaction, in order. Answers 204 (Entra discourages returning
/// members; Okta accepts it) unless the request asks for attributes, then 200 with the projected group.
/// </summary>
public static class GroupPatch
{
    static readonly ResourceTypeDef Type = ResourceTypeDef.Group;

    delegate Task<long> MemberChange(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct);

    public static async Task<IResult> Handle(string id, HttpRequest request, Db db, GroupStore store, IOptions<ScimOptions> options, CancellationToken ct)
    {
        var groupId = ScimHttp.ParseId(id, "Group");
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var operations = PatchRequest.Parse(body.RootElement, options.Value.MaxOperations);
        var parameters = new DynamicParameters();
        var patcher = new ColumnPatcher(Type, parameters);
        var memberChanges = new List<MemberChange>();
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

        var ifMatch = ScimHttp.IfMatchVersion(request);
        var wantsBody = request.Query.ContainsKey("attributes") || request.Query.ContainsKey("excludedAttributes");
        var projection = GroupsApi.ProjectionOf(request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await db.InTransactionAsync(async (connection, tx) =>
        {
            var version = await GroupStore.LockAsync(connection, tx, groupId, ifMatch, ct);
            long membersChanged = 0;
            foreach (var change in memberChanges)
                membersChanged += await change(connection, tx, ct);
            if (!patcher.IsEmpty || membersChanged > 0)
            {
                parameters.AddDynamicParams(new { group_id = groupId, now = store.Now, members_changed = membersChanged > 0 });
                var assignments = patcher.IsEmpty ? "" : patcher.Assignments + ",";
                version = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"""
                    UPDATE groups AS r SET {assignments}
                           version = r.version + CASE WHEN @members_changed OR {patcher.ChangedPredicate} THEN 1 ELSE 0 END,
                           last_modified = CASE WHEN @members_changed OR {patcher.ChangedPredicate} THEN @now ELSE r.last_modified END
                     WHERE r.id = @group_id
                    RETURNING r.version
                    """, parameters, tx, cancellationToken: ct));
            }
            if (wantsBody)
                return await GroupStore.GetAsync(connection, tx, groupId, GroupsApi.WithMembers(projection), baseUrl, ct);
            // The row is locked since LockAsync, so this is the version the response's ETag must carry.
            return new Dictionary<string, object?> { ["version"] = version };
        }, ct);

        if (!wantsBody)
        {
            request.HttpContext.Response.Headers.ETag = ScimValues.ETag((long)row!["version"]!);
            return Results.NoContent();
        }
        return GroupsApi.Resource(200, row!, projection, baseUrl);
    }

    /// <summary>
    /// The statement for one members operation. Okta: add with a list, remove by <c>members[value eq "id"]</c>,
    /// replace with the full list (<c>[]</c> empties the group). Entra: remove with a value list.
    /// </summary>
    static MemberChange Members(PatchStep step, Guid groupId, int maxMembers)
    {
        if (step.ItemSub is not null || (step.Filter is not null && step.Op != PatchOpKind.Remove))
            throw ScimException.Mutability($"{step.Where}: member sub-attributes are immutable; add or remove the member instead.");
        if (step.Filter is not null)
        {
            var parameters = new DynamicParameters(new { group_id = groupId });
            var predicate = FilterCompiler.CompileItem(step.Filter, step.Attribute, Type, parameters, "m");
            return async (connection, tx, ct) => await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM link l WHERE l.group_id = @group_id AND {predicate}", parameters, tx, cancellationToken: ct));
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
