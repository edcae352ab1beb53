using ScimLite.Scim.Schema;

namespace ScimLite.Doctor;

/// <summary>
/// Bearer authentication as an identity provider meets it: no token and a wrong token get 401 with a SCIM error
/// body (Okta rejects an empty 401), the given token gets 200. Without a working token nothing else can be checked.
/// </summary>
public static class AuthChecks
{
    const string Probe = "/Users?startIndex=1&count=1";

    public static async Task<bool> RunAsync(DoctorHttp http, Expect expect, Checklist list)
    {
        list.Section("Authentication");
        try
        {
            await RefusedAsync(http, list, Credentials.None, "no token");
            await RefusedAsync(http, list, Credentials.WrongToken, "a wrong token");
            const string check = "GET /Users with the given token → 200 ListResponse";
            var json = expect.Body(await http.GetAsync(Probe), check, 200);
            expect.That(json.TryGetProperty("schemas", out var schemas) && schemas.ToString().Contains(ScimUrns.ListResponse), check,
                $"the answer is not a SCIM ListResponse — {Expect.NotScimLite}");
            list.Pass(check);
            return true;
        }
        catch (CheckStopped)
        {
            return false;
        }
    }

    static async Task RefusedAsync(DoctorHttp http, Checklist list, Credentials credentials, string what)
    {
        var check = $"GET /Users with {what} → 401 with a SCIM error body";
        var reply = await http.GetAsync(Probe, credentials);
        if (reply.Status == 401 && reply.IsScimError)
            list.Pass(check);
        else if (reply.Status == 401)
            list.Fail(check, $"the 401 has no SCIM error body ({reply.Said}): something in front of ScimLite (proxy "
                + "authentication, an API gateway) answers it, and Okta rejects a 401 it cannot parse.");
        else if (reply.Status is >= 200 and < 300)
            list.Fail(check, $"{reply.Request} answered {reply.Status} with {what}: anyone can read the users. A proxy adds "
                + "credentials, or this is not ScimLite's authentication.");
        else if (reply.Status == 404)
            // Only the token was different from the request that found /ServiceProviderConfig.
            throw list.Stop(check, $"{reply.Request} answered {reply.Said} — /Users is not routed to ScimLite although the discovery documents are.");
        else
            list.Fail(check, $"{reply.Request} answered {reply.Said} — {Expect.Cause(reply)}");
    }
}
