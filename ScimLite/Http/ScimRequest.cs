using System.Globalization;
using Microsoft.Extensions.Primitives;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Store;

namespace ScimLite.Http;

/// <summary>
/// What every SCIM handler needs from its request, bound once with <c>[AsParameters]</c>: the resource id of the route,
/// the If-Match version, the projection, the base URL of response URLs, and who writes; and the small HTTP facts
/// behind them (base URL, resource ids, ETag preconditions), for code that has a request but no binding.
/// </summary>
public sealed class ScimRequest
{
    public const string BasePath = "/scim/v2";

    /// <summary>The SCIM base URL for response URLs; never taken from an unchecked Host header (see <see cref="Hosting.PublicUrls"/>).</summary>
    public static string BaseUrlOf(HttpRequest request) =>
        (request.HttpContext.RequestServices.GetService<Hosting.PublicUrls>()?.Origin(request) ?? $"{request.Scheme}://{request.Host}{request.PathBase}") + BasePath;

    /// <summary>Ids are UUIDs; anything else (a typo, a path trick) names no resource: 404, never a 500.</summary>
    public static Guid ParseId(string id, string resourceType) =>
        Guid.TryParse(id, out var guid) ? guid : throw ScimException.NotFound($"{resourceType} {ScimValues.Shorten(id)} not found.");

    /// <summary>
    /// The version an <c>If-Match</c> header requires, or null when there is none (or it is <c>*</c>). Versions are
    /// weak ETags <c>W/"n"</c>; a strong <c>"n"</c> is accepted too. A list of several ETags is refused as unmatchable.
    /// </summary>
    public static long? IfMatchVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch;
        if (StringValues.IsNullOrEmpty(header))
            return null;
        var text = header.ToString().Trim();
        if (text == "*")
            return null;
        return ParseETag(text) ?? -1;
    }

    /// <summary>Whether an <c>If-None-Match</c> header names the current version (then GET answers 304).</summary>
    public static bool IfNoneMatch(HttpRequest request, long version)
    {
        var header = request.Headers.IfNoneMatch;
        if (StringValues.IsNullOrEmpty(header))
            return false;
        foreach (var part in header.ToString().Split(','))
        {
            var text = part.Trim();
            if (text == "*" || ParseETag(text) == version)
                return true;
        }
        return false;
    }

    /// <summary>The 304 for a matching <c>If-None-Match</c>: no body, but the ETag a 200 would carry (RFC 9110 §15.4.5).</summary>
    public static void NotModified(HttpResponse response, long version)
    {
        response.Headers.ETag = ScimValues.ETag(version);
        response.StatusCode = StatusCodes.Status304NotModified;
    }

    static long? ParseETag(string text)
    {
        if (text.StartsWith("W/", StringComparison.Ordinal))
            text = text[2..];
        text = text.Trim('"');
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
    }

    /// <summary>The <c>{id}</c> of the route; null on routes without one.</summary>
    public string? Id { get; init; }

    public required HttpContext Context { get; init; }

    public HttpRequest Http => Context.Request;

    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary>The SCIM base URL for response URLs (see <see cref="BaseUrlOf"/>).</summary>
    public string BaseUrl => baseUrl ??= BaseUrlOf(Http);

    string? baseUrl;

    /// <summary>The version an If-Match header requires, or null.</summary>
    public long? IfMatch => IfMatchVersion(Http);

    /// <summary>Who writes, for the journal.</summary>
    public WriteContext Writer => WriteContext.Of(Context);

    /// <summary>The route's id as a resource of <paramref name="type"/>: anything but a UUID names none (404).</summary>
    public Guid ResourceId(ResourceTypeDef type) => ParseId(Id ?? "", type.Name);

    /// <summary>The attributes the response carries (<c>attributes</c>, <c>excludedAttributes</c>).</summary>
    public Projection Projection(ResourceTypeDef type) =>
        Scim.Projection.From(type, Http.Query["attributes"].ToString(), Http.Query["excludedAttributes"].ToString());

    /// <summary>Whether the request names attributes to return (then a write answers with them, whatever its default).</summary>
    public bool AsksForAttributes => Http.Query.ContainsKey("attributes") || Http.Query.ContainsKey("excludedAttributes");

    /// <summary>
    /// The PATCH body (RFC 7644 §3.5.2) planned against <paramref name="map"/>: every operation becomes part of one
    /// update, each checked as it is planned (all or nothing); nothing runs yet.
    /// </summary>
    public async Task<UpdatePlan> ReadPatchAsync(ResourceMap map, Guid id, ScimOptions options)
    {
        using var body = await ScimJson.ReadObjectAsync(Http, Aborted);
        var operations = PatchRequest.Parse(body.RootElement, options.MaxOperations);
        var plan = new UpdatePlan(map, options.MaxPatchArraySteps);
        foreach (var step in PatchStep.Plan(map.Type, operations, id))
            step.Run(() => plan.Apply(step));
        return plan;
    }

    /// <summary>A POST or PUT body read into the columns <paramref name="map"/> keeps it in, with the parsed body.</summary>
    public async Task<ColumnSet> ReadResourceAsync(ResourceMap map, Action<System.Text.Json.JsonElement>? alsoRead = null)
    {
        using var body = await ScimJson.ReadObjectAsync(Http, Aborted);
        var columns = ResourceReader.Read(map, body.RootElement);
        alsoRead?.Invoke(body.RootElement);
        return columns;
    }
}
