using System.Text.RegularExpressions;

namespace ScimLite.Scim.Schema;

public static partial class ScimUrns
{
    public const string User = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string Group = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string ListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string Error = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string ServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    public const string ResourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
    public const string Schema = "urn:ietf:params:scim:schemas:core:2.0:Schema";

    /// <summary>Whether <paramref name="urn"/> is one of the resource schemas ScimLite itself defines (any case).</summary>
    public static bool IsBuiltIn(string urn) =>
        string.Equals(urn, User, StringComparison.OrdinalIgnoreCase) || string.Equals(urn, Group, StringComparison.OrdinalIgnoreCase)
        || string.Equals(urn, EnterpriseUser, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The extension URN of an undeclared path or key, or null when it is no URN or one of the core schemas: <c>urn:…:Acme:2.0:User:costCode</c>
    /// and <c>urn:…:Acme:2.0:User</c> both name <c>urn:…:Acme:2.0:User</c>.
    /// </summary>
    public static string? UrnOf(string path)
    {
        if (!path.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
            return null;
        var bracket = path.IndexOf('[');
        if (bracket >= 0)
            path = path[..bracket];
        var parts = path.Split(':');
        var urn = parts.Length > 2 && !IsVersion(parts[^2]) ? string.Join(':', parts[..^1]) : path;
        // A schema of ScimLite's own on the wrong resource type (the Enterprise User on a Group) is a mistake, not an extension.
        return IsBuiltIn(urn) ? null : urn;
    }

    /// <summary>A URN part that is a version (<c>2.0</c>): the part before it names the extension.</summary>
    public static bool IsVersion(string part) => Version().IsMatch(part);

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)*\z")]
    private static partial Regex Version();
}
