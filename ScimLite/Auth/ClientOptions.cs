namespace ScimLite.Auth;

/// <summary>
/// Client settings under "Scim" (beside <see cref="Scim.ScimOptions"/>): clients named in configuration and how
/// often the client table is re-read.
/// </summary>
public sealed class ClientOptions
{
    /// <summary>Named clients from configuration (<c>Scim:Clients:0:Name</c>, <c>…:Token</c>, …), for compose and Kubernetes secrets.</summary>
    public List<ConfiguredClient> Clients { get; set; } = [];

    /// <summary>
    /// How often each instance re-reads the client table, in seconds: a token added, rotated or revoked with
    /// <c>ScimLite tokens</c> takes effect on every instance within this time.
    /// </summary>
    public double TokenRefreshSeconds { get; set; } = 5;
}

/// <summary>One client named in configuration.</summary>
public sealed class ConfiguredClient
{
    public string? Name { get; set; }

    /// <summary>The token itself, or <c>sha256:&lt;64 hex digits&gt;</c> of it.</summary>
    public string? Token { get; set; }

    /// <summary>This client's sustained rate; unset takes <c>Scim:RateLimit:PermitsPerSecond</c>.</summary>
    public int? PermitsPerSecond { get; set; }

    /// <summary>This client's burst; unset takes <c>Scim:RateLimit:Burst</c>.</summary>
    public int? Burst { get; set; }
}
