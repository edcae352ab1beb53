using System.Globalization;
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

    /// <summary>
    /// <c>title: "a" → "b"; password set; emails: +a@example.com, -b@example.com; +alice, +bob … (9500 more)</c>, and
    /// <c>(truncated, 5242880 bytes in full)</c> for a row cut to the journal's bound (docs/database.md, "Journal and change feed").
    /// </summary>
    public static string Summary(string changes)
    {
        using var document = JsonDocument.Parse(changes);
        var root = document.RootElement;
        var parts = new List<string>();
        foreach (var change in root.EnumerateObject())
        {
            if (change.Name is "truncated" or "original_bytes" || change.Name.StartsWith("more_", StringComparison.Ordinal))
                continue;
            if (change.Value.ValueKind == JsonValueKind.String)
                parts.Add($"{change.Name} {change.Value.GetString()}");
            else if (change.Value.ValueKind == JsonValueKind.Array)
                parts.Add(Items(change.Name == "added" ? '+' : '-', change.Value, More(root, change.Name)));
            else if (change.Value.TryGetProperty("added", out var added) && change.Value.TryGetProperty("removed", out var removed))
                parts.Add($"{change.Name}: {ItemChanges(change.Value, added, removed)}");
            else
                parts.Add($"{change.Name}: {Value(change.Value, "old")} → {Value(change.Value, "new")}"
                    + (change.Value.TryGetProperty("truncated", out _) ? " (cut)" : ""));
        }
        if (root.TryGetProperty("original_bytes", out var size))
            parts.Add($"(truncated, {size.GetRawText()} bytes in full)");
        return string.Join("; ", parts);
    }

    static string Value(JsonElement change, string side) =>
        change.TryGetProperty(side, out var value) ? value.GetRawText() : "null";

    /// <summary>How many items of the list <paramref name="name"/> the row left out (<c>more_&lt;name&gt;</c>).</summary>
    static int More(JsonElement holder, string name) =>
        holder.TryGetProperty("more_" + name, out var more) ? more.GetInt32() : 0;

    static string ItemChanges(JsonElement change, JsonElement added, JsonElement removed)
    {
        var lists = new[] { Items('+', added, More(change, "added")), Items('-', removed, More(change, "removed")) };
        var shown = string.Join(", ", lists.Where(l => l.Length > 0));
        return shown.Length > 0 ? shown : "order changed";
    }

    /// <summary><c>+alice, +bob … (12 more)</c>: a member by its display, an item by its value (or its JSON).</summary>
    static string Items(char sign, JsonElement items, int more)
    {
        var names = items.EnumerateArray().Select(item => sign + Text(item)).ToList();
        var hidden = Math.Max(0, names.Count - MembersShown) + more;
        var shown = string.Join(", ", names.Take(MembersShown));
        return hidden > 0 ? $"{shown} … ({hidden} more)" : shown;
    }

    static string Text(JsonElement item) => item.ValueKind switch
    {
        JsonValueKind.String => item.GetString()!,
        JsonValueKind.Object when item.TryGetProperty("display", out var display) && display.ValueKind == JsonValueKind.String
            => display.GetString()!,
        JsonValueKind.Object when item.TryGetProperty("value", out var value) => Text(value),
        _ => item.GetRawText(),
    };

    public static void WriteJsonLines(TextWriter output, IReadOnlyList<JournalRow> rows) =>
        Cli.JsonLines.Write(output, rows, (json, row) =>
        {
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
        });
}
