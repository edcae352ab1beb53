using System.Text.Json;
using Microsoft.Extensions.Options;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Scim.Listing;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;

namespace ScimLite.Groups;

/// <summary>/scim/v2/Groups: create, read, list, replace, patch and delete groups and their membership.</summary>
public static class GroupsApi
{
    static readonly ResourceTypeDef Type = ResourceTypeDef.Group;

    public static IEndpointRouteBuilder MapGroups(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup($"{ScimHttp.BasePath}/Groups");
        var list = new ResourceList(Type);
        groups.MapGet("/", list.List);
        groups.MapPost("/", Create);
        groups.MapPost("/.search", list.Search);
        groups.MapGet("/{id}", Get);
        groups.MapPut("/{id}", Replace);
        groups.MapPatch("/{id}", GroupPatch.Handle);
        groups.MapDelete("/{id}", Delete);
        return app;
    }

    public static Projection ProjectionOf(HttpRequest request) => Projection.From(Type, request);

    /// <summary>Members are streamed from the database as the response is written (a group may have 100,000).</summary>
    static IResult Get(string id, HttpRequest request, Db db) =>
        StreamedResources.Get(db, Type, ScimHttp.ParseId(id, "Group"), ProjectionOf(request), ScimHttp.BaseUrl(request));

    static async Task<IResult> Create(HttpRequest request, GroupStore store, IOptions<ScimOptions> options, CancellationToken ct)
    {
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var columns = ResourceReader.Read(Type, body.RootElement);
        var members = ReadMembers(body.RootElement, options.Value);
        var projection = ProjectionOf(request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.CreateAsync(columns, members, projection, baseUrl, ct);
        return Resource(201, row, projection, baseUrl, withLocation: true);
    }

    static async Task<IResult> Replace(string id, HttpRequest request, GroupStore store, IOptions<ScimOptions> options, CancellationToken ct)
    {
        var groupId = ScimHttp.ParseId(id, "Group");
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var columns = ResourceReader.Read(Type, body.RootElement);
        var members = ReadMembers(body.RootElement, options.Value);
        var projection = ProjectionOf(request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.ReplaceAsync(groupId, columns, members, ScimHttp.IfMatchVersion(request), projection, baseUrl, ct);
        return Resource(200, row, projection, baseUrl);
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

    public static IResult Resource(int status, ResourceRow row, Projection projection, string baseUrl, bool withLocation = false) =>
        ResourceWriter.Result(Type, status, row, projection, baseUrl, withLocation);
}
