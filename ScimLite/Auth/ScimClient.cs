using System.Security.Cryptography;
using System.Text;

namespace ScimLite.Auth;

/// <summary>
/// An authenticated API client: its name (what logs, metrics and the journal show; never the token) and its rate
/// limit when it has one of its own.
/// </summary>
public sealed record ScimClient(string Name, int? PermitsPerSecond = null, int? Burst = null)
{
    static readonly object ItemKey = new();

    /// <summary>The client the request authenticated as, or null.</summary>
    public static ScimClient? Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var client) ? client as ScimClient : null;

    internal void AttachTo(HttpContext context) => context.Items[ItemKey] = this;

    /// <summary>SHA-256 of a token's UTF-8 bytes: the only form in which ScimLite keeps a token.</summary>
    public static byte[] Digest(ReadOnlySpan<char> token)
    {
        var bytes = Encoding.UTF8.GetBytes(token.ToArray());
        return SHA256.HashData(bytes);
    }

    /// <summary>A configured token: the token itself, or <c>sha256:&lt;hex&gt;</c> of it.</summary>
    public static byte[] ConfiguredDigest(string configured, string setting)
    {
        configured = configured.Trim();
        if (!configured.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
            return Digest(configured);
        var hex = configured["sha256:".Length..];
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
            throw new InvalidOperationException($"A {setting} entry starting with sha256: must be followed by 64 hex digits.");
        return Convert.FromHexString(hex);
    }
}
