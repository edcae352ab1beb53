using System.Text.Json.Nodes;
using ScimLite.Scim;
using ScimLite.Scim.Schema;

namespace ScimLite.Discovery;

/// <summary>
/// GET /ServiceProviderConfig (RFC 7643 §5, RFC 9865 §4). Limits come from <see cref="ScimOptions"/> so the advertised
/// numbers are the enforced ones; each feature flag names the part of ScimLite that makes it true.
/// </summary>
public static class ServiceProviderConfigDocument
{
    public static JsonObject Build(ScimOptions options, string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(ScimUrns.ServiceProviderConfig),
        // documentationUri is optional and ScimLite has no hosted help page, so it is omitted rather than invented.
        ["patch"] = Supported(true),
        // No /Bulk endpoint: it answers 501, and the limits are zero so no client plans a batch.
        ["bulk"] = new JsonObject { ["supported"] = false, ["maxOperations"] = 0, ["maxPayloadSize"] = 0 },
        ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = options.MaxResults },
        // Passwords are set through PUT and PATCH of User.password (writeOnly, stored hashed).
        ["changePassword"] = Supported(true),
        ["sort"] = Supported(true),
        // Every resource carries meta.version as a weak ETag and honours If-Match / If-None-Match.
        ["etag"] = Supported(true),
        ["pagination"] = PaginationConfig(options),
        ["authenticationSchemes"] = new JsonArray(new JsonObject
        {
            ["type"] = "oauthbearertoken",
            ["name"] = "OAuth Bearer Token",
            ["description"] = "Authentication with a bearer token in the Authorization header",
            ["primary"] = true,
        }),
        ["meta"] = new JsonObject
        {
            ["resourceType"] = "ServiceProviderConfig",
            ["location"] = Location(baseUrl),
        },
    };

    public static string Location(string baseUrl) => $"{baseUrl}/ServiceProviderConfig";

    static JsonObject Supported(bool supported) => new() { ["supported"] = supported };

    /// <summary>
    /// RFC 9865 §4. Cursors are keysets that never expire (Scim/Listing/Cursor.cs), so the advertised minimum validity holds.
    /// </summary>
    static JsonObject PaginationConfig(ScimOptions options) => new()
    {
        ["cursor"] = true,
        ["index"] = true,
        // Existing index clients (Okta, Entra) must keep working unchanged: RFC 9865 §2.4.
        ["defaultPaginationMethod"] = "index",
        ["defaultPageSize"] = options.DefaultPageSize,
        ["maxPageSize"] = options.MaxResults,
        ["cursorTimeout"] = 3600,
    };
}
