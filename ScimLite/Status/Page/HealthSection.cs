using System.Text;

namespace ScimLite.Status.Page;

/// <summary>Is the database reachable, at which schema version, and which ScimLite has been running since when.</summary>
public static class HealthSection
{
    public static void Render(StringBuilder html, HealthInfo health)
    {
        html.Append("<section aria-labelledby=\"health\"><h2 id=\"health\">Health</h2>\n");
        var schema = health.SchemaVersion is null ? "—"
            : Html.E(health.SchemaVersion)
              + (health.PendingScripts > 0 ? $" <span class=\"bad\">({health.PendingScripts} script(s) not applied)</span>" : "")
              + (health.UnknownScripts > 0 ? $" <span class=\"bad\">(migrated by a newer ScimLite: {health.UnknownScripts} unknown script(s))</span>" : "");
        Html.Facts(html,
        [
            ("Database", health.DatabaseReachable ? "<span class=\"ok\" id=\"database\">reachable</span>" : "<span class=\"bad\" id=\"database\">unreachable</span>"),
            ("Schema version", schema),
            ("ScimLite version", Html.E(health.Version)),
            ("This instance started", Html.Time(health.Started)),
        ]);
        html.Append("</section>\n");
    }
}
