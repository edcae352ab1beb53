using System.Globalization;
using System.Net;
using System.Text;

namespace ScimLite.Status.Page;

/// <summary>
/// The status page's HTML helpers. Every value that reaches the page goes through <see cref="E"/>: names come from
/// identity providers, paths and bodies from whoever sent them.
/// </summary>
public static class Html
{
    public static string E(string? value) => WebUtility.HtmlEncode(value ?? "");

    public static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A UTC time as a <c>&lt;time&gt;</c> element; "—" when there is none.</summary>
    public static string Time(DateTime? utc) => utc is { } t
        ? $"<time datetime=\"{t.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}\">{t.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC</time>"
        : "—";

    /// <summary>A table with a caption, its header cells and its rows (each row's cells already HTML).</summary>
    public static void Table(StringBuilder html, string caption, string[] headers, IEnumerable<string[]> rows, string? empty = null)
    {
        var body = new StringBuilder();
        foreach (var row in rows)
            body.Append("<tr>").AppendJoin("", row.Select(cell => $"<td>{cell}</td>")).Append("</tr>\n");
        if (body.Length == 0 && empty is not null)
        {
            html.Append($"<p>{E(empty)}</p>\n");
            return;
        }
        // On a phone a wide table scrolls sideways inside its own region, which the keyboard can reach too.
        html.Append($"<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{E(caption)}\"><table><caption>{E(caption)}</caption>\n<thead><tr>")
            .AppendJoin("", headers.Select(h => $"<th scope=\"col\">{E(h)}</th>"))
            .Append("</tr></thead>\n<tbody>\n").Append(body).Append("</tbody></table></div>\n");
    }

    /// <summary>A definition list of already-HTML values.</summary>
    public static void Facts(StringBuilder html, IEnumerable<(string Term, string Value)> facts)
    {
        html.Append("<dl>");
        foreach (var (term, value) in facts)
            html.Append($"<dt>{E(term)}</dt><dd>{value}</dd>");
        html.Append("</dl>\n");
    }
}
