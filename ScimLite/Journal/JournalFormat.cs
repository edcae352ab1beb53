using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ScimLite.Journal;

/// <summary>How the <c>journal</c> command prints rows: an aligned table for people, JSON lines for tools.</summary>
public static class JournalFormat
{
    const int MembersShown = 10;

    public static void WriteTable(TextWriter output, IReadOnlyList<JournalRow> rows)
    {
        string[] header = ["seq", "at (UTC)", "client", "request", "action", "resource", "changes"];
        var cells = rows.Select(row => new[]
        {
            row.Seq.ToString(CultureInfo.InvariantCulture),
            row.At.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            row.Client ?? "-",
            row.RequestId ?? "-",
            row.Action,
            $"{row.ResourceType} {row.Name ?? row.ResourceId.ToString()}",
            Summary(row.Changes),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        output.WriteLine(Line(header, widths));
        foreach (var row in cells)
            output.WriteLine(Line(row, widths));
        output.WriteLine($"({rows.Count} row{(rows.Count == 1 ? "" : "s")})");
    }

    static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();

    /// <summary><c>title: "a" → "b"; password set; +alice, +bob</c>.</summary>
    public static string Summary(string changes)
    {
        using var document = JsonDocument.Parse(changes);
        var parts = new List<string>();
        foreach (var change in document.RootElement.EnumerateObject())
        {
            if (change.Value.ValueKind == JsonValueKind.String)
                parts.Add($"{change.Name} {change.Value.GetString()}");
            else if (change.Value.ValueKind == JsonValueKind.Array)
                parts.Add(Members(change.Name == "added" ? '+' : '-', change.Value));
            else
                parts.Add($"{change.Name}: {Value(change.Value, "old")} → {Value(change.Value, "new")}");
        }
        return string.Join("; ", parts);
    }

    static string Value(JsonElement change, string side) =>
        change.TryGetProperty(side, out var value) ? value.GetRawText() : "null";

    static string Members(char sign, JsonElement members)
    {
        var names = members.EnumerateArray()
            .Select(m => sign + (m.TryGetProperty("display", out var d) ? d.GetString() : m.GetProperty("value").GetString()))
            .ToList();
        var shown = string.Join(", ", names.Take(MembersShown));
        return names.Count > MembersShown ? $"{shown} … ({names.Count - MembersShown} more)" : shown;
    }

    public static void WriteJsonLines(TextWriter output, IReadOnlyList<JournalRow> rows)
    {
        foreach (var row in rows)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("seq", row.Seq);
                json.WriteString("at", DateTime.SpecifyKind(row.At.ToUniversalTime(), DateTimeKind.Utc));
                json.WriteString("client", row.Client);
                json.WriteString("requestId", row.RequestId);
                json.WriteString("resourceType", row.ResourceType);
                json.WriteString("resourceId", row.ResourceId);
                json.WriteString("name", row.Name);
                json.WriteString("action", row.Action);
                json.WritePropertyName("changes");
                json.WriteRawValue(row.Changes);
                json.WriteEndObject();
            }
            output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        }
    }
}
