using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Listing;
using ScimLite.Store;

namespace ScimLite.Http;

/// <summary>
/// The SCIM responses of the endpoints: JSON with the SCIM media type, written with bounded buffering; and
/// <c>Prefer: return=minimal</c> / <c>return=representation</c> (RFC 7240 §4.2) on POST, PUT and PATCH: a client may
/// ask for the other of body and no body, and honoured preferences are echoed in <c>Preference-Applied</c>.
/// </summary>
public static class ScimResults
{
    /// <summary>A JSON response built by <paramref name="write"/>.</summary>
    public static IResult Json(int status, Action<Utf8JsonWriter> write, string? etag = null, string? location = null) =>
        new JsonResult(status, write, etag, location);

    /// <summary>
    /// A response written with bounded buffering by <paramref name="write"/>, which sets the status and headers and
    /// calls <see cref="JsonStream.FlushIfFullAsync"/> between items.
    /// </summary>
    public static IResult Stream(Func<HttpContext, JsonStream, Task> write) => new StreamedResult(write);

    /// <summary>The resource: ETag from meta.version; on create also Location (= meta.location).</summary>
    public static IResult Resource(ResourceMap map, int status, ResourceRow row, Projection projection, string baseUrl, bool withLocation = false) =>
        Json(status, w => ResourceWriter.Write(w, map, row, projection, baseUrl), ScimValues.ETag(row.Version),
            withLocation ? map.Type.Location(baseUrl, row.Id) : null);

    /// <summary>
    /// A resource a POST (201), PUT or PATCH (200) wrote: the resource, or no body when the request prefers
    /// return=minimal : 201 stays 201 with Location, 200 becomes 204, the ETag is kept.
    /// </summary>
    public static IResult Written(ScimRequest request, ResourceMap map, int status, ResourceRow row, Projection projection)
    {
        if (Body(request.Http, byDefault: true))
            return Resource(map, status, row, projection, request.BaseUrl, withLocation: status == StatusCodes.Status201Created);
        var headers = request.Context.Response.Headers;
        headers.ETag = ScimValues.ETag(row.Version);
        if (status == StatusCodes.Status201Created)
            headers.Location = map.Type.Location(request.BaseUrl, row.Id);
        return Results.StatusCode(status == StatusCodes.Status201Created ? status : StatusCodes.Status204NoContent);
    }

    /// <summary>204 with the resource's ETag: a write answered without a body.</summary>
    public static IResult NoContent(HttpContext context, long version)
    {
        context.Response.Headers.ETag = ScimValues.ETag(version);
        return Results.NoContent();
    }

    /// <summary>A page of resources as a ListResponse (RFC 7644 §3.4.2).</summary>
    public static IResult List<T>(long totalResults, int? startIndex, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> writeItem) =>
        Stream((context, stream) =>
        {
            ScimJson.Start(context.Response, 200);
            return ListResponse.WriteAsync(stream, totalResults, startIndex, items.Count, null, i =>
            {
                writeItem(stream.Writer, items[i]);
                return Task.CompletedTask;
            });
        });

    sealed class JsonResult(int status, Action<Utf8JsonWriter> write, string? etag, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            ScimJson.Start(response, status, etag);
            if (location is not null)
            {
                response.Headers.Location = location;
                response.Headers.ContentLocation = location;
            }
            using var stream = new JsonStream(response, context.RequestAborted);
            write(stream.Writer);
            await stream.CompleteAsync();
        }
    }

    sealed class StreamedResult(Func<HttpContext, JsonStream, Task> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            using var stream = new JsonStream(context.Response, context.RequestAborted);
            await write(context, stream);
            await stream.CompleteAsync();
        }
    }

    // Prefer (RFC 7240 §4.2).
    const string Minimal = "return=minimal";
    const string Representation = "return=representation";

    /// <summary>True for return=representation, false for return=minimal, null when the request states neither.</summary>
    public static bool? WantsBody(HttpRequest request)
    {
        foreach (var header in request.Headers["Prefer"])
        {
            foreach (var part in (header ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var token = part.Replace(" ", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal);
                if (string.Equals(token, Minimal, StringComparison.OrdinalIgnoreCase))
                    return false;
                if (string.Equals(token, Representation, StringComparison.OrdinalIgnoreCase))
                    return true;
            }
        }
        return null;
    }

    /// <summary>
    /// Whether the answer carries a body: as the request prefers, else <paramref name="byDefault"/>. A stated
    /// preference is echoed in <c>Preference-Applied</c>.
    /// </summary>
    public static bool Body(HttpRequest request, bool byDefault)
    {
        if (WantsBody(request) is not { } wants)
            return byDefault;
        request.HttpContext.Response.Headers["Preference-Applied"] = wants ? Representation : Minimal;
        return wants;
    }
}
