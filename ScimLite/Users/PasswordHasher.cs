using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ScimLite.Scim;

namespace ScimLite.Users;

/// <summary>
/// Passwords are write-only (RFC 7643 §4.1.1): kept only as a salted PBKDF2-SHA256 hash in users.password_hash,
/// formatted <c>pbkdf2-sha256$iterations$salt$hash</c> (base64) so an application can verify a login with any
/// standard library. With <c>Scim:PasswordIterations = 0</c> passwords are not kept at all (SSO-only apps; Okta sends
/// a random one it never uses).
/// </summary>
public sealed class PasswordHasher(IOptions<ScimOptions> options)
{
    public string? Hash(string? password)
    {
        var iterations = options.Value.PasswordIterations;
        if (password is null || iterations <= 0)
            return null;
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormC)), salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var iterations))
            return false;
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormC)), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
