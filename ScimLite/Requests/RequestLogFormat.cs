using System.Globalization;

namespace ScimLite.Requests;

/// <summary>How the <c>requests</c> command prints rows: an aligned table, JSON lines, or one record in full.</summary>
public static class RequestLogFormat
{
    const int DetailShown = 80;

    public static void WriteTable(TextWriter output, IReadOnlyList<RequestRow> rows)
    {
        string[] header = ["seq", "at (UTC)", "client", "request", "method", "path", "status", "scimType", "detail"];
        var cells = rows.Select(row => new[]
        {
            row.Seq.ToString(CultureInfo.InvariantCulture),
            Time(row.At),
            row.Client ?? "-",
            row.RequestId,
            row.Method,
            row.Path + row.Query,
            row.Status.ToString(CultureInfo.InvariantCulture),
            row.ScimType ?? "-",
            Shorten(row.Detail ?? (row.Reason == "capture" ? "(captured)" : "-")),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        output.WriteLine(Line(header, widths));
        foreach (var row in cells)
            output.WriteLine(Line(row, widths));
        output.WriteLine($"({rows.Count} row{(rows.Count == 1 ? "" : "s")})");
    }

    static string Time(DateTime at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    static string Shorten(string text) => text.Length > DetailShown ? text[..(DetailShown - 1)] + "…" : text;

    static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();

    public static void WriteJsonLines(TextWriter output, IReadOnlyList<RequestRow> rows) =>
        Cli.JsonLines.Write(output, rows, (json, row) =>
        {
            json.WriteNumber("seq", row.Seq);
            json.WriteString("at", DateTime.SpecifyKind(row.At.ToUniversalTime(), DateTimeKind.Utc));
            json.WriteString("client", row.Client);
            json.WriteString("requestId", row.RequestId);
            json.WriteString("method", row.Method);
            json.WriteString("path", row.Path);
            json.WriteString("query", row.Query);
            json.WriteNumber("status", row.Status);
            json.WriteString("scimType", row.ScimType);
            json.WriteString("detail", row.Detail);
            json.WriteNumber("durationMs", row.DurationMs);
            json.WriteString("reason", row.Reason);
            json.WriteString("body", row.Body);
        });

    /// <summary>One record: the request line, the answer, the headers kept, then the body indented.</summary>
    public static void WriteOne(TextWriter output, RequestRow row)
    {
        output.WriteLine($"seq:          {row.Seq}");
        output.WriteLine($"at:           {Time(row.At)} UTC ({row.DurationMs.ToString("0.##", CultureInfo.InvariantCulture)} ms)");
        output.WriteLine($"client:       {row.Client ?? "- (no valid token)"}");
        output.WriteLine($"request id:   {row.RequestId}   (ScimLite journal shows the changes it made under this id)");
        output.WriteLine($"request:      {row.Method} {row.Path}{row.Query}");
        output.WriteLine($"answer:       {row.Status}{(row.ScimType is null ? "" : " " + row.ScimType)}{(row.Detail is null ? "" : ": " + row.Detail)}");
        output.WriteLine($"recorded as:  {(row.Reason == "capture" ? "capture (an operator's capture of the client was on)" : "error")}");
        output.WriteLine("headers:");
        foreach (var (name, value) in new[] { ("Content-Type", row.ContentType), ("If-Match", row.IfMatch), ("Prefer", row.Prefer), ("User-Agent", row.UserAgent) })
        {
            if (value is not null)
                output.WriteLine($"  {name}: {value}");
        }
        if (row.Body is null)
        {
            output.WriteLine("body:         (none)");
            return;
        }
        output.WriteLine($"body:         {row.BodyBytes} bytes as sent{(row.BodyTruncated ? $", cut to the first {BodyRedaction.MaxChars / 1024} KB" : "")}; secrets shown as {BodyRedaction.Redacted}");
        output.WriteLine(BodyRedaction.Pretty(row.Body));
    }
}
