using System.Text;

namespace ScimLite.Status.Page;

/// <summary>The status page: header with the refresh control, then each section in the order an operator asks.</summary>
public static class StatusView
{
    public static string Render(StatusSnapshot snapshot, string nonce)
    {
        var html = new StringBuilder(64 * 1024);
        html.Append("<header><h1>ScimLite status</h1>")
            .Append($"<p class=\"muted\">As of {Html.Time(snapshot.Now)} · reloads every 30 s ")
            .Append("<button type=\"button\" id=\"pause\" aria-pressed=\"false\">Pause auto-refresh</button></p></header>\n<main>\n");
        if (snapshot.Warning is not null)
            html.Append($"<p class=\"warn\" role=\"note\">{Html.E(snapshot.Warning)}</p>\n");
        HealthSection.Render(html, snapshot.Health);
        BrakeSection.Render(html, snapshot.Brake);
        ClientsSection.Render(html, snapshot.Clients, snapshot.Now, snapshot.Health.Started);
        ActivityChart.Render(html, snapshot.Activity);
        ChangesSection.RenderJournal(html, snapshot.Journal);
        ChangesSection.RenderFailures(html, snapshot.Failures);
        WebhooksSection.Render(html, snapshot.Webhooks, snapshot.Now);
        html.Append("</main>\n<footer class=\"muted\">Read-only. Commands change state: <code>ScimLite brake release</code>, "
            + "<code>ScimLite tokens …</code>, <code>ScimLite journal</code>, <code>ScimLite requests</code>, <code>ScimLite webhooks replay</code>.</footer>\n");
        return Layout.Document("ScimLite status", html.ToString(), nonce);
    }
}
