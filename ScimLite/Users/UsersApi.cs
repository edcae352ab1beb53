using ScimLite.Data;
using ScimLite.Extensions;
using ScimLite.Scim;
using ScimLite.Scim.Listing;
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
        users.MapPost("/", Create).AddEndpointFilter(ProvisioningMetrics.Counting(ScimMetrics.Change.UserCreated));
        users.MapPost("/.search", list.Search);
        users.MapGet("/{id}", Get);
        users.MapPut("/{id}", Replace).AddEndpointFilter(ProvisioningMetrics.Counting());
        users.MapPatch("/{id}", UserPatch.Handle).AddEndpointFilter(ProvisioningMetrics.Counting());
        users.MapDelete("/{id}", Delete).AddEndpointFilter(ProvisioningMetrics.Counting(ScimMetrics.Change.UserDeleted));
        return app;
    }


    static IResult Get(string id, HttpRequest request, UserStore store, Db db) =>
        StreamedResources.Get(db, store.Type, ScimHttp.ParseId(id, "User"), Projection.From(store.Type, request), ScimHttp.BaseUrl(request));

    static async Task<IResult> Create(HttpRequest request, UserStore store, PasswordHasher hasher, CancellationToken ct)
    {
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var columns = ResourceReader.Read(store.Type, body.RootElement);
        var passwordHash = hasher.Hash(ResourceReader.Password(body.RootElement));
        var projection = Projection.From(store.Type, request);
        var baseUrl = ScimHttp.BaseUrl(request);
        var row = await store.CreateAsync(columns, passwordHash, projection, baseUrl, ct);
        return ResourceWriter.Written(request, store.Type, 201, row, projection, baseUrl);
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
        return ResourceWriter.Written(request, store.Type, 200, row, projection, baseUrl);
    }

    static async Task<IResult> Delete(string id, HttpRequest request, UserStore store, CancellationToken ct)
    {
        await store.DeleteAsync(ScimHttp.ParseId(id, "User"), ScimHttp.IfMatchVersion(request), ct);
        return Results.NoContent();
    }
}
