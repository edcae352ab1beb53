using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimLite.Requests;

/// <summary>A request body as the request log stores it.</summary>
/// <param name="Text">Redacted JSON (at most <see cref="BodyRedaction.MaxChars"/> characters), or a placeholder.</param>
/// <param name="Bytes">The body's size as sent.</param>
public sealed record StoredBody(string Text, int Bytes, bool Truncated);

/// <summary>
/// Redacts a request body before it is stored: the value of every property whose name contains <c>password</c>,
/// <c>secret</c> or <c>token</c> (any case, at any depth), and the <c>value</c> of a PATCH operation whose <c>path</c>
/// names such an attribute, become <c>"[redacted]"</c>. A body that does not parse as JSON cannot be redacted, so only
/// its size is kept. Pure: the request log's writer and its tests call it.
/// </summary>
public static class BodyRedaction
{
    public const string Redacted = "[redacted]";

    /// <summary>64 KB of text: a longer redacted body is cut here and marked truncated.</summary>
    public const int MaxChars = 64 * 1024;

    static readonly string[] Sensitive = ["password", "secret", "token"];

    static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static bool IsSensitive(string name) =>
        Sensitive.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));

    public static StoredBody Store(ReadOnlySpan<byte> body)
    {
        string text;
        try
        {
            var root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            Redact(root);
            text = root?.ToJsonString(Compact) ?? "null";
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON, JSON whose duplicate names would leave a copy unredacted, or a string no writer can re-encode
            // (an unpaired surrogate escape): nothing of it is kept.
            return new StoredBody($"[not JSON, {body.Length} bytes]", body.Length, false);
        }
        return text.Length > MaxChars
            ? new StoredBody(text[..MaxChars], body.Length, true)
            : new StoredBody(text, body.Length, false);
    }

    /// <summary>A body that was not read (larger than the server accepts, or gone with the connection).</summary>
    public static StoredBody NotRead(long bytes, string why) =>
        new($"[not read: {why}, {bytes} bytes]", (int)Math.Min(bytes, int.MaxValue), false);

    static void Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                // A PATCH operation {"op":…, "path":"password", "value":…}: the value is the password.
                var pathNamesSecret = obj.TryGetPropertyValue("path", out var path) && path is JsonValue p
                    && p.TryGetValue<string>(out var pathText) && IsSensitive(pathText);
                foreach (var name in obj.Select(property => property.Key).ToList())
                {
                    if (IsSensitive(name) || (pathNamesSecret && string.Equals(name, "value", StringComparison.OrdinalIgnoreCase)))
                        obj[name] = Redacted;
                    else
                        Redact(obj[name]);
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                    Redact(item);
                break;
        }
    }

    /// <summary>The stored body indented for <c>requests show</c>; a placeholder or a cut body as it is.</summary>
    public static string Pretty(string stored)
    {
        try
        {
            using var document = JsonDocument.Parse(stored);
            return JsonSerializer.Serialize(document.RootElement, new JsonSerializerOptions
            {
                WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            });
        }
        catch (JsonException)
        {
            return stored;
        }
    }
}
