using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ScimLite.Extensions;
using ScimLite.Http;
using ScimLite.Scim.Schema;
using ScimLite.Scim;

namespace ScimLite.Discovery;

/// <summary>
/// The discovery endpoints of RFC 7644 §4, generated from <see cref="CoreSchemas"/> and <see cref="ResourceTypeDef"/>
/// so that what they say cannot drift from what the other endpoints do. Anonymous, because a client reads
/// authenticationSchemes before it has a token (RFC 7643 §5).
/// Documents are built per request, not cached per base URL: they are small and rarely asked for, and a cache keyed
/// by the Host header would grow with whatever hosts clients send.
/// </summary>
public static class DiscoveryApi
{
    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder app)
    {
        var scim = app.MapGroup(ScimRequest.BasePath).AllowAnonymous().AddEndpointFilter(RejectFilterParameter);

        scim.MapGet("/ServiceProviderConfig", GetServiceProviderConfig);
        scim.MapGet("/ResourceTypes", ListResourceTypes);
        scim.MapGet("/ResourceTypes/{id}", GetResourceType);
        scim.MapGet("/Schemas", ListSchemas);
        scim.MapGet("/Schemas/{urn}", GetSchema);

        return app;
    }

    /// <summary>Every schema some resource type uses, base schemas and extensions; never the message URNs.</summary>
    public static IEnumerable<SchemaDef> Schemas(ResourceTypes types) =>
        types.All.SelectMany(type => type.AllSchemas).DistinctBy(schema => schema.Id);

    static IResult GetServiceProviderConfig(HttpRequest request, IOptions<ScimOptions> options)
    {
        var baseUrl = ScimRequest.BaseUrlOf(request);
        return Scim(ServiceProviderConfigDocument.Build(options.Value, baseUrl), ServiceProviderConfigDocument.Location(baseUrl));
    }

    static IResult ListResourceTypes(HttpRequest request, ResourceTypes types)
    {
        var baseUrl = ScimRequest.BaseUrlOf(request);
        return List(types.All.Select(type => ResourceTypeDocument.Build(type, baseUrl)));
    }

    static IResult GetResourceType(string id, HttpRequest request, ResourceTypes types)
    {
        // Lenient about case: ids of resource types are their names, and "user" can only mean one thing.
        var type = types.All.FirstOrDefault(t => string.Equals(t.Name, id, StringComparison.OrdinalIgnoreCase))
            ?? throw ScimException.NotFound($"Resource type '{id}' not found");
        var baseUrl = ScimRequest.BaseUrlOf(request);
        return Scim(ResourceTypeDocument.Build(type, baseUrl), ResourceTypeDocument.Location(type, baseUrl));
    }

    static IResult ListSchemas(HttpRequest request, ResourceTypes types)
    {
        var baseUrl = ScimRequest.BaseUrlOf(request);
        return List(Schemas(types).Select(schema => SchemaDocument.Build(schema, baseUrl)));
    }

    static IResult GetSchema(string urn, HttpRequest request, ResourceTypes types)
    {
        // Schema URIs are case-insensitive (RFC 7644 §3.10).
        var schema = Schemas(types).FirstOrDefault(s => string.Equals(s.Id, urn, StringComparison.OrdinalIgnoreCase))
            ?? throw ScimException.NotFound($"Schema '{urn}' not found");
        var baseUrl = ScimRequest.BaseUrlOf(request);
        return Scim(SchemaDocument.Build(schema, baseUrl), SchemaDocument.Location(schema, baseUrl));
    }

    /// <summary>
    /// RFC 7644 §4: filter, sort and paging parameters are ignored here, but a filter SHOULD get 403 so a client never
    /// believes the conditions it sent were applied.
    /// </summary>
    static ValueTask<object?> RejectFilterParameter(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Request.Query.ContainsKey("filter")
            ? throw new ScimException(403, null, "Filtering is not supported on discovery endpoints")
            : next(context);

    /// <summary>The whole collection in one page: discovery ignores paging parameters (RFC 7644 §4).</summary>
    static IResult List(IEnumerable<JsonObject> resources)
    {
        var items = resources.ToList();
        return ScimResults.List(items.Count, startIndex: 1, items, (writer, item) => item.WriteTo(writer));
    }

    /// <summary>Single items also get Content-Location = meta.location (RFC 7643 §3.1), like every other resource.</summary>
    static IResult Scim(JsonObject body, string? location = null) =>
        ScimResults.Json(StatusCodes.Status200OK, writer => body.WriteTo(writer), location: location);
}
