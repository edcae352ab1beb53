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

    /// <summary>Most members one request may name (POST/PUT/PATCH of a group).</summary>
    public int MaxMembersPerRequest { get; set; } = 10000;

    /// <summary>Largest request body accepted, in bytes.</summary>
    public long MaxPayloadBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>PBKDF2-SHA256 iterations for stored password hashes; 0 keeps no passwords at all.</summary>
    public int PasswordIterations { get; set; } = 100_000;
}
