using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ScimLite.Status;

/// <summary>
/// <c>Scim:Admin:Token</c> for the admin listener's pages: <c>Authorization: Bearer &lt;token&gt;</c>, or the cookie the
/// login form sets. The cookie holds an expiry and an HMAC of it keyed by the token's SHA-256, never the token: it
/// dies with its expiry or when the token changes, and is valid on every instance with the same token, with no key
/// ring to store (ASP.NET Core's cookie scheme would need Data Protection keys shared between instances). Every
/// comparison is of fixed-length digests in constant time; the token is never logged.
/// </summary>
public sealed class AdminAccess(IConfiguration configuration, TimeProvider time)
{
    public const string TokenSetting = "Scim:Admin:Token";
    public const string CookieName = "scimlite_admin";
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(12);

    readonly byte[]? digest = configuration[TokenSetting] is { Length: > 0 } token ? SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim())) : null;

    /// <summary>False when no token is configured: the listener's address is the boundary, as for /metrics.</summary>
    public bool Protected => digest is not null;

    public bool Allows(HttpContext context)
    {
        if (digest is null)
            return true;
        var header = context.Request.Headers.Authorization.ToString().Trim();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Matches(header["Bearer ".Length..].Trim());
        return context.Request.Cookies.TryGetValue(CookieName, out var cookie) && CookieValid(cookie);
    }

    public bool Matches(string presented) =>
        digest is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented.Trim())), digest);

    /// <summary>Sets the session cookie: HttpOnly, SameSite=Strict, Secure on https.</summary>
    public void SignIn(HttpContext context)
    {
        var expires = time.GetUtcNow() + CookieLifetime;
        var stamp = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        context.Response.Cookies.Append(CookieName, $"{stamp}.{Convert.ToHexString(Sign(stamp))}", new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, Path = "/", Expires = expires,
        });
    }

    bool CookieValid(string cookie)
    {
        var dot = cookie.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(cookie.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return false;
        byte[] presented;
        try
        {
            presented = Convert.FromHexString(cookie.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = Sign(cookie[..dot]);
        return CryptographicOperations.FixedTimeEquals(presented, expected)
            && DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253402300799)) > time.GetUtcNow();
    }

    byte[] Sign(string stamp) => HMACSHA256.HashData(digest!, Encoding.UTF8.GetBytes("scimlite-admin-session:" + stamp));
}
