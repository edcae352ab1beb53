using System.Globalization;
using Microsoft.Extensions.Primitives;
using ScimLite.Scim;

namespace ScimLite.Http;

/// <summary>Small HTTP facts every SCIM handler needs: base URL, resource ids, ETag preconditions.</summary>
public static class ScimHttp
{
    public const string BasePath = "/scim/v2";

    /// <summary>The SCIM base URL for response URLs; never taken from an unchecked Host header (see <see cref="Hosting.PublicUrls"/>).</summary>
    public static string BaseUrl(HttpRequest request) =>
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
}
