using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ScimLite.Scim;

namespace ScimLite.Auth;

/// <summary>
/// The accepted bearer tokens, from <c>Scim:Tokens</c>: each either the token itself or <c>sha256:&lt;hex&gt;</c> of it,
/// so the secret need not sit in configuration. All are held as SHA-256 digests and a presented token is compared
/// with every one in constant time, so neither a match's position nor a near miss shows in the timing.
/// </summary>
public sealed class BearerTokens
{
    readonly byte[][] digests;

    public BearerTokens(IOptions<ScimOptions> options)
    {
        digests = options.Value.Tokens
            .Where(t => !string.IsNullOrWhiteSpace(t))
            .Select(Digest)
            .ToArray();
    }

    static byte[] Digest(string configured)
    {
        configured = configured.Trim();
        if (configured.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
        {
            var hex = configured["sha256:".Length..];
            if (hex.Length != 64)
                throw new InvalidOperationException("A Scim:Tokens entry starting with sha256: must be followed by 64 hex digits.");
            return Convert.FromHexString(hex);
        }
        return SHA256.HashData(Encoding.UTF8.GetBytes(configured));
    }

    /// <summary>
    /// Which configured token the request's <c>Authorization: Bearer</c> header carries, as a short hex prefix of its
    /// digest (safe as a rate-limit key: it is not the secret), or null when there is none or it is not accepted.
    /// Every presented token takes the same path: one hash, then a comparison with every configured digest.
    /// </summary>
    public string? Identify(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString().AsSpan().Trim();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return null;
        return Match(header["Bearer ".Length..].Trim()) is { } digest ? Convert.ToHexStringLower(digest, 0, 8) : null;
    }

    byte[]? Match(ReadOnlySpan<char> token)
    {
        Span<byte> presented = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token.ToArray()), presented);
        byte[]? match = null;
        foreach (var digest in digests)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, digest))
                match = digest;
        }
        return match;
    }
}
