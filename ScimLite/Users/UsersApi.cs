using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Scim.Schema;

namespace ScimLite.Users;

/// <summary>/scim/v2/Users: create, read, list, replace, patch and delete users.</summary>
public static class UsersApi
{
    static readonly ResourceTypeDef Type = ResourceTypeDef.User;

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup($"{ScimHttp.BasePath}/Users");
        users.MapGet("/", List);
        users.MapPost("/", Create);
        users.MapPost("/.search", Search);
        users.MapGet("/{id}", Get);
        users.MapPut("/{id}", Replace);
        users.MapPatch("/{id}", UserPatch.Handle);
        users.MapDelete("/{id}", Delete);
        return app;
    }

    static Projection ProjectionOf(HttpRequest request) =>
        Projection.From(Type, request.Query["attributes"].ToString(), request.Query["excludedAttributes"].ToString());

    static bool WithGroups(Projection projection) => projection.Includes(Type.Schema, Type.Schema.Attribute("groups")!);

    static async Task<IResult> Get(string id, HttpRequest request, UserStore store, CancellationToken ct)
    {
        var userId = ScimHttp.ParseId(id, "User");
        var projection = ProjectionOf(request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.GetAsync(userId, WithGroups(projection), baseUrl, ct) ?? throw ScimHttp.NotFound("User", userId);
        var version = (long)row["version"]!;
        if (ScimHttp.IfNoneMatch(request, version))
            return ScimHttp.NotModified(request, version);
        return Resource(200, row, projection, baseUrl);
    }

    static async Task<IResult> Create(HttpRequest request, UserStore store, PasswordHasher hasher, CancellationToken ct)
    {
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var columns = ResourceReader.Read(Type, body.RootElement);
        var passwordHash = hasher.Hash(ResourceReader.Password(body.RootElement));
        var projection = ProjectionOf(request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.CreateAsync(columns, passwordHash, WithGroups(projection), baseUrl, ct);
        return Resource(201, row, projection, baseUrl, withLocation: true);
    }

    static async Task<IResult> Replace(string id, HttpRequest request, UserStore store, CancellationToken ct)
    {
        var userId = ScimHttp.ParseId(id, "User");
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var columns = ResourceReader.Read(Type, body.RootElement);
        var password = ResourceReader.Password(body.RootElement);
        var projection = ProjectionOf(request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.ReplaceAsync(userId, columns, password, ScimHttp.IfMatchVersion(request), WithGroups(projection), baseUrl, ct);
        return Resource(200, row, projection, baseUrl);
    }

    static async Task<IResult> Delete(string id, HttpRequest request, UserStore store, CancellationToken ct)
    {
        await store.DeleteAsync(ScimHttp.ParseId(id, "User"), ScimHttp.IfMatchVersion(request), ct);
        return Results.NoContent();
    }

    static Task<IResult> List(HttpRequest request, Db db, IOptions<ScimOptions> options, CancellationToken ct) =>
        Query(ListQuery.FromQuery(request.Query), request, db, options.Value, ct);

    static async Task<IResult> Search(HttpRequest request, Db db, IOptions<ScimOptions> options, CancellationToken ct)
    {
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        return await Query(ListQuery.FromSearchRequest(body.RootElement), request, db, options.Value, ct);
    }

    /// <summary>A page of users matching the query, for GET /Users, POST /Users/.search and the root search.</summary>
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
        return compiled.ReadAsync(db, UserSql.Select(WithGroups(projection)), ct);
    }

    public static void Write(Utf8JsonWriter w, IDictionary<string, object?> row, Projection projection, string baseUrl) =>
        ResourceWriter.Write(w, Type, row, projection, baseUrl, (writer, attribute) =>
        {
            writer.WritePropertyName(attribute.Name);
            if (row.TryGetValue("groups_json", out var groups) && groups is string json)
                writer.WriteRawValue(json, skipInputValidation: true);
            else
            {
                writer.WriteStartArray();
                writer.WriteEndArray();
            }
        });

    static IResult Resource(int status, IDictionary<string, object?> row, Projection projection, string baseUrl, bool withLocation = false)
    {
        var location = withLocation ? $"{baseUrl}/Users/{row["id"]}" : null;
        return ScimJson.Result(status, w => Write(w, row, projection, baseUrl), ScimValues.ETag((long)row["version"]!), location);
    }
}
