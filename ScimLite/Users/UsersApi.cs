using ScimLite.Extensions;
using ScimLite.Scim;
using ScimLite.Scim.Listing;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;
using ScimLite.Telemetry;

namespace ScimLite.Users;

/// <summary>/scim/v2/Users: create, read, list, replace, patch and delete users.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup($"{ScimHttp.BasePath}/Users");
        var list = new ResourceList(app.ServiceProvider.GetRequiredService<ResourceTypes>().User);
        users.MapGet("/", list.List);
        users.MapPost("/", Create);
        users.MapPost("/.search", list.Search);
        users.MapGet("/{id}", Get);
        users.MapPut("/{id}", Replace);
        users.MapPatch("/{id}", UserPatch.Handle);
        users.MapDelete("/{id}", Delete);
        return app;
    }


    static async Task<IResult> Get(string id, HttpRequest request, UserStore store, CancellationToken ct)
    {
        var userId = ScimHttp.ParseId(id, "User");
        var projection = Projection.From(store.Type, request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.GetAsync(userId, projection, baseUrl, ct) ?? throw ScimHttp.NotFound("User", userId);
        if (ScimHttp.IfNoneMatch(request, row.Version))
            return ScimHttp.NotModified(request, row.Version);
        return ResourceWriter.Result(store.Type, 200, row, projection, baseUrl);
    }

    static async Task<IResult> Create(HttpRequest request, UserStore store, PasswordHasher hasher, CancellationToken ct)
    {
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var columns = ResourceReader.Read(store.Type, body.RootElement);
        var passwordHash = hasher.Hash(ResourceReader.Password(body.RootElement));
        var projection = Projection.From(store.Type, request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.CreateAsync(columns, passwordHash, projection, baseUrl, ct);
        return Written(request, store.Type, 201, row, projection, baseUrl);
    }

    static async Task<IResult> Replace(string id, HttpRequest request, UserStore store, CancellationToken ct)
    {
        var userId = ScimHttp.ParseId(id, "User");
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var columns = ResourceReader.Read(store.Type, body.RootElement);
        var password = ResourceReader.Password(body.RootElement);
        ProvisioningMetrics.Requested(request.HttpContext, store.Type, body.RootElement);
        var projection = Projection.From(store.Type, request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.ReplaceAsync(userId, columns, password, ScimHttp.IfMatchVersion(request), projection, baseUrl, ct);
        return Written(request, store.Type, 200, row, projection, baseUrl);
    }

    static async Task<IResult> Delete(string id, HttpRequest request, UserStore store, CancellationToken ct)
    {
        await store.DeleteAsync(ScimHttp.ParseId(id, "User"), ScimHttp.IfMatchVersion(request), ct);
        return Results.NoContent();
    }

    /// <summary>A written user: 201/200 with the user, or no body when the request prefers return=minimal.</summary>
    internal static IResult Written(HttpRequest request, ResourceTypeDef type, int status, ResourceRow row, Projection projection, string baseUrl) =>
        ScimPrefer.Answer(request, status, ScimValues.ETag(row.Version), status == 201 ? $"{baseUrl}{type.Endpoint}/{row.Id}" : null,
            () => ResourceWriter.Result(type, status, row, projection, baseUrl, withLocation: status == 201));
}
