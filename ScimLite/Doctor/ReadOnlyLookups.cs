using static ScimLite.Doctor.Scim;

namespace ScimLite.Doctor;

/// <summary>
/// With <c>--read-only</c> the lifecycles are skipped; what remains are the lookups Okta's and Entra's connection tests
/// send, on names that cannot exist. GET only.
/// </summary>
public static class ReadOnlyLookups
{
    public static async Task RunAsync(DoctorHttp http, Expect expect, Checklist list)
    {
        list.Section("Lookups (read-only: no user or group is created)");
        var name = $"scimlite-doctor-{Random()}";
        try
        {
            await EmptyAsync(http, expect, list, "Okta: lookup by userName → 200 with an empty list",
                $"/Users?{Filter("userName", name + "@example.invalid")}&startIndex=1&count=100");
            // Entra's "Test Connection" filters on a random GUID.
            await EmptyAsync(http, expect, list, "Entra: lookup by a random userName → 200 with an empty list",
                $"/Users?{Filter("userName", Guid.NewGuid().ToString())}");
            await EmptyAsync(http, expect, list, "Entra: group lookup by displayName with excludedAttributes=members → 200 with an empty list",
                $"/Groups?excludedAttributes=members&{Filter("displayName", name)}");
        }
        catch (CheckStopped)
        {
        }
        list.Note("Skipped (--read-only): the Okta and Entra lifecycles, which create, change and delete a test user and group.");
    }

    static async Task EmptyAsync(DoctorHttp http, Expect expect, Checklist list, string check, string path)
    {
        var json = expect.Body(await http.GetAsync(path), check, 200);
        expect.That(TotalResults(json) == 0, check, "a filter that matches nothing must give totalResults 0, not 404 and not other resources.");
        list.Pass(check);
    }
}
