using System.Globalization;
using System.Text;
using ScimLite.Safety;

namespace ScimLite.Status.Page;

/// <summary>
/// The deprovisioning brake as <c>ScimLite brake status</c> shows it: engaged or not, what the window holds against the
/// threshold, and the requests held. Read-only: it is released with <c>ScimLite brake release</c>.
/// </summary>
public static class BrakeSection
{
    public static void Render(StringBuilder html, BrakeStatus? brake)
    {
        html.Append("<section aria-labelledby=\"brake\"><h2 id=\"brake\">Deprovisioning brake</h2>\n");
        if (brake is null)
        {
            html.Append("<p class=\"muted\">Unknown: the database is unreachable.</p></section>\n");
            return;
        }
        var state = !brake.Enabled ? "<span class=\"muted\" id=\"brake-state\">disabled</span>"
            : brake.Engaged ? "<span class=\"bad\" id=\"brake-state\">ENGAGED</span>"
            : "<span class=\"ok\" id=\"brake-state\">not engaged</span>";
        var share = (brake.Share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
        var people = brake.Deactivations + brake.Deletions;
        var minutes = brake.WindowSeconds / 60;
        var facts = new List<(string, string)> { ("State", state) };
        if (brake.Engaged)
        {
            facts.Add(("Engaged at", Html.Time(brake.EngagedAt)));
            facts.Add(("Reason", Html.E(brake.Reason)));
            facts.Add(("Requests held", $"{Html.N(brake.Held)} (last {Html.Time(brake.LastHeldAt)})"));
            facts.Add(("Release", "<code>ScimLite brake release</code> on the command line, after checking what was held"));
        }
        facts.Add(("Window", $"since {Html.Time(brake.Since)} (at most {minutes} min)"));
        facts.Add(("In the window", $"<span id=\"brake-counted\">{Html.N(people + brake.MemberRemovals)}</span> deprovisionings: "
            + $"{Html.N(brake.Deactivations)} users deactivated, {Html.N(brake.Deletions)} users deleted, {Html.N(brake.MemberRemovals)} memberships removed"));
        facts.Add(("Threshold", $"engages above {Html.N(brake.CountLimit)} and above {share} of the "
            + $"{Html.N(brake.EstablishedActive + people)} established users who were active"));
        facts.Add(("Active users", Html.N(brake.ActiveUsers)));
        Html.Facts(html, facts);
        html.Append("</section>\n");
    }
}
