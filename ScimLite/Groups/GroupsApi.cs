using System.Text.Json;
using Microsoft.Extensions.Options;
using ScimLite.Data;
using ScimLite.Extensions;
using ScimLite.Scim;
using ScimLite.Scim.Listing;
using ScimLite.Scim.Sql;
using ScimLite.Telemetry;

namespace ScimLite.Groups;

/// <summary>/scim/v2/Groups: create, read, list, replace, patch and delete groups and their membership.</summary>
public static class GroupsApi
{
    public static IEndpointRouteBuilder MapGroups(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup($"{ScimHttp.BasePath}/Groups");
        var list = new ResourceList(app.ServiceProvider.GetRequiredService<ResourceTypes>().Group);
        groups.MapGet("/", list.List);
        groups.MapPost("/", Create).AddEndpointFilter(ProvisioningMetrics.Counting(ScimMetrics.Change.GroupCreated));
        groups.MapPost("/.search", list.Search);
        groups.MapGet("/{id}", Get);
        groups.MapPut("/{id}", Replace);
        groups.MapPatch("/{id}", GroupPatch.Handle).AddEndpointFilter(ProvisioningMetrics.Counting());
        groups.MapDelete("/{id}", Delete).AddEndpointFilter(ProvisioningMetrics.Counting(ScimMetrics.Change.GroupDeleted));
        return app;
    }

    public static Projection ProjectionOf(GroupStore store, HttpRequest request) => Projection.From(store.Type, request);

    /// <summary>Members are streamed from the database as the response is written (a group may have 100,000).</summary>
    static IResult Get(string id, HttpRequest request, GroupStore store, Db db) =>
        StreamedResources.Get(db, store.Type, ScimHttp.ParseId(id, "Group"), ProjectionOf(store, request), ScimHttp.BaseUrl(request));

    static async Task<IResult> Create(HttpRequest request, GroupStore store, IOptions<ScimOptions> options, CancellationToken ct)
    {
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var columns = ResourceReader.Read(store.Type, body.RootElement);
        var members = ReadMembers(body.RootElement, options.Value);
        var projection = ProjectionOf(store, request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.CreateAsync(columns, members, projection, baseUrl, ct);
        return ResourceWriter.Written(request, store.Type, 201, row, projection, baseUrl);
    }

    static async Task<IResult> Replace(string id, HttpRequest request, GroupStore store, IOptions<ScimOptions> options, CancellationToken ct)
    {
        var groupId = ScimHttp.ParseId(id, "Group");
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var columns = ResourceReader.Read(store.Type, body.RootElement);
        var members = ReadMembers(body.RootElement, options.Value);
        var projection = ProjectionOf(store, request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.ReplaceAsync(groupId, columns, members, ScimHttp.IfMatchVersion(request), projection, baseUrl, ct);
        return ResourceWriter.Written(request, store.Type, 200, row, projection, baseUrl);
    }

    static Guid[] ReadMembers(JsonElement body, ScimOptions options)
    {
        body.TryGet("members", out var members);
        return GroupMembers.Parse(members, "members", options.MaxMembersPerRequest);
    }

    static async Task<IResult> Delete(string id, HttpRequest request, GroupStore store, CancellationToken ct)
    {
        await store.DeleteAsync(ScimHttp.ParseId(id, "Group"), ScimHttp.IfMatchVersion(request), ct);
        return Results.NoContent();
    }
}
