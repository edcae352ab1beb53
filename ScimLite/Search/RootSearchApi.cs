using Microsoft.Extensions.Options;
using ScimLite.Data;
using ScimLite.Http;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Listing;
using ScimLite.Store;

namespace ScimLite.Search;

/// <summary>
/// <c>POST /scim/v2/.search</c> (RFC 7644 §3.4.3): one query over Users and Groups. Users come first, then groups,
/// each in its own order. A filter naming an attribute one type lacks matches nothing of that type (§3.4.2.1);
/// <c>meta.resourceType eq "Group"</c> narrows to one type.
/// </summary>
public static class RootSearchApi
{
    public static IEndpointRouteBuilder MapRootSearch(this IEndpointRouteBuilder app)
    {
        app.MapPost($"{ScimRequest.BasePath}/.search", Search);
        return app;
    }

    sealed record Part(ResourceQuery Query, Projection Projection);

    static async Task<IResult> Search(HttpRequest request, Db db, IOptions<ScimOptions> options, ResourceMaps maps, CancellationToken ct)
    {
        using var body = await ScimJson.ReadObjectAsync(request, ct);
        var query = ListQuery.FromSearchRequest(body.RootElement);
        if (query.Cursor is not null)
            throw ScimException.InvalidValue("Cursor paging is offered on /Users/.search and /Groups/.search, not across resource types.");
        var baseUrl = ScimRequest.BaseUrlOf(request);
        RequireKnownSomewhere(maps.All, query);
        var parts = maps.All.Select(map => Compile(map, query, options.Value)).ToList();

        var offset = query.StartIndex - 1;
        var limit = query.PageSize(options.Value);
        long total = 0;
        var items = new List<(ResourceMap Map, Projection Projection, ResourceRow Row)>();
        foreach (var part in parts)
        {
            // Skip what earlier types filled; the count is always needed for totalResults.
            var page = await (part.Query with { Offset = Math.Max(0, offset - (int)Math.Min(total, int.MaxValue)), Limit = limit - items.Count })
                .ReadAsync(db, part.Projection, ct);
            total += page.Total;
            items.AddRange(page.Rows.Select(row => (part.Query.Map, part.Projection, row)));
        }
        return ScimResults.List(total, query.StartIndex, items,
            (w, item) => ResourceWriter.Write(w, item.Map, item.Row, item.Projection, baseUrl));
    }

    /// <summary>
    /// An attribute no resource type has is still a mistake (400 invalidFilter, or invalidValue for sortBy), as on /Users
    /// or /Groups. One that some type has is only absent from the others, so <c>userName eq "x" or members.value eq "y"</c>
    /// is a valid filter and <c>sortBy=userName</c> sorts the users and leaves the groups in their default order.
    /// </summary>
    static void RequireKnownSomewhere(IReadOnlyList<ResourceMap> all, ListQuery query)
    {
        if (query.SortBy is { } sortBy && !all.Any(map => SortCompiler.IsKnown(sortBy, map.Type)))
            throw ScimException.InvalidValue($"Unknown sortBy attribute '{sortBy}': no resource type has such an attribute.");
        if (query.Filter is null)
            return;
        var filter = FilterParser.Parse(query.Filter);
        IEnumerable<string> unknown = FilterCompiler.Compile(filter, all[0], unknownIsAbsent: true).AbsentPaths;
        foreach (var map in all.Skip(1))
            unknown = unknown.Intersect(FilterCompiler.Compile(filter, map, unknownIsAbsent: true).AbsentPaths, StringComparer.OrdinalIgnoreCase);
        if (unknown.FirstOrDefault() is { } path)
            throw ScimException.InvalidFilter($"Unknown attribute '{path}': no resource type has such an attribute.");
    }

    static Part Compile(ResourceMap map, ListQuery query, ScimOptions options)
    {
        var compiled = ResourceQuery.Compile(map, query, options, acrossTypes: true);
        return new Part(compiled, Projection.From(map.Type, query.Attributes, query.ExcludedAttributes));
    }
}
