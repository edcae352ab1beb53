using System.Buffers;
using System.Text.Json;

namespace ScimLite.Scim;

/// <summary>Reading SCIM request bodies and writing SCIM JSON responses.</summary>
public static class ScimJson
{
    public const string MediaType = "application/scim+json; charset=utf-8";

    /// <summary>Text is written as is (not \u-escaped): responses are JSON for API clients, never embedded in HTML.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, AllowTrailingCommas = false };

    /// <summary>
    /// Reads the body as one JSON object. Okta posts as application/json, others as application/scim+json; both are
    /// accepted, as is no content type. Anything that is not a JSON object is 400 invalidSyntax.
    /// </summary>
    public static async Task<JsonDocument> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        var contentType = request.ContentType;
        if (contentType is not null && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
            throw new ScimException(415, null, "Send the body as application/scim+json or application/json.");
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, DocumentOptions, ct);
        }
        catch (JsonException)
        {
            throw ScimException.InvalidSyntax("The request body is not valid JSON.");
        }
        catch (ArgumentException)
        {
            throw ScimException.InvalidSyntax("The request body is not valid UTF-8 JSON.");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw ScimException.InvalidSyntax("The request body must be a JSON object.");
        }
        return document;
    }

    /// <summary>Case-insensitive property lookup: SCIM attribute names are case-insensitive (RFC 7643 §2.1).</summary>
    public static bool TryGet(this JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty(name, out value))
                return true;
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }
        value = default;
        return false;
    }

    /// <summary>Writes a JSON response built by <paramref name="write"/> with the SCIM media type.</summary>
    public static IResult Result(int status, Action<Utf8JsonWriter> write, string? etag = null, string? location = null) =>
        new ScimJsonResult(status, write, etag, location);

    sealed class ScimJsonResult(int status, Action<Utf8JsonWriter> write, string? etag, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            response.StatusCode = status;
            response.ContentType = MediaType;
            if (etag is not null)
                response.Headers.ETag = etag;
            if (location is not null)
            {
                response.Headers.Location = location;
                response.Headers.ContentLocation = location;
            }
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
                write(writer);
            response.ContentLength = buffer.WrittenCount;
            await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
        }
    }
}
