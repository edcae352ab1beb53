using Microsoft.Extensions.Options;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Scim.Listing;
using ScimLite.Store;

namespace ScimLite.Http;

/// <summary>
/// GET /{Type} and POST /{Type}/.search for one resource type: the query compiled to SQL, one page read, written as a
/// ListResponse. The type's map selects only what the projection returns (unprojected members are never read).
/// </summary>
public sealed record ResourceList(ResourceMap Map)
{
    public IResult List(HttpRequest request, Db db, PageContinuations continuations, IOptions<ScimOptions> options) =>
        Query(ListQuery.FromQuery(request.Query), request, db, continuations, options.Value);

    public async Task<IResult> Search(HttpRequest request, Db db, PageContinuations continuations, IOptions<ScimOptions> options,
        CancellationToken ct)
    {
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        return Query(ListQuery.FromSearchRequest(body.RootElement), request, db, continuations, options.Value);
    }

    IResult Query(ListQuery query, HttpRequest request, Db db, PageContinuations continuations, ScimOptions options)
    {
        var projection = Projection.From(Map.Type, query.Attributes, query.ExcludedAttributes);
        var baseUrl = ScimRequest.BaseUrlOf(request);
        var compiled = ResourceQuery.Compile(Map, query, options) with { Continuations = continuations };
        return StreamedResources.Page(db, compiled, projection, baseUrl);
    }
}
