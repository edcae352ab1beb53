using System.Net;

namespace ScimLite.Doctor;

/// <summary>What the operator asked for: the public SCIM base URL, the token an identity provider would send, and flags.</summary>
public sealed record DoctorSettings(Uri BaseUrl, string Token, bool ReadOnly = false, bool InsecureHttp = false);

/// <summary>
/// Checks a live deployment from the outside, the way Okta and Entra see it, and prints the checklist. Exit code 0
/// when every check passed (warnings allowed), 1 when one failed. Checks run in order and a group whose premise
/// failed (no TLS, no discovery, no valid token) ends the run: every later check would fail for the same reason.
/// </summary>
public static class DoctorRun
{
    public static async Task<int> RunAsync(DoctorSettings settings, TextWriter output, HttpMessageHandler? handler = null)
    {
        var list = new Checklist(output);
        output.WriteLine($"ScimLite doctor: {settings.BaseUrl.AbsoluteUri.TrimEnd('/')}{(settings.ReadOnly ? " (read-only)" : "")}");
        if (!CheckTransport(settings, list))
            return list.Finish();

        using var http = new DoctorHttp(settings.BaseUrl, settings.Token, handler, list);
        var expect = new Expect(list);
        if (await DiscoveryChecks.RunAsync(http, expect, list) && await AuthChecks.RunAsync(http, expect, list))
        {
            if (settings.ReadOnly)
                await ReadOnlyLookups.RunAsync(http, expect, list);
            else
            {
                await OktaLifecycle.RunAsync(http, expect, list);
                if (!http.Unreachable)
                    await EntraLifecycle.RunAsync(http, expect, list);
            }
        }
        else
            list.Note("Stopped here: every later check depends on the failure above.");
        PublicUrlCheck.Run(http, list);
        return list.Finish();
    }

    /// <summary>
    /// HTTPS is required: the token travels with every request. Plain HTTP is accepted for a loopback address (a local
    /// instance) and, with <c>--insecure-http</c>, anywhere, each with a warning. Otherwise nothing is sent at all.
    /// </summary>
    static bool CheckTransport(DoctorSettings settings, Checklist list)
    {
        list.Section("TLS and the public URL");
        var url = settings.BaseUrl;
        if (url.Scheme == Uri.UriSchemeHttps)
            list.Pass("the base URL uses HTTPS");
        else if (IsLoopback(url))
            list.Warn("plain HTTP to a loopback address: accepted for a local check",
                "Okta and Entra need the public https:// URL; run doctor against that one too.");
        else if (settings.InsecureHttp)
            list.Warn("plain HTTP accepted because of --insecure-http",
                "the token crossed the network in clear; Okta and Entra need an https:// URL.");
        else
        {
            list.Fail("the base URL uses HTTPS",
                $"HTTP instead of HTTPS: {url.Scheme}://{url.Authority} is not a loopback address, and Okta and Entra send the "
                + "bearer token to this URL. Use the https:// URL of the reverse proxy or load balancer that terminates TLS. "
                + "Nothing was sent, so the token did not cross the network; --insecure-http checks over plain HTTP anyway.");
            return false;
        }
        var hint = BasePathHint(url);
        if (hint is not null)
            list.Warn($"the base path is {url.AbsolutePath}", hint);
        return true;
    }

    public static bool IsLoopback(Uri url) =>
        url.IsLoopback || url.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>ScimLite answers under <c>/scim/v2</c>; a base URL without it, or with it twice, is almost always a typo.</summary>
    public static string? BasePathHint(Uri url)
    {
        var path = url.AbsolutePath.TrimEnd('/');
        if (path.Contains("/scim/v2/scim/v2", StringComparison.OrdinalIgnoreCase))
            return "/scim/v2 is doubled: the base URL ends at the first /scim/v2 (identity providers append /Users themselves).";
        if (!path.EndsWith("/scim/v2", StringComparison.OrdinalIgnoreCase))
            return "/scim/v2 is missing: ScimLite's SCIM base URL is https://<host>/scim/v2.";
        return null;
    }
}
