using System.Text;
using ScimLite.Journal;
using ScimLite.Requests;

namespace ScimLite.Status.Page;

/// <summary>The latest journal rows and the latest failed requests, newest first, each linking to its detail view.</summary>
public static class ChangesSection
{
    public static void RenderJournal(StringBuilder html, IReadOnlyList<JournalRow> rows)
    {
        html.Append("<section aria-labelledby=\"journal\"><h2 id=\"journal\">Latest changes</h2>\n");
        Html.Table(html, $"The latest {StatusReader.Latest} journal rows, newest first",
            ["When", "Action", "Type", "Name", "Client"],
            rows.Select(r => new[]
            {
                $"<a href=\"/journal/{r.Seq}\">{Html.Time(r.At)}</a>", Html.E(r.Action), Html.E(r.ResourceType), Html.E(r.Name),
                Html.E(r.Client ?? "(outside ScimLite)"),
            }), "The journal is empty.");
        html.Append("</section>\n");
    }

    public static void RenderFailures(StringBuilder html, IReadOnlyList<RequestRow> rows)
    {
        html.Append("<section aria-labelledby=\"failures\"><h2 id=\"failures\">Latest failed requests</h2>\n");
        Html.Table(html, $"The latest {StatusReader.Latest} requests answered 4xx or 5xx, newest first (from the request log)",
            ["When", "Status", "Request", "Client", "Error"],
            rows.Select(r => new[]
            {
                $"<a href=\"/requests/{r.Seq}\">{Html.Time(r.At)}</a>", r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{Html.E(r.Method)} {Html.E(r.Path)}", Html.E(r.Client ?? "(no valid token)"),
                Html.E(r.ScimType is null ? r.Detail : $"{r.ScimType}: {r.Detail}"),
            }), "No failed request is in the request log.");
        html.Append("</section>\n");
    }
}
