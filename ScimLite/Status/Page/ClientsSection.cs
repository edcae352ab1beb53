using System.Text;

namespace ScimLite.Status.Page;

/// <summary>The clients: where each is defined, when it was last answered, its expiry, and this instance's counts.</summary>
public static class ClientsSection
{
    public static void Render(StringBuilder html, IReadOnlyList<ClientLine> clients, DateTime now, DateTime started)
    {
        html.Append("<section aria-labelledby=\"clients\"><h2 id=\"clients\">Clients</h2>\n");
        html.Append($"<p class=\"muted\">Requests and failures (answers 4xx/5xx) are counted by this instance since it started ({Html.Time(started)}); "
            + "other instances count their own. Last request is the latest of every instance, to the minute.</p>\n");
        Html.Table(html, "Clients of this server",
            ["Client", "Source", "Last request", "Expires", "Requests (1 h)", "Failures (1 h)", "Requests (24 h)", "Failures (24 h)"],
            clients.Select(c => new[]
            {
                $"<span class=\"client-name\">{Html.E(c.Name)}</span>",
                Html.E(c.Source) + (c.Revoked is { } revoked ? $" <span class=\"bad\">revoked {Html.Time(revoked)}</span>" : ""),
                Html.Time(c.LastRequest),
                c.Expires is { } expires ? Html.Time(expires) + (expires <= now ? " <span class=\"bad\">expired</span>" : "") : "never",
                Html.N(c.LastHour.Requests), Failures(c.LastHour.Failures),
                Html.N(c.LastDay.Requests), Failures(c.LastDay.Failures),
            }), "No client is configured and none has been answered yet.");
        html.Append("</section>\n");
    }

    static string Failures(long n) => n > 0 ? $"<span class=\"bad\">{Html.N(n)}</span>" : "0";
}
