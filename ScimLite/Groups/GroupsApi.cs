using Microsoft.Extensions.Options;
using ScimLite.Data;
using ScimLite.Http;
using ScimLite.Scim;
using ScimLite.Store;
using ScimLite.Telemetry;

namespace ScimLite.Groups;

/// <summary>/scim/v2/Groups: create, read, list, replace, patch and delete groups and their membership.</summary>
public static class GroupsApi
{
    public static IEndpointRouteBuilder MapGroups(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup($"{ScimRequest.BasePath}/Groups");
        var list = new ResourceList(app.ServiceProvider.GetRequiredService<ResourceMaps>().Group);
        groups.MapGet("/", list.List);
        groups.MapPost("/", Create).AddEndpointFilter(ProvisioningMetrics.Counting(ScimMetrics.Change.GroupCreated));
        groups.MapPost("/.search", list.Search);
        groups.MapGet("/{id}", Get);
        groups.MapPut("/{id}", Replace);
        groups.MapPatch("/{id}", Patch).AddEndpointFilter(ProvisioningMetrics.Counting());
        groups.MapDelete("/{id}", Delete).AddEndpointFilter(ProvisioningMetrics.Counting(ScimMetrics.Change.GroupDeleted));
        return app;
    }

    /// <summary>Members are streamed from the database as the response is written (a group may have 100,000).</summary>
    static IResult Get([AsParameters] ScimRequest request, GroupStore store, Db db) =>
        StreamedResources.Get(db, store.Map, request.ResourceId(store.Map.Type), request.Projection(store.Map.Type), request.BaseUrl);

    static async Task<IResult> Create([AsParameters] ScimRequest request, GroupStore store, IOptions<ScimOptions> options)
    {
        Guid[] members = [];
        var columns = await request.ReadResourceAsync(store.Map, body => members = ReadMembers(body, options.Value));
        var projection = request.Projection(store.Map.Type);
        var row = await store.CreateAsync(request.Writer, columns, members, projection, request.Aborted);
        return ScimResults.Written(request, store.Map, 201, row, projection);
    }

    static async Task<IResult> Replace([AsParameters] ScimRequest request, GroupStore store, IOptions<ScimOptions> options)
    {
        var id = request.ResourceId(store.Map.Type);
        Guid[] members = [];
        var columns = await request.ReadResourceAsync(store.Map, body => members = ReadMembers(body, options.Value));
        var projection = request.Projection(store.Map.Type);
        var row = await store.ReplaceAsync(request.Writer, id, columns, members, request.IfMatch, projection, request.Aborted);
        return ScimResults.Written(request, store.Map, 200, row, projection);
    }

    /// <summary>
    /// PATCH: membership operations become statements on link that touch only the named members; attribute
    /// operations one UPDATE of groups. All in one transaction, in order. Answers 204 (Entra discourages returning
    /// members; Okta accepts it) unless the request asks for attributes or the representation, then 200 with the group.
    /// </summary>
    static async Task<IResult> Patch([AsParameters] ScimRequest request, GroupStore store, IOptions<ScimOptions> options)
    {
        var id = request.ResourceId(store.Map.Type);
        var plan = await request.ReadPatchAsync(store.Map, id, options.Value);
        ProvisioningMetrics.Requested(request.Context, PatchChanges(plan));
        var projection = request.Projection(store.Map.Type);
        var withBody = ScimResults.Body(request.Http, byDefault: request.AsksForAttributes);
        var (version, row) = await store.PatchAsync(request.Writer, id, plan, request.IfMatch, withBody ? projection : null,
            request.Aborted);
        return row is null ? ScimResults.NoContent(request.Context, version) : ScimResults.Resource(store.Map, 200, row, projection, request.BaseUrl);
    }

    /// <summary>What a PATCH asks for, as the metrics count it: its membership changes (a pure function, table-tested).</summary>
    public static IEnumerable<(ScimMetrics.Change Change, long Count)> PatchChanges(UpdatePlan plan) =>
        plan.LinkChanges.OfType<MemberChange>().Select(c => c.Counted).OfType<(ScimMetrics.Change, long)>();

    static Guid[] ReadMembers(System.Text.Json.JsonElement body, ScimOptions options)
    {
        body.TryGet("members", out var members);
        return MemberChange.Parse(members, "members", options.MaxMembersPerRequest);
    }

    static async Task<IResult> Delete([AsParameters] ScimRequest request, GroupStore store)
    {
        await store.DeleteAsync(request.Writer, request.ResourceId(store.Map.Type), request.IfMatch, request.Aborted);
        return Results.NoContent();
    }
}
