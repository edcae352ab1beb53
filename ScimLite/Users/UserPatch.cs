using Microsoft.Extensions.Options;
using ScimLite.Scim;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;
using ScimLite.Telemetry;

namespace ScimLite.Users;

/// <summary>
/// PATCH /Users/{id}: every operation becomes part of one UPDATE of the touched columns (RFC 7644 §3.5.2; all or
/// nothing). Answers 200 with the resource, which both Okta and Entra accept.
/// </summary>
public static class UserPatch
{
    public static async Task<IResult> Handle(string id, HttpRequest request, UserStore store, PasswordHasher hasher,
        IOptions<ScimOptions> options, CancellationToken ct)
    {
        var userId = ScimHttp.ParseId(id, "User");
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var operations = PatchRequest.Parse(body.RootElement, options.Value.MaxOperations);
        var type = store.Type;
        var patcher = new ColumnPatcher(type, options.Value.MaxPatchArraySteps);
        var steps = PatchStep.Plan(type, operations, userId).ToList();
        foreach (var step in steps)
            step.Run(() => Apply(step, patcher, hasher));
        ProvisioningMetrics.Requested(request.HttpContext, type, steps);
        var projection = Projection.From(type, request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.PatchAsync(userId, patcher.ToUpdate(), ScimHttp.IfMatchVersion(request), projection, baseUrl, ct);
        return ResourceWriter.Written(request, type, 200, row, projection, baseUrl);
    }

    static void Apply(PatchStep step, ColumnPatcher patcher, PasswordHasher hasher)
    {
        if (step.Attribute.Name == "password")
            patcher.SetValue(UserSql.PasswordHashColumn,
                step.Op == PatchOpKind.Remove ? null : hasher.Hash(ScimValues.ToText(step.Value, "password")));
        else if (step.Attribute.Storage == Storage.Link)
            throw ScimException.Mutability($"{step.Where}: 'groups' is readOnly; change membership through the Group.");
        else
            patcher.Apply(step);
    }
}
