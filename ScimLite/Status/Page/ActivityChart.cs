using System.Globalization;
using System.Text;

namespace ScimLite.Status.Page;

/// <summary>
/// Journal rows per hour over the last 7 days as a stacked bar chart in inline SVG, drawn on the server. Each hour with
/// activity is a focusable group whose <c>&lt;title&gt;</c> (its accessible name, a tooltip on hover, and the line
/// under the chart on focus) gives its numbers; the same numbers follow as a table for screen readers.
/// </summary>
public static class ActivityChart
{
    /// <summary>The series, bottom to top: the CSS class suffix (the journal's action) and the legend's words.</summary>
    public static readonly (string Action, string Label, Func<HourCounts, long> Count)[] Series =
    [
        ("created", "Created", h => h.Created),
        ("deactivated", "Deactivated", h => h.Deactivated),
        ("reactivated", "Reactivated", h => h.Reactivated),
        ("deleted", "Deleted", h => h.Deleted),
        ("members_added", "Members added", h => h.MembersAdded),
        ("members_removed", "Members removed", h => h.MembersRemoved),
        ("other", "Other changes", h => h.Other),
    ];

    const int Slot = 6, Bar = 5, Left = 44, Top = 8, PlotHeight = 180, Bottom = 24;

    public static void Render(StringBuilder html, IReadOnlyList<HourCounts> hours)
    {
        html.Append("<section aria-labelledby=\"activity\"><h2 id=\"activity\">Provisioning activity, last 7 days</h2>\n");
        html.Append("<p class=\"muted\">Journal rows per hour (UTC); a group's members added or removed in one request count once.</p>\n");
        if (hours.Count == 0)
        {
            html.Append("<p class=\"muted\">Unknown: the database is unreachable.</p></section>\n");
            return;
        }
        Legend(html, hours);
        Svg(html, hours);
        html.Append("<p id=\"readout\" aria-hidden=\"true\"></p>\n");
        var pending = hours.Count(h => !h.Counted);
        if (pending > 0)
            html.Append($"<p class=\"muted\">{pending} earlier hour(s) are not counted yet (shown as a grey tick); the server counts them in the background.</p>\n");
        Table(html, hours);
        html.Append("</section>\n");
    }

    static void Legend(StringBuilder html, IReadOnlyList<HourCounts> hours)
    {
        html.Append("<ul class=\"legend\">");
        foreach (var (action, label, count) in Series)
            html.Append($"<li><span class=\"swatch s-{action}\" aria-hidden=\"true\"></span>{label}: {Html.N(hours.Sum(count))}</li>");
        html.Append("</ul>\n");
    }

    static void Svg(StringBuilder html, IReadOnlyList<HourCounts> hours)
    {
        var max = Math.Max(1, hours.Max(h => h.Total));
        var width = Left + hours.Count * Slot + 4;
        var height = Top + PlotHeight + Bottom;
        var baseline = Top + PlotHeight;
        html.Append("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Chart of journal rows per hour\">");
        html.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {width} {height}\" role=\"group\" aria-label=\"Journal rows per hour, last 7 days\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" y1=\"{baseline}\" x2=\"{width}\" y2=\"{baseline}\"/>");
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Top + 10}\" text-anchor=\"end\" aria-hidden=\"true\">{Html.N(max)}</text>");
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{baseline}\" text-anchor=\"end\" aria-hidden=\"true\">0</text>\n");
        for (var i = 0; i < hours.Count; i++)
        {
            var hour = hours[i];
            var x = Left + i * Slot;
            if (hour.Hour.Hour == 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{x}\" y1=\"{Top}\" x2=\"{x}\" y2=\"{baseline + 4}\" stroke-dasharray=\"2 3\"/>");
                html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 2}\" y=\"{baseline + 16}\" aria-hidden=\"true\">{hour.Hour:ddd d MMM}</text>\n");
            }
            if (!hour.Counted)
            {
                html.Append(CultureInfo.InvariantCulture, $"<rect class=\"s-other\" x=\"{x}\" y=\"{baseline - 2}\" width=\"{Bar}\" height=\"2\" aria-hidden=\"true\"/>");
                continue;
            }
            if (hour.Total == 0)
                continue;
            Hour(html, hour, x, baseline, max);
        }
        html.Append("</svg></div>\n");
    }

    static void Hour(StringBuilder html, HourCounts hour, int x, int baseline, long max)
    {
        var label = Label(hour);
        html.Append(CultureInfo.InvariantCulture,
            $"<g class=\"hour\" tabindex=\"0\" role=\"img\" data-hour=\"{hour.Hour:yyyy-MM-ddTHH:mm}Z\"><title>{Html.E(label)}</title>");
        html.Append(CultureInfo.InvariantCulture, $"<rect class=\"hit\" x=\"{x}\" y=\"{Top}\" width=\"{Slot}\" height=\"{PlotHeight}\"/>");
        double y = baseline;
        foreach (var (action, _, count) in Series)
        {
            var n = count(hour);
            if (n == 0)
                continue;
            var h = Math.Max(1.0, (double)n / max * PlotHeight);
            y -= h;
            html.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"s-{action}\" data-action=\"{action}\" data-count=\"{n}\" x=\"{x}\" y=\"{y:0.##}\" width=\"{Bar}\" height=\"{h:0.##}\"/>");
        }
        html.Append("</g>\n");
    }

    /// <summary>"2026-12-07 14:00 UTC: 3 created, 1 deactivated" — what hover, focus and screen readers get.</summary>
    public static string Label(HourCounts hour) =>
        $"{hour.Hour:yyyy-MM-dd HH:mm} UTC: " + string.Join(", ", Series.Where(s => s.Count(hour) > 0)
            .Select(s => $"{Html.N(s.Count(hour))} {s.Label.ToLowerInvariant()}"));

    static void Table(StringBuilder html, IReadOnlyList<HourCounts> hours)
    {
        html.Append("<details><summary>The chart as a table</summary>\n");
        Html.Table(html, "Journal rows per hour with activity, oldest first (hours without activity are left out)",
            ["Hour (UTC)", .. Series.Select(s => s.Label), "Total"],
            hours.Where(h => h.Total > 0).Select(h => (string[])
                [$"{h.Hour:yyyy-MM-dd HH:mm}", .. Series.Select(s => Html.N(s.Count(h))), Html.N(h.Total)]),
            "No journal activity in the last 7 days.");
        html.Append("</details>\n");
    }
}
