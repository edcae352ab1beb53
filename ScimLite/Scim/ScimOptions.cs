namespace ScimLite.Scim;

/// <summary>Operator settings under the "Scim" configuration section (env <c>Scim__...</c>).</summary>
public sealed class ScimOptions
{
    public const string Section = "Scim";

    /// <summary>Accepted bearer tokens, in clear or as <c>sha256:&lt;hex&gt;</c>. Several at once allow rotation.</summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>Page size when a list request names no <c>count</c>.</summary>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>Most resources one list response carries (advertised as filter.maxResults).</summary>
    public int MaxResults { get; set; } = 1000;

    /// <summary>Most PATCH operations in one request.</summary>
    public int MaxOperations { get; set; } = 1000;

    /// <summary>Default of <see cref="MaxPatchArraySteps"/>.</summary>
    public const int DefaultMaxPatchArraySteps = 200;

    /// <summary>
    /// Most PATCH operations on multi-valued attributes kept as jsonb arrays (emails, addresses, roles, …) in one
    /// request, all such attributes together; more is 400. Identity providers send a few.
    /// </summary>
    public int MaxPatchArraySteps { get; set; } = DefaultMaxPatchArraySteps;

    /// <summary>Most substring comparisons (co, sw, ew) in one filter; more is 400 invalidFilter.</summary>
    public int MaxFilterSubstringTerms { get; set; } = 10;

    /// <summary>
    /// Most terms on multi-valued attributes (emails, addresses, members, …; a <c>[...]</c> filter counts once) in one
    /// filter; more is 400 invalidFilter.
    /// </summary>
    public int MaxFilterMultiValuedTerms { get; set; } = 10;

    /// <summary>
    /// Most values one multi-valued attribute may hold: each custom one (<c>Scim:Extensions</c>) and each core one kept
    /// as a jsonb array (emails, phoneNumbers, addresses, …), after any PATCH; more is 400 invalidValue. 0: no limit.
    /// </summary>
    public int MaxMultiValuedItems { get; set; } = 1000;

    /// <summary>
    /// Most bytes the custom attributes of one resource may take (the <c>extensions</c> document as JSON text), after
    /// any PATCH; more is 400 invalidValue. 0: no limit.
    /// </summary>
    public int MaxExtensionBytes { get; set; } = 64 * 1024;

    /// <summary>Most members one request may name (POST/PUT/PATCH of a group).</summary>
    public int MaxMembersPerRequest { get; set; } = 10000;

    /// <summary>Largest request body accepted, in bytes (also Kestrel's MaxRequestBodySize); larger is 413.</summary>
    public long MaxPayloadBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Longest string value a request body may carry, in characters. IdP attribute values are short; the longest
    /// legitimate ones are base64 x509Certificates of a few KB. Longer is 400 invalidValue.
    /// </summary>
    public int MaxAttributeLength { get; set; } = 16 * 1024;

    /// <summary>PBKDF2-SHA256 iterations for stored password hashes; 0 keeps no passwords at all.</summary>
    public int PasswordIterations { get; set; } = 100_000;

    /// <summary>Per-client request rates (<c>Scim:RateLimit:*</c>).</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>
    /// The deadline of one request, in seconds; also PostgreSQL's statement_timeout on ScimLite's connections. Over it
    /// the request is stopped and answered 503 with Retry-After. 0 turns the deadline off.
    /// </summary>
    public int RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// The base every URL in a response is built from (<c>https://scim.example.com</c>, optionally with a path prefix);
    /// the Host header is then never used. ScimLite/Hosting/PublicUrls.cs says what happens when it is unset.
    /// </summary>
    public string? PublicUrl { get; set; }
}

/// <summary>
/// Token buckets: one per bearer token (Entra sends at most about 25 requests a second per app), and one per remote
/// address for requests without a valid token, so guessing tokens is slow.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Sustained requests per second for one token.</summary>
    public int PermitsPerSecond { get; set; } = 200;

    /// <summary>Requests one token may send at once before the sustained rate applies.</summary>
    public int Burst { get; set; } = 400;

    /// <summary>Sustained requests per second from one address without a valid token (including discovery).</summary>
    public int AnonymousPermitsPerSecond { get; set; } = 20;

    /// <summary>Burst from one address without a valid token.</summary>
    public int AnonymousBurst { get; set; } = 40;
}
