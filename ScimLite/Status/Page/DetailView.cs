using System.Globalization;
using System.Text;
using System.Text.Json;
using ScimLite.Journal;
using ScimLite.Requests;

namespace ScimLite.Status.Page;

/// <summary>One journal row, or one failed request with its redacted body (as stored: secrets never reached the log).</summary>
public static class DetailView
{
    public static string Journal(JournalRow row)
    {
        var html = Start($"Journal row {row.Seq}");
        Html.Facts(html,
        [
            ("When", Html.Time(row.At)), ("Action", Html.E(row.Action)), ("Resource", $"{Html.E(row.ResourceType)} {Html.E(row.ResourceId.ToString())}"),
            ("Name", Html.E(row.Name)), ("Client", Html.E(row.Client ?? "(outside ScimLite)")), ("Request id", Html.E(row.RequestId)),
        ]);
        html.Append("<h2>Changes</h2>\n<pre id=\"changes\">").Append(Html.E(Pretty(row.Changes))).Append("</pre>\n");
        return End(html, $"Journal row {row.Seq}");
    }

    public static string Failure(RequestRow row)
    {
        var html = Start($"Request {row.Seq}");
        Html.Facts(html,
        [
            ("When", Html.Time(row.At)), ("Request", $"{Html.E(row.Method)} {Html.E(row.Path)}{Html.E(row.Query)}"),
            ("Status", row.Status.ToString(CultureInfo.InvariantCulture)), ("scimType", Html.E(row.ScimType ?? "—")),
            ("Detail", Html.E(row.Detail ?? "—")), ("Client", Html.E(row.Client ?? "(no valid token)")),
            ("Request id", Html.E(row.RequestId)), ("Duration", $"{row.DurationMs.ToString("0.##", CultureInfo.InvariantCulture)} ms"),
            ("Content-Type", Html.E(row.ContentType ?? "—")), ("If-Match", Html.E(row.IfMatch ?? "—")), ("Prefer", Html.E(row.Prefer ?? "—")),
            ("User-Agent", Html.E(row.UserAgent ?? "—")), ("Recorded because", Html.E(row.Reason)),
        ]);
        var size = row.BodyBytes is { } bytes ? $" ({Html.N(bytes)} bytes as sent{(row.BodyTruncated ? ", truncated" : "")}; secrets redacted)" : "";
        html.Append($"<h2>Body{size}</h2>\n");
        html.Append(row.Body is null ? "<p class=\"muted\">None.</p>\n" : $"<pre id=\"body\">{Html.E(Pretty(row.Body))}</pre>\n");
        return End(html, $"Request {row.Seq}");
    }

    public static string NotFound(string what) =>
        End(Start("Not found").Append($"<p>{Html.E(what)} is not there (any more: the journal and the request log are purged by age).</p>\n"), "Not found");

    static StringBuilder Start(string title) =>
        new StringBuilder().Append($"<header><h1>{Html.E(title)}</h1><p><a href=\"/\">Back to the status page</a></p></header>\n<main>\n");

    static string End(StringBuilder html, string title) => Layout.Document($"{title} · ScimLite", html.Append("</main>\n").ToString());

    /// <summary>JSON indented for reading; anything else (a truncated body) as it is.</summary>
    static string Pretty(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return text;
        }
    }

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
