using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Scim.Schema;

namespace ScimLite.Groups;

/// <summary>/scim/v2/Groups: create, read, list, replace, patch and delete groups and their membership.</summary>
public static class GroupsApi
{
    static readonly ResourceTypeDef Type = ResourceTypeDef.Group;

    public static IEndpointRouteBuilder MapGroups(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup($"{ScimHttp.BasePath}/Groups");
        groups.MapGet("/", List);
        groups.MapPost("/", Create);
        groups.MapPost("/.search", Search);
        groups.MapGet("/{id}", Get);
        groups.MapPut("/{id}", Replace);
        groups.MapPatch("/{id}", GroupPatch.Handle);
        groups.MapDelete("/{id}", Delete);
        return app;
    }

    public static Projection ProjectionOf(HttpRequest request) =>
        Projection.From(Type, request.Query["attributes"].ToString(), request.Query["excludedAttributes"].ToString());

    public static bool WithMembers(Projection projection) => projection.Includes(Type.Schema, Type.Schema.Attribute("members")!);

    static async Task<IResult> Get(string id, HttpRequest request, GroupStore store, CancellationToken ct)
    {
        var groupId = ScimHttp.ParseId(id, "Group");
        var projection = ProjectionOf(request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.GetAsync(groupId, WithMembers(projection), baseUrl, ct) ?? throw ScimHttp.NotFound("Group", groupId);
        if (ScimHttp.IfNoneMatch(request, (long)row["version"]!))
            return ScimHttp.NotModified(request, (long)row["version"]!);
        return Resource(200, row, projection, baseUrl);
    }

    static async Task<IResult> Create(HttpRequest request, GroupStore store, IOptions<ScimOptions> options, CancellationToken ct)
    {
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var columns = ResourceReader.Read(Type, body.RootElement);
        var members = ReadMembers(body.RootElement, options.Value);
        var projection = ProjectionOf(request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.CreateAsync(columns, members, WithMembers(projection), baseUrl, ct);
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
        var row = await store.ReplaceAsync(groupId, columns, members, ScimHttp.IfMatchVersion(request), WithMembers(projection), baseUrl, ct);
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

    static Task<IResult> List(HttpRequest request, Db db, IOptions<ScimOptions> options, CancellationToken ct) =>
        Query(ListQuery.FromQuery(request.Query), request, db, options.Value, ct);

    static async Task<IResult> Search(HttpRequest request, Db db, IOptions<ScimOptions> options, CancellationToken ct)
    {
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        return await Query(ListQuery.FromSearchRequest(body.RootElement), request, db, options.Value, ct);
    }

    /// <summary>A page of groups matching the query, for GET /Groups, POST /Groups/.search and the root search.</summary>
    public static async Task<IResult> Query(ListQuery query, HttpRequest request, Db db, ScimOptions options, CancellationToken ct)
    {
        var projection = Projection.From(Type, query.Attributes, query.ExcludedAttributes);
        var baseUrl = ScimHttp.BaseUrl(request);
        var page = await Page(query, projection, baseUrl, db, options, ct);
        return page.ToResult((w, row) => Write(w, row, projection, baseUrl));
    }

    public static Task<ResourcePage> Page(ListQuery query, Projection projection,
        string baseUrl, Db db, ScimOptions options, CancellationToken ct)
    {
        var compiled = ResourceQuery.Compile(Type, query, options);
        compiled.Parameters.Add("base_url", baseUrl);
        return compiled.ReadAsync(db, GroupSql.Select(WithMembers(projection)), ct);
    }

    public static void Write(Utf8JsonWriter w, IDictionary<string, object?> row, Projection projection, string baseUrl) =>
        ResourceWriter.Write(w, Type, row, projection, baseUrl, (writer, attribute) =>
        {
            writer.WritePropertyName(attribute.Name);
            if (row.TryGetValue("members_json", out var members) && members is string json)
                writer.WriteRawValue(json, skipInputValidation: true);
            else
            {
                writer.WriteStartArray();
                writer.WriteEndArray();
            }
        });

    public static IResult Resource(int status, IDictionary<string, object?> row, Projection projection, string baseUrl, bool withLocation = false)
    {
        var location = withLocation ? $"{baseUrl}/Groups/{row["id"]}" : null;
        return ScimJson.Result(status, w => Write(w, row, projection, baseUrl), ScimValues.ETag((long)row["version"]!), location);
    }
}
