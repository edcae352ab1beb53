using System.Text.Json;
using ScimLite.Scim.Schema;

namespace ScimLite.Doctor;

/// <summary>
/// /ServiceProviderConfig, /ResourceTypes and /Schemas parse and say what Okta and Entra rely on. A missing
/// /ServiceProviderConfig means the base URL is wrong, so the run stops there, naming the base URL that works when
/// one of the usual typos explains it.
/// </summary>
public static class DiscoveryChecks
{
    public static async Task<bool> RunAsync(DoctorHttp http, Expect expect, Checklist list)
    {
        list.Section("Discovery documents");
        try
        {
            await ServiceProviderConfigAsync(http, expect, list);
        }
        catch (CheckStopped)
        {
            return false;
        }
        foreach (var check in new Func<Task>[] { () => ResourceTypesAsync(http, expect, list), () => SchemasAsync(http, expect, list) })
        {
            try
            {
                await check();
            }
            catch (CheckStopped) when (!http.Unreachable)
            {
            }
        }
        return true;
    }

    static async Task ServiceProviderConfigAsync(DoctorHttp http, Expect expect, Checklist list)
    {
        const string check = "GET /ServiceProviderConfig: a ServiceProviderConfig";
        var reply = await http.GetAsync("/ServiceProviderConfig");
        if (!IsServiceProviderConfig(reply))
        {
            // Another status (401 from a proxy, 502, …) has its own cause; 404 or a 200 that is something else
            // (a web app's catch-all page) means the path is wrong.
            if (reply.Status is not (404 or 200))
                expect.Status(reply, check, 200);
            throw list.Stop(check, $"{reply.Request} answered {reply.Said} — {await WrongBasePathAsync(http)}");
        }
        var json = expect.Body(reply, check, 200);
        list.Pass(check);
        expect.That(Supported(json, "patch"), "patch.supported is true",
            "the server does not advertise PATCH: Okta's catalogue app and Entra update users and groups with PATCH.");
        list.Pass("patch.supported is true");
        expect.That(Supported(json, "filter"), "filter.supported is true",
            "the server does not advertise filtering: Okta and Entra look users up with filter=userName eq \"…\".");
        list.Pass("filter.supported is true");
    }

    static bool IsServiceProviderConfig(Reply reply) =>
        reply.Status == 200 && reply.Json is { ValueKind: JsonValueKind.Object } json && HasSchema(json, ScimUrns.ServiceProviderConfig);

    /// <summary>
    /// The cause of a missing /ServiceProviderConfig. The usual typos are tried anonymously (discovery needs no
    /// token): /scim/v2 missing, doubled, or a different prefix such as /scim/v1.
    /// </summary>
    static async Task<string> WrongBasePathAsync(DoctorHttp http)
    {
        var given = new Uri(http.BaseUrl);
        var hint = DoctorRun.BasePathHint(given);
        foreach (var candidate in Candidates(given))
        {
            var probe = await http.GetAsync(candidate + "/ServiceProviderConfig", Credentials.None, collectUrls: false);
            if (IsServiceProviderConfig(probe))
                return $"wrong base path: ScimLite answers at {candidate}; use that as the base URL.";
        }
        return "wrong base path: nothing SCIM answers /ServiceProviderConfig under this URL"
            + (hint is null ? "" : $" ({hint})")
            + ". Or the proxy does not route this path to ScimLite.";
    }

    static IEnumerable<string> Candidates(Uri given)
    {
        var origin = given.GetLeftPart(UriPartial.Authority);
        var path = given.AbsolutePath.TrimEnd('/');
        var index = path.IndexOf("/scim/v2", StringComparison.OrdinalIgnoreCase);
        var candidates = new List<string>
        {
            index >= 0 ? origin + path[..(index + "/scim/v2".Length)] : origin + path + "/scim/v2",
            origin + "/scim/v2",
        };
        return candidates.Distinct().Where(c => c != origin + path);
    }

    static async Task ResourceTypesAsync(DoctorHttp http, Expect expect, Checklist list)
    {
        const string check = "GET /ResourceTypes: User at /Users and Group at /Groups";
        var json = expect.Body(await http.GetAsync("/ResourceTypes"), check, 200);
        var types = Resources(json);
        bool Has(string name, string endpoint, string schema) => types.Any(t =>
            Text(t, "name") == name && Text(t, "endpoint") == endpoint && Text(t, "schema") == schema);
        expect.That(Has("User", "/Users", ScimUrns.User) && Has("Group", "/Groups", ScimUrns.Group), check,
            "the resource types are missing User or Group, or name other endpoints or schemas: Okta and Entra provision both.");
        list.Pass(check);
    }

    static async Task SchemasAsync(DoctorHttp http, Expect expect, Checklist list)
    {
        const string check = "GET /Schemas: the User and Group schemas with userName and members";
        var json = expect.Body(await http.GetAsync("/Schemas"), check, 200);
        var schemas = Resources(json);
        bool Has(string id, string attribute) => schemas.Any(s => Text(s, "id") == id
            && s.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Array
            && attributes.EnumerateArray().Any(a => Text(a, "name") == attribute));
        expect.That(Has(ScimUrns.User, "userName") && Has(ScimUrns.Group, "members"), check,
            "/Schemas does not describe User.userName or Group.members: Okta's \"Import User Schema\" reads it.");
        list.Pass(check);
    }

    static bool Supported(JsonElement json, string feature) =>
        json.TryGetProperty(feature, out var value) && value.ValueKind == JsonValueKind.Object
        && value.TryGetProperty("supported", out var supported) && supported.ValueKind == JsonValueKind.True;

    static bool HasSchema(JsonElement json, string urn) =>
        json.TryGetProperty("schemas", out var schemas) && schemas.ValueKind == JsonValueKind.Array
        && schemas.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String && s.GetString() == urn);

    internal static List<JsonElement> Resources(JsonElement list) =>
        list.TryGetProperty("Resources", out var resources) && resources.ValueKind == JsonValueKind.Array
            ? [.. resources.EnumerateArray()]
            : [];

    internal static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
