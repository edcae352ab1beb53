using System.Globalization;
using ScimLite.Auth;

namespace ScimLite.Webhooks;

/// <summary>How <c>webhooks status</c> prints the endpoints: an aligned table for people, JSON lines for tools.</summary>
public static class WebhookFormat
{
    public static void WriteTable(TextWriter output, IReadOnlyList<WebhookStatus> rows, DateTime now)
    {
        if (rows.Count == 0)
        {
            output.WriteLine("No webhook endpoint is configured (Scim:Webhooks) or has a stored position.");
            return;
        }
        string[] header = ["endpoint", "position", "lag", "delivered", "last success", "next attempt", "last error"];
        var cells = rows.Select(row => new[]
        {
            row.Configured ? row.Name : $"{row.Name} (not configured)",
            row.Seq is { } seq ? seq.ToString(CultureInfo.InvariantCulture) : "not started",
            row.LagEvents == 0 ? "0" : $"{row.LagEvents} events, {Durations.Short(TimeSpan.FromSeconds(row.LagSeconds))}",
            row.Delivered.ToString(CultureInfo.InvariantCulture),
            row.LastSuccess is { } success ? $"{Durations.Short(now - success)} ago" : "never",
            row.NextAttempt is { } next && next > now ? $"in {Durations.Short(next - now)} (after {row.Attempts} failed)" : row.Attempts > 0 ? "now" : "-",
            row.LastError is { } error ? $"{Durations.Short(now - row.LastErrorAt!.Value)} ago: {error}" : "-",
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Max(c => c[i].Length))).ToArray();
        output.WriteLine(Line(header, widths));
        foreach (var row in cells)
            output.WriteLine(Line(row, widths));
    }

    static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();

    public static void WriteJsonLines(TextWriter output, IReadOnlyList<WebhookStatus> rows) =>
        Cli.JsonLines.Write(output, rows, (json, row) =>
        {
            json.WriteString("name", row.Name);
            json.WriteBoolean("configured", row.Configured);
            json.WriteString("xid", row.Xid);
            if (row.Seq is { } seq) json.WriteNumber("seq", seq); else json.WriteNull("seq");
            json.WriteNumber("lagEvents", row.LagEvents);
            json.WriteNumber("lagSeconds", Math.Round(row.LagSeconds, 3));
            json.WriteNumber("delivered", row.Delivered);
            json.WriteNumber("attempts", row.Attempts);
            Time(json, "lastSuccess", row.LastSuccess);
            json.WriteString("lastError", row.LastError);
            Time(json, "lastErrorAt", row.LastErrorAt);
            Time(json, "nextAttempt", row.NextAttempt);
        });

    static void Time(System.Text.Json.Utf8JsonWriter json, string name, DateTime? value)
    {
        if (value is { } at)
            json.WriteString(name, DateTime.SpecifyKind(at.ToUniversalTime(), DateTimeKind.Utc));
        else
            json.WriteNull(name);
    }
}
