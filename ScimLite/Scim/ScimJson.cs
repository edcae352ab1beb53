using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;

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
        if (!IsAcceptedContentType(request.ContentType))
            throw new ScimException(415, null, "Send the body as application/scim+json or application/json, in UTF-8.");
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
        try
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw ScimException.InvalidSyntax("The request body must be a JSON object.");
            CheckText(document.RootElement, MaxAttributeLength(request), ct);
        }
        catch
        {
            document.Dispose();
            throw;
        }
        return document;
    }

    /// <summary>
    /// The Content-Type parsed as a media type: <c>application/scim+json</c> or <c>application/json</c> (Okta), with
    /// charset utf-8 or none; no Content-Type at all is read as JSON too. Anything else — another type that merely
    /// mentions json in a parameter, another charset, a malformed header — is not.
    /// </summary>
    public static bool IsAcceptedContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
            return true;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media))
            return false;
        var type = media.MediaType.Value;
        if (!string.Equals(type, "application/scim+json", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(type, "application/json", StringComparison.OrdinalIgnoreCase))
            return false;
        var charset = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(media.Charset).Value;
        return string.IsNullOrEmpty(charset) || string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase);
    }

    static int MaxAttributeLength(HttpRequest request) =>
        request.HttpContext.RequestServices.GetService<IOptions<ScimOptions>>()?.Value.MaxAttributeLength ?? int.MaxValue;

    /// <summary>
    /// The parser checks structure, not text: invalid UTF-8 inside a string, or an escaped lone surrogate, only fails
    /// when a handler reads the value (a 500 deep in the handler). Every name and string is decoded here once, so such
    /// a body is 400 invalidSyntax up front, and a string longer than the limit is 400 invalidValue (a megabyte
    /// userName would otherwise reach the database, where only its btree index size limit stops it).
    /// </summary>
    static void CheckText(JsonElement root, int maxLength, CancellationToken ct)
    {
        var visited = 0;
        try
        {
            Walk(root, "", maxLength, ref visited, ct);
        }
        catch (InvalidOperationException)
        {
            throw ScimException.InvalidSyntax("The request body has text that is not valid UTF-8 or has an unpaired surrogate escape.");
        }

        // Linear in the body; the request's deadline is looked at every few thousand values.
        static void Walk(JsonElement element, string name, int maxLength, ref int visited, CancellationToken ct)
        {
            if (++visited % 4096 == 0)
                ct.ThrowIfCancellationRequested();
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                        Walk(property.Value, property.Name, maxLength, ref visited, ct);
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                        Walk(item, name, maxLength, ref visited, ct);
                    break;
                case JsonValueKind.String when element.GetString()!.Length > maxLength:
                    throw ScimException.InvalidValue($"'{ScimValues.Shorten(name)}' has a value longer than {maxLength} characters.");
            }
        }
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

    /// <summary>Status, the SCIM media type and an ETag, before a body is streamed.</summary>
    public static void Start(HttpResponse response, int status, string? etag = null)
    {
        response.StatusCode = status;
        response.ContentType = MediaType;
        if (etag is not null)
            response.Headers.ETag = etag;
    }
}

/// <summary>
/// A JSON response written with bounded buffering: a <see cref="Utf8JsonWriter"/> over a buffer that is sent to the
/// client whenever it holds <see cref="FlushBytes"/> (at a point the caller chooses, between items). A response that
/// fits in one buffer goes out whole with a Content-Length; a larger one goes out chunked as it is written, so memory
/// stays the same whether a list page or a group's member list is 10 KB or 10 MB.
/// </summary>
public sealed class JsonStream : IDisposable
{
    /// <summary>Bytes buffered before they are sent.</summary>
    public const int FlushBytes = 16 * 1024;

    readonly HttpResponse response;
    // Sized for one resource; it grows (to about twice FlushBytes at most) only for responses that need it.
    readonly ArrayBufferWriter<byte> buffer = new(4096);
    readonly CancellationToken ct;
    bool started;

    public JsonStream(HttpResponse response, CancellationToken ct)
    {
        this.response = response;
        this.ct = ct;
        Writer = new Utf8JsonWriter(buffer, ScimJson.WriterOptions);
    }

    public Utf8JsonWriter Writer { get; }

    /// <summary>True once part of the body has gone to the client: the response can no longer change.</summary>
    public bool Started => started;

    /// <summary>Drops what is buffered, for a retry that writes the response again; only before anything was sent.</summary>
    public void Restart()
    {
        if (started)
            throw new InvalidOperationException("Part of the response has been sent already.");
        Writer.Reset();
        buffer.ResetWrittenCount();
    }

    /// <summary>Sends what is buffered when it has reached <see cref="FlushBytes"/>; call it between items.</summary>
    public ValueTask FlushIfFullAsync() =>
        buffer.WrittenCount + Writer.BytesPending >= FlushBytes ? new ValueTask(SendAsync()) : ValueTask.CompletedTask;

    /// <summary>Sends the rest: the whole body with a Content-Length when nothing was sent before.</summary>
    public async Task CompleteAsync()
    {
        Writer.Flush();
        if (!started && buffer.WrittenCount == 0)
            return; // a response without a body (304)
        if (!started)
            response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, ct);
        buffer.ResetWrittenCount();
    }

    async Task SendAsync()
    {
        Writer.Flush();
        started = true;
        await response.Body.WriteAsync(buffer.WrittenMemory, ct);
        await response.Body.FlushAsync(ct);
        buffer.ResetWrittenCount();
    }

    public void Dispose() => Writer.Dispose();
}
