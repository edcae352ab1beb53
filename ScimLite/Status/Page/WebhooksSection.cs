using System.Globalization;
using System.Text;
using ScimLite.Webhooks;

namespace ScimLite.Status.Page;

/// <summary>
/// The webhook endpoints as <c>ScimLite webhooks status</c> shows them: where each stands in the journal, how far behind
/// it is, and how its last deliveries went. Replays are started from the command line.
/// </summary>
public static class WebhooksSection
{
    public static void Render(StringBuilder html, IReadOnlyList<WebhookStatus> endpoints, DateTime now)
    {
        html.Append("<section aria-labelledby=\"webhooks\"><h2 id=\"webhooks\">Webhooks</h2>\n");
        Html.Table(html, "Webhook endpoints: position in the journal, lag, last success and last error",
            ["Endpoint", "Position", "Behind", "Delivered", "Last success", "Last error", "Next attempt"],
            endpoints.Select(w => new[]
            {
                Html.E(w.Name) + (w.Configured ? "" : " <span class=\"muted\">(no longer configured)</span>"),
                w.Seq is { } seq ? "seq " + Html.N(seq) : "<span class=\"muted\">not started</span>",
                Behind(w),
                Html.N(w.Delivered),
                Html.Time(w.LastSuccess),
                w.LastError is null ? "" : $"<span class=\"bad\">{Html.E(w.LastError)}</span> ({Html.Time(w.LastErrorAt)})",
                w.NextAttempt is { } next && next > now ? Html.Time(next) : "",
            }), "No webhook endpoint is configured (Scim:Webhooks).");
        html.Append("</section>\n");
    }

    static string Behind(WebhookStatus w)
    {
        if (w.LagEvents == 0)
            return "<span class=\"ok\">up to date</span>";
        var events = w.LagEvents >= StatusReader.WebhookLagCap ? Html.N(StatusReader.WebhookLagCap) + "+" : Html.N(w.LagEvents);
        return $"{events} events, {Math.Round(w.LagSeconds).ToString(CultureInfo.InvariantCulture)} s";
    }
}
