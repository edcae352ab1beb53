using Microsoft.Extensions.Options;
using ScimLite.Data;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Listing;

/// <summary>
/// GET /{Type} and POST /{Type}/.search for one resource type: the query compiled to SQL, one page read, written as a
/// ListResponse. The type's SQL map selects only what the projection returns (unprojected members are never read).
/// </summary>
public sealed record ResourceList(ResourceTypeDef Type)
{
    public Task<IResult> List(HttpRequest request, Db db, PageContinuations continuations, IOptions<ScimOptions> options) =>
        Query(ListQuery.FromQuery(request.Query), request, db, continuations, options.Value);

    public async Task<IResult> Search(HttpRequest request, Db db, PageContinuations continuations, IOptions<ScimOptions> options,
        CancellationToken ct)
    {
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        return await Query(ListQuery.FromSearchRequest(body.RootElement), request, db, continuations, options.Value);
    }

    Task<IResult> Query(ListQuery query, HttpRequest request, Db db, PageContinuations continuations, ScimOptions options)
    {
        var projection = Projection.From(Type, query.Attributes, query.ExcludedAttributes);
        var baseUrl = ScimHttp.BaseUrl(request);
        var compiled = ResourceQuery.Compile(Type, query, options) with { Continuations = continuations };
        compiled.Parameters.Add("base_url", baseUrl);
        return Task.FromResult(compiled.Stream(db, projection, baseUrl));
    }
}
