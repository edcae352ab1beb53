using Microsoft.Extensions.Options;
using ScimLite.Data;
using ScimLite.Http;
using ScimLite.Scim;
using ScimLite.Scim.Schema;
using ScimLite.Store;
using ScimLite.Telemetry;

namespace ScimLite.Users;

/// <summary>/scim/v2/Users: create, read, list, replace, patch and delete users.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup($"{ScimRequest.BasePath}/Users");
        var list = new ResourceList(app.ServiceProvider.GetRequiredService<ResourceMaps>().User);
        users.MapGet("/", list.List);
        users.MapPost("/", Create).AddEndpointFilter(ProvisioningMetrics.Counting(ScimMetrics.Change.UserCreated));
        users.MapPost("/.search", list.Search);
        users.MapGet("/{id}", Get);
        users.MapPut("/{id}", Replace).AddEndpointFilter(ProvisioningMetrics.Counting());
        users.MapPatch("/{id}", Patch).AddEndpointFilter(ProvisioningMetrics.Counting());
        users.MapDelete("/{id}", Delete).AddEndpointFilter(ProvisioningMetrics.Counting(ScimMetrics.Change.UserDeleted));
        return app;
    }

    static readonly AttributeDef Active = CoreSchemas.User.Attribute("active")!;

    static IResult Get([AsParameters] ScimRequest request, UserStore store, Db db) =>
        StreamedResources.Get(db, store.Map, request.ResourceId(store.Map.Type), request.Projection(store.Map.Type), request.BaseUrl);

    static async Task<IResult> Create([AsParameters] ScimRequest request, UserStore store)
    {
        var columns = await request.ReadResourceAsync(store.Map);
        var projection = request.Projection(store.Map.Type);
        var row = await store.CreateAsync(request.Writer, columns, projection, request.Aborted);
        return ScimResults.Written(request, store.Map, 201, row, projection);
    }

    static async Task<IResult> Replace([AsParameters] ScimRequest request, UserStore store)
    {
        var id = request.ResourceId(store.Map.Type);
        var columns = await request.ReadResourceAsync(store.Map);
        ProvisioningMetrics.Requested(request.Context, PutChanges(store.Map, columns));
        var projection = request.Projection(store.Map.Type);
        var row = await store.ReplaceAsync(request.Writer, id, columns, request.IfMatch, projection, request.Aborted);
        return ScimResults.Written(request, store.Map, 200, row, projection);
    }

    /// <summary>
    /// PATCH: every operation becomes part of one UPDATE of the touched columns (RFC 7644 §3.5.2; all or nothing).
    /// Answers 200 with the resource, which both Okta and Entra accept.
    /// </summary>
    static async Task<IResult> Patch([AsParameters] ScimRequest request, UserStore store, IOptions<ScimOptions> options)
    {
        var id = request.ResourceId(store.Map.Type);
        var plan = await request.ReadPatchAsync(store.Map, id, options.Value);
        ProvisioningMetrics.Requested(request.Context, PatchChanges(plan));
        var projection = request.Projection(store.Map.Type);
        var row = await store.PatchAsync(request.Writer, id, plan, request.IfMatch, projection, request.Aborted);
        return ScimResults.Written(request, store.Map, 200, row, projection);
    }

    static async Task<IResult> Delete([AsParameters] ScimRequest request, UserStore store)
    {
        await store.DeleteAsync(request.Writer, request.ResourceId(store.Map.Type), request.IfMatch, request.Aborted);
        return Results.NoContent();
    }

    /// <summary>What a PATCH asks for, as the metrics count it: each <c>active</c> it sets (a pure function, table-tested).</summary>
    public static IEnumerable<(ScimMetrics.Change Change, long Count)> PatchChanges(UpdatePlan plan) =>
        plan.Assigned.Where(a => ReferenceEquals(a.Attribute, Active) && a.Value is bool)
            .Select(a => ((bool)a.Value! ? ScimMetrics.Change.UserReactivated : ScimMetrics.Change.UserDeactivated, 1L));

    /// <summary>
    /// What a PUT asks for: Okta's AIW PUTs the whole user on every update, active included, so only false is a
    /// deactivation (a pure function, table-tested).
    /// </summary>
    public static IEnumerable<(ScimMetrics.Change Change, long Count)> PutChanges(ResourceMap map, ColumnSet columns) =>
        map.Storage(Active).Columns.Any(c => columns.Get(c) is false) ? [(ScimMetrics.Change.UserDeactivated, 1L)] : [];
}
